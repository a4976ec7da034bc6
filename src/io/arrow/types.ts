/** Arrow IPC type ids and the value widths their parameters imply. */
import type { FbTable } from './flatbuffer.js';

/** The `Type` union of Arrow's Schema.fbs. */
export const TypeId = {
  NONE: 0,
  Null: 1,
  Int: 2,
  FloatingPoint: 3,
  Binary: 4,
  Utf8: 5,
  Bool: 6,
  Decimal: 7,
  Date: 8,
  Time: 9,
  Timestamp: 10,
  Interval: 11,
  List: 12,
  Struct: 13,
  Union: 14,
  FixedSizeBinary: 15,
  FixedSizeList: 16,
  Map: 17,
  Duration: 18,
  LargeBinary: 19,
  LargeUtf8: 20,
  LargeList: 21,
  RunEndEncoded: 22,
  BinaryView: 23,
  Utf8View: 24,
  ListView: 25,
  LargeListView: 26,
} as const;

/** Type names by id, for messages. */
export const TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(TypeId).map(([name, id]) => [id, name]),
);

/** Types whose parameters are read from the type table (so it must be present). */
const PARAMETERIZED: readonly number[] = [
  TypeId.Int, TypeId.FloatingPoint, TypeId.Decimal, TypeId.Date, TypeId.Time, TypeId.Timestamp, TypeId.Interval,
  TypeId.Duration, TypeId.Union, TypeId.FixedSizeBinary, TypeId.FixedSizeList, TypeId.Map,
];

/**
 * Bytes per value of a type's data buffer (0: no fixed-width data buffer,
 * -1: one bit per value), after checking its parameters; `fail` throws.
 */
export function typeWidth(typeId: number, type: FbTable | null, fail: (what: string) => never): number {
  if (!type) {
    if (PARAMETERIZED.includes(typeId)) fail('missing parameters');
    return typeId === TypeId.Bool ? -1 : typeId === TypeId.BinaryView || typeId === TypeId.Utf8View ? 16 : 0;
  }
  switch (typeId) {
    case TypeId.Bool:
      return -1;
    case TypeId.Int:
      return oneOf(type.int32(0), [8, 16, 32, 64], 'bit width', fail) / 8;
    case TypeId.FloatingPoint:
      return [2, 4, 8][oneOf(type.int16(0), [0, 1, 2], 'precision', fail)]!;
    case TypeId.Decimal:
      return oneOf(type.int32(2, 128), [32, 64, 128, 256], 'bit width', fail) / 8;
    case TypeId.Date:
      return [4, 8][oneOf(type.int16(0, 1), [0, 1], 'unit', fail)]!;
    case TypeId.Time: {
      const unit = oneOf(type.int16(0, 1), [0, 1, 2, 3], 'unit', fail);
      const bits = type.int32(1, 32);
      if (bits !== (unit < 2 ? 32 : 64)) fail('bit width does not match the unit');
      return bits / 8;
    }
    case TypeId.Timestamp:
      oneOf(type.int16(0), [0, 1, 2, 3], 'unit', fail);
      return 8;
    case TypeId.Duration:
      oneOf(type.int16(0, 1), [0, 1, 2, 3], 'unit', fail);
      return 8;
    case TypeId.Interval:
      return [4, 8, 16][oneOf(type.int16(0), [0, 1, 2], 'unit', fail)]!;
    case TypeId.FixedSizeBinary: {
      const width = type.int32(0);
      if (width < 0) fail('negative byte width');
      return width;
    }
    case TypeId.BinaryView:
    case TypeId.Utf8View:
      return 16;
    default:
      return 0;
  }
}

function oneOf(value: number, allowed: readonly number[], what: string, fail: (what: string) => never): number {
  if (!allowed.includes(value)) fail(`${what} ${value}`);
  return value;
}

/** Reads every key and value of a custom-metadata vector, so that a corrupt one fails here. */
export function checkMetadata(entries: readonly FbTable[]): void {
  metadataMap(entries);
}

/** A custom-metadata vector as a map, read and checked (a missing value is empty, as Arrow C++ reads it). */
export function metadataMap(entries: readonly FbTable[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of entries) {
    const key = entry.string(0);
    const value = entry.string(1);
    if (key !== null) out.set(key, value ?? '');
  }
  return out;
}
