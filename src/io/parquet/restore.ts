/**
 * Arrow data read from Parquet, converted to the column's stored Arrow type
 * (see stored-types.ts for which conversions there are). The input
 * is data as the reader assembles it (offset 0); values are copied only
 * where the encoding changes (string views, large offsets, fixed-size lists
 * with null lists, scaled units), everything else is shared.
 */
import { Data, type DataType, type Dictionary, type FixedSizeList, Type } from 'apache-arrow';
import { bitmapToBytes } from '../arrow/bitmap.js';
import { DictionaryValues } from './dictionary.js';
import { CorruptParquet } from './faults.js';
import { validity } from './leaf.js';
import type { Restore } from './stored-types.js';

/** The dictionaries of a column's dictionary nodes. */
type Dictionaries = Map<Restore, DictionaryValues>;

/**
 * The columns of one input under their stored types. A column with
 * dictionaries has them gathered from all of its data (`wholeColumn`, the
 * column of every row group in turn, decoded once more) before its first
 * batch.
 */
export class ColumnRestorer {
  private readonly dictionaries = new Map<number, Promise<Dictionaries>>();

  constructor(
    private readonly restores: readonly (Restore | undefined)[],
    private readonly wholeColumn: (column: number) => AsyncIterable<Data>,
  ) {}

  /** Column `c`'s data (as decoded) under its stored type. */
  async restore(c: number, data: Data): Promise<Data> {
    const restore = this.restores[c];
    if (!restore) return data;
    let dictionaries = this.dictionaries.get(c);
    if (!dictionaries) this.dictionaries.set(c, (dictionaries = this.gather(c, restore)));
    return restoreData(data, restore, await dictionaries);
  }

  private async gather(c: number, restore: Restore): Promise<Dictionaries> {
    const dictionaries: Dictionaries = new Map();
    if (hasDictionary(restore)) for await (const data of this.wholeColumn(c)) gatherDictionaries(data, restore, dictionaries);
    return dictionaries;
  }
}

/** Whether a Restore has dictionary nodes (whose values must be gathered over the whole input first). */
function hasDictionary(restore: Restore): boolean {
  if (restore.kind === 'dictionary') return true;
  if (restore.kind === 'list') return hasDictionary(restore.item);
  return restore.kind === 'struct' && restore.children.some(hasDictionary);
}

/** Adds the values of one batch of the column to its dictionaries (creating them on first use). */
function gatherDictionaries(data: Data, restore: Restore, dictionaries: Dictionaries): void {
  if (restore.kind === 'dictionary') {
    let values = dictionaries.get(restore);
    if (!values) dictionaries.set(restore, (values = new DictionaryValues(restore.type)));
    values.add(data);
  } else if (restore.kind === 'list') {
    gatherDictionaries(data.children[0]!, restore.item, dictionaries);
  } else if (restore.kind === 'struct') {
    restore.children.forEach((child, i) => gatherDictionaries(data.children[i]!, child, dictionaries));
  }
}

/** `data` under its stored type; `dictionaries` hold every value of the column's dictionary nodes. */
function restoreData(data: Data, restore: Restore, dictionaries: Dictionaries): Data {
  const { type } = restore;
  const buffers = (valueOffsets: unknown, values: unknown) => [valueOffsets, values, data.nullBitmap] as never;
  switch (restore.kind) {
    case 'retag':
      return new Data(type, data.offset, data.length, data.nullCount, buffers(data.valueOffsets, data.values), data.children);
    case 'dictionary': {
      const values = dictionaries.get(restore) ?? new DictionaryValues(restore.type);
      const dictionary = values.vector((plain) => viewsOf(plain, restore.type.dictionary));
      return new Data(type as Dictionary, 0, data.length, data.nullCount, buffers(undefined, values.indices(data)), [], dictionary);
    }
    case 'large':
      return new Data(type, 0, data.length, data.nullCount, buffers(bigOffsets(data.valueOffsets as Int32Array), data.values), []);
    case 'view':
      return viewsOf(data, type);
    case 'scale':
      return new Data(type, 0, data.length, data.nullCount, buffers(undefined, scaled(data.values as Int32Array | BigInt64Array, restore)), []);
    case 'struct':
      return new Data(type, 0, data.length, data.nullCount, buffers(undefined, undefined), restore.children.map((child, i) => restoreData(data.children[i]!, child, dictionaries)));
    case 'list': {
      const child = restoreData(data.children[0]!, restore.item, dictionaries);
      if (type.typeId === Type.FixedSizeList) return fixedSizeList(data, type as FixedSizeList, child);
      const offsets = type.typeId === Type.LargeList ? bigOffsets(data.valueOffsets as Int32Array) : data.valueOffsets;
      return new Data(type, 0, data.length, data.nullCount, buffers(offsets, undefined), [child]);
    }
  }
}

/** 32-bit offsets as 64-bit ones, in a plain loop (BigInt64Array.from with a mapping function is several times slower). */
function bigOffsets(offsets: Int32Array): BigInt64Array {
  const out = new BigInt64Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = BigInt(offsets[i]!);
  return out;
}

/**
 * Utf8 or Binary data as `type`: string or binary views (values of up to 12
 * bytes inline, longer ones as a prefix and a reference into the data
 * buffer, kept as the one variadic buffer), large strings or bytes, or
 * unchanged (the values of a dictionary can be any of them).
 */
function viewsOf(data: Data, type: DataType): Data {
  if (type.typeId === Type.Utf8 || type.typeId === Type.Binary) return data;
  if (type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary) return restoreData(data, { kind: 'large', type }, new Map());
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const views = new Uint8Array(16 * data.length);
  const view = new DataView(views.buffer);
  for (let i = 0; i < data.length; i++) {
    const start = offsets[i]!;
    const length = offsets[i + 1]! - start;
    view.setInt32(16 * i, length, true);
    if (length <= 12) {
      views.set(bytes.subarray(start, start + length), 16 * i + 4);
    } else {
      views.set(bytes.subarray(start, start + 4), 16 * i + 4);
      view.setInt32(16 * i + 8, 0, true);
      view.setInt32(16 * i + 12, start, true);
    }
  }
  return new Data(type, 0, data.length, data.nullCount, [undefined, views, data.nullBitmap] as never, [], undefined, [bytes]);
}

/** Integers in another unit: times `factor`, or divided by `divisor`, which must divide each of them. */
function scaled(values: Int32Array | BigInt64Array, restore: Restore & { kind: 'scale' }): Int32Array | BigInt64Array {
  const { factor, divisor } = restore;
  const out = new (restore.type.ArrayType as Int32ArrayConstructor | BigInt64ArrayConstructor)(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = BigInt(values[i]!);
    if (v % divisor !== 0n) throw new CorruptParquet(`value ${v} is not a whole number of its stored Arrow type's unit (${String(restore.type)})`);
    const x = (v * factor) / divisor;
    out[i] = (out instanceof BigInt64Array ? x : Number(x)) as never;
  }
  return out;
}

/**
 * A list column as a fixed-size list: every list that is not null must have
 * the size; a null list becomes `size` null elements. The elements are used
 * as they are when no list is null, else copied slot by slot.
 */
function fixedSizeList(data: Data, type: FixedSizeList, child: Data): Data {
  const size = type.listSize;
  const offsets = data.valueOffsets as Int32Array;
  const rows = data.length;
  let nullLists = 0;
  for (let r = 0; r < rows; r++) {
    const length = offsets[r + 1]! - offsets[r]!;
    if (!data.getValid(r)) nullLists++;
    else if (length !== size) throw new CorruptParquet(`row ${r} holds a list of ${length} values, where its stored Arrow type ${String(type)} holds ${size}`);
  }
  const make = (item: Data) => new Data(type, 0, rows, data.nullCount, [undefined, undefined, data.nullBitmap] as never, [item]);
  if (nullLists === 0) return make(child);
  const stride = child.stride * (child.values as ArrayLike<unknown> & { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const from = new Uint8Array(child.values.buffer, child.values.byteOffset, child.values.byteLength);
  const to = new Uint8Array(rows * size * stride);
  const present = new Uint8Array(rows * size);
  const childValid = child.nullCount > 0 ? bitmapToBytes(child.nullBitmap!, child.offset, child.length) : undefined;
  for (let r = 0; r < rows; r++) {
    if (!data.getValid(r)) continue;
    const start = offsets[r]!;
    to.set(from.subarray(start * stride, (start + size) * stride), r * size * stride);
    for (let k = 0; k < size; k++) present[r * size + k] = childValid ? childValid[start + k]! : 1;
  }
  const values = new (child.values.constructor as new (buffer: ArrayBuffer) => ArrayBufferView)(to.buffer);
  const { nullBitmap, nullCount } = validity(present, rows * size);
  return make(new Data(child.type, 0, rows * size, nullCount, [undefined, values, nullBitmap] as never, []));
}
