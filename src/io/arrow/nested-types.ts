/** Nested Arrow types rebuilt around other child fields: the same kind and parameters, new children. */
import { type DataType, type Field, FixedSizeList, LargeList, List, Map_, Struct, Type, Union } from 'apache-arrow';

/** `type` (a struct, list, large list, fixed-size list, map or union) with `children` in place of its own; any other type as it is. */
export function withChildren(type: DataType, children: Field[]): DataType {
  switch (type.typeId) {
    case Type.Struct:
      return new Struct(children);
    case Type.List:
      return new List(children[0]!);
    case Type.LargeList:
      return new LargeList(children[0]!);
    case Type.FixedSizeList:
      return new FixedSizeList((type as FixedSizeList).listSize, children[0]!);
    case Type.Map:
      return new Map_(children[0] as Field<Struct>, (type as Map_).keysSorted);
    case Type.Union: {
      const union = type as Union;
      return new Union(union.mode, union.typeIds, children);
    }
    default:
      return type;
  }
}
