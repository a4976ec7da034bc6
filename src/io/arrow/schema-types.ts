/**
 * The apache-arrow types of a checked Schema flatbuffer, built as apache-arrow's
 * own schema decoder builds them (the same classes, parameters and defaults),
 * but from bn1d's checked reading: list views become the lists apache-arrow
 * has (list-views.ts rebuilds their batches), and a field without a name
 * gets the empty name, as Arrow C++ reads it.
 */
import {
  Binary, BinaryView, Bool, type DataType, Date_, Decimal, Dictionary, Duration, type Field, FixedSizeBinary, FixedSizeList, Float, Int, Int32,
  Interval, LargeBinary, LargeList, LargeUtf8, List, Map_, Null, Struct, Time, Timestamp, Union, Utf8, Utf8View,
} from 'apache-arrow';
import type { FbTable } from './flatbuffer.js';
import { ArrowFormatError } from './format-error.js';
import { TYPE_NAMES, TypeId } from './types.js';

/** The bit widths of integers (the checks allow no other). */
type BitWidth = 8 | 16 | 32 | 64;

/** The type of a field with type id `typeId`, parameters `type` (a checked type table) and these children. */
export function arrowType(typeId: number, type: FbTable | null, children: Field[]): DataType {
  const child = children[0]!;
  switch (typeId) {
    case TypeId.Null:
      return new Null();
    case TypeId.Binary:
      return new Binary();
    case TypeId.LargeBinary:
      return new LargeBinary();
    case TypeId.BinaryView:
      return new BinaryView();
    case TypeId.Utf8:
      return new Utf8();
    case TypeId.LargeUtf8:
      return new LargeUtf8();
    case TypeId.Utf8View:
      return new Utf8View();
    case TypeId.Bool:
      return new Bool();
    case TypeId.List:
    case TypeId.ListView:
      return new List(child);
    case TypeId.LargeList:
    case TypeId.LargeListView:
      return new LargeList(child);
    case TypeId.Struct:
      return new Struct(children);
  }
  // The checks of schema-info.ts made sure these types have their parameters.
  const t = type!;
  switch (typeId) {
    case TypeId.Int:
      return new Int(t.bool(1), t.int32(0) as BitWidth);
    case TypeId.FloatingPoint:
      return new Float(t.int16(0));
    case TypeId.Decimal:
      return new Decimal(t.int32(1), t.int32(0), t.int32(2, 128));
    case TypeId.Date:
      return new Date_(t.int16(0, 1));
    case TypeId.Time:
      return new Time(t.int16(0, 1), t.int32(1, 32) as 32);
    case TypeId.Timestamp:
      return new Timestamp(t.int16(0), t.string(1));
    case TypeId.Interval:
      return new Interval(t.int16(0));
    case TypeId.Duration:
      return new Duration(t.int16(0, 1));
    case TypeId.Union:
      return new Union(t.int16(0), t.int32s(1), children);
    case TypeId.FixedSizeBinary:
      return new FixedSizeBinary(t.int32(0));
    case TypeId.FixedSizeList:
      return new FixedSizeList(t.int32(0), child);
    case TypeId.Map:
      return new Map_(child as Field<Struct>, t.bool(0));
  }
  throw new ArrowFormatError(`unsupported Arrow type ${TYPE_NAMES[typeId] ?? typeId}`);
}

/** The dictionary type of a field whose encoding is `encoding`: an id, index type (int32 unless given) and order. */
export function dictionaryType(valueType: DataType, id: number, encoding: FbTable): Dictionary {
  const index = encoding.table(1);
  const indices: Int = index ? new Int(index.bool(1), index.int32(0) as BitWidth) : new Int32();
  // Any of the index types the checks allow (signed or not, 8 to 64 bits), which the type names as one of them.
  return new Dictionary(valueType, indices as Int32, id, encoding.bool(2));
}
