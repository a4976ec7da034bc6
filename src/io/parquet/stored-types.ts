/**
 * Which Arrow type a Parquet column reads as when the file stores its Arrow
 * schema (ARROW:schema): the stored type where it is a faithful view of the
 * values the Parquet column holds, else the type types.ts maps the
 * column to. A faithful view holds the same values, re-encoded at most:
 * strings as a dictionary, as large strings or as string views; a timezone
 * on timestamps adjusted to UTC; int64 as a duration; seconds stored as
 * milliseconds (and days as milliseconds); lists as large or fixed-size
 * lists. Nullability stays the Parquet column's; names and field metadata
 * come from the stored schema.
 */
import {
  type DataType, Dictionary, Field, FixedSizeList, type Int, LargeList, List, Map_, Schema, Struct, type Timestamp, Type, DateUnit, TimeUnit,
} from 'apache-arrow';
import type { KeyValue } from 'hyparquet';
import { sameArrowType } from './arrow-types.js';
import { storedSchema } from './arrow-schema.js';

/** How a column (or a part of it) read from Parquet becomes its stored type. */
export type Restore =
  /** The same values under the stored type (timezone, duration, names and metadata). */
  | { readonly kind: 'retag'; readonly type: DataType }
  /** Strings or bytes as dictionary indices into one dictionary per column for the whole input. */
  | { readonly kind: 'dictionary'; readonly type: Dictionary }
  /** Strings or bytes with 64-bit offsets, or as views. */
  | { readonly kind: 'large' | 'view'; readonly type: DataType }
  /** Integers multiplied by `factor`, or divided by `divisor` (which must divide them). */
  | { readonly kind: 'scale'; readonly type: DataType; readonly factor: bigint; readonly divisor: bigint }
  | { readonly kind: 'list'; readonly type: List | LargeList | FixedSizeList | Map_; readonly item: Restore }
  | { readonly kind: 'struct'; readonly type: Struct; readonly children: readonly Restore[] };

/** The Arrow schema of a Parquet input, and how each column's data becomes its type (undefined: as read). */
export interface ReadSchema {
  readonly schema: Schema;
  readonly restores: readonly (Restore | undefined)[];
  /** Set when the file's ARROW:schema was ignored: why. */
  readonly problem?: string | undefined;
}

/**
 * The schema of a Parquet input whose columns read as `fields`, given its
 * footer's key-value metadata: the stored type of each column that fits it
 * (the stored schema's fields are the columns in order), and the metadata.
 */
export function readSchema(fields: readonly Field[], keyValues: readonly KeyValue[] | undefined): ReadSchema {
  const stored = storedSchema(keyValues);
  const storedFields = stored.arrow?.fields.length === fields.length ? stored.arrow.fields : [];
  let dictionaryId = 0;
  const restored = fields.map((field, i) => (storedFields[i] ? restoreField(field, storedFields[i]!, () => dictionaryId++) : undefined));
  return {
    schema: new Schema(fields.map((field, i) => restored[i]?.field ?? field), stored.metadata),
    restores: restored.map((r) => r?.restore),
    problem: stored.problem,
  };
}

const STRINGS: readonly Type[] = [Type.Utf8, Type.LargeUtf8, Type.Utf8View];
const BYTES: readonly Type[] = [Type.Binary, Type.LargeBinary, Type.BinaryView];
/** FixedSizeList children whose values are a fixed number of bytes per slot (so null lists can be filled in). */
const FIXED_WIDTH: readonly Type[] = [Type.Int, Type.Float, Type.Decimal, Type.Date, Type.Time, Type.Timestamp, Type.Duration, Type.FixedSizeBinary];

/**
 * The field a column read as `natural` has under the stored field `stored`,
 * with how to convert its data; undefined when the stored type does not fit.
 * `nextDictionaryId` numbers the dictionaries of the reader's schema.
 */
export function restoreField(natural: Field, stored: Field, nextDictionaryId: () => number): { field: Field; restore: Restore } | undefined {
  if (natural.name !== stored.name) return undefined;
  const restore = restoreType(natural.type, stored.type, nextDictionaryId);
  if (!restore) return undefined;
  return { field: new Field(natural.name, restore.type, natural.nullable, stored.metadata), restore };
}

/** The Restore of a type read from Parquet as `natural` into `stored`, or undefined when it does not fit. */
export function restoreType(natural: DataType, stored: DataType, nextDictionaryId: () => number): Restore | undefined {
  const leaf = restoreLeaf(natural, stored);
  if (leaf) return leaf.kind === 'dictionary' ? { ...leaf, type: withId(leaf.type, nextDictionaryId()) } : leaf;
  const children = (natural.children ?? []) as Field[];
  const storedChildren = (stored.children ?? []) as Field[];
  const child = (i: number) => {
    const field = children[i]!;
    const restore = restoreType(field.type, storedChildren[i]!.type, nextDictionaryId);
    return restore && { restore, field: new Field(storedChildren[i]!.name, restore.type, field.nullable, storedChildren[i]!.metadata) };
  };
  if (natural.typeId === Type.Struct && stored.typeId === Type.Struct && children.length === storedChildren.length) {
    const restored = children.map((_, i) => child(i));
    if (!restored.every((r) => r !== undefined) || !children.every((f, i) => f.name === storedChildren[i]!.name)) return undefined;
    return { kind: 'struct', type: new Struct(restored.map((r) => r!.field)), children: restored.map((r) => r!.restore) };
  }
  if (natural.typeId === Type.Map && stored.typeId === Type.Map) {
    const item = child(0);
    if (!item) return undefined;
    return { kind: 'list', type: new Map_(item.field as Field<Struct>, (stored as Map_).keysSorted), item: item.restore };
  }
  if (natural.typeId !== Type.List || ![Type.List, Type.LargeList, Type.FixedSizeList].includes(stored.typeId)) return undefined;
  const item = child(0);
  if (!item) return undefined;
  if (stored.typeId === Type.List) return { kind: 'list', type: new List(item.field), item: item.restore };
  if (stored.typeId === Type.LargeList) return { kind: 'list', type: new LargeList(item.field), item: item.restore };
  if (!FIXED_WIDTH.includes(item.field.type.typeId)) return undefined;
  return { kind: 'list', type: new FixedSizeList((stored as FixedSizeList).listSize, item.field), item: item.restore };
}

/** The Restore of a primitive type, or undefined when `stored` is not a faithful view of it. */
export function restoreLeaf(natural: DataType, stored: DataType): Restore | undefined {
  const values = STRINGS.includes(natural.typeId) ? STRINGS : BYTES.includes(natural.typeId) ? BYTES : undefined;
  if (natural.typeId === Type.Utf8 || natural.typeId === Type.Binary) {
    if (stored.typeId === Type.Dictionary && values!.includes((stored as Dictionary).dictionary.typeId)) {
      return { kind: 'dictionary', type: stored as Dictionary };
    }
    if (stored.typeId === Type.LargeUtf8 || stored.typeId === Type.LargeBinary) return values!.includes(stored.typeId) ? { kind: 'large', type: stored } : undefined;
    if (stored.typeId === Type.Utf8View || stored.typeId === Type.BinaryView) return values!.includes(stored.typeId) ? { kind: 'view', type: stored } : undefined;
  }
  const unit = (type: DataType) => (type as DataType & { unit: number }).unit;
  switch (stored.typeId) {
    case Type.Timestamp: {
      if (natural.typeId !== Type.Timestamp || !(natural as Timestamp).timezone !== !(stored as Timestamp).timezone) return undefined;
      if (unit(natural) === unit(stored)) return { kind: 'retag', type: stored };
      return unit(stored) === TimeUnit.SECOND && unit(natural) === TimeUnit.MILLISECOND ? scale(stored, 1n, 1000n) : undefined;
    }
    case Type.Time:
      if (natural.typeId !== Type.Time) return undefined;
      if (unit(natural) === unit(stored)) return { kind: 'retag', type: stored };
      return unit(stored) === TimeUnit.SECOND && unit(natural) === TimeUnit.MILLISECOND ? scale(stored, 1n, 1000n) : undefined;
    case Type.Date:
      if (natural.typeId !== Type.Date) return undefined;
      if (unit(natural) === unit(stored)) return { kind: 'retag', type: stored };
      return unit(stored) === DateUnit.MILLISECOND ? scale(stored, 86_400_000n, 1n) : undefined;
    case Type.Duration: {
      const int = natural as Int;
      return natural.typeId === Type.Int && int.bitWidth === 64 && int.isSigned ? { kind: 'retag', type: stored } : undefined;
    }
    case Type.Dictionary:
    case Type.Struct:
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.Map:
      return undefined;
    default:
      return !natural.children?.length && sameArrowType(natural, stored) ? { kind: 'retag', type: stored } : undefined;
  }
}

function scale(type: DataType, factor: bigint, divisor: bigint): Restore {
  return { kind: 'scale', type, factor, divisor };
}

function withId(type: Dictionary, id: number): Dictionary {
  return new Dictionary(type.dictionary, type.indices, id, type.isOrdered);
}
