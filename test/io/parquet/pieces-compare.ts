/** Columns read in pieces (ParquetReader.columnPieces) against the same column read whole (readChunk). */
import { type Data, type DataType, type Field, type FixedSizeList, Type } from 'apache-arrow';
import { expect } from 'vitest';
import { SNAPPY_WINDOW } from '../../../src/io/codecs/snappy-decode.js';
import type { StreamSizes } from '../../../src/io/parquet/page-bytes.js';
import type { ParquetReader } from '../../../src/io/parquet/read.js';
import { slotImage } from './helpers.js';

/** Every piece of column `column` of chunk `index` (pages read in parts as `stream` says, when given). */
export async function piecesOf(reader: ParquetReader, index: number, column: string, targetBytes?: number, stream?: StreamSizes): Promise<Data[]> {
  const pieces: Data[] = [];
  for await (const piece of reader.columnPieces(index, column, { targetBytes, stream })) pieces.push(piece);
  return pieces;
}

/**
 * Page sizes that read every page of PLAIN values larger than a piece in
 * parts: from blocks of a few bytes of the file, with the window every
 * encoder stays within, or with one so small that most SNAPPY streams
 * copy from beyond it (and are decoded whole from there on).
 */
export const STREAMED: readonly [string, StreamSizes][] = [
  ['in parts, 61-byte blocks', { minPage: 0, block: 61, window: SNAPPY_WINDOW }],
  ['in parts, a 100-byte window', { minPage: 0, block: 1000, window: 100 }],
];

/** A type with its children's names, nullability and metadata. */
export function typeImage(type: DataType): string {
  const children = ((type.children ?? []) as Field[]).map((f) => `${f.name}${f.nullable ? '?' : ''}${JSON.stringify([...f.metadata])}:${typeImage(f.type)}`);
  return `${String(type)}(${type.typeId})${children.length ? `{${children.join(',')}}` : ''}`;
}

/** Bit i of a validity bitmap or of boolean values (1 where there is no bitmap). */
function bit(bits: Uint8Array | null | undefined, i: number): number {
  return bits ? (bits[i >> 3]! >> (i & 7)) & 1 : 1;
}

/** Element range [from, to) of rows [0, length) of a list-typed Data. */
function elementRange(data: Data): [number, number] {
  if (data.type.typeId === Type.FixedSizeList) {
    const size = (data.type as FixedSizeList).listSize;
    return [data.offset * size, (data.offset + data.length) * size];
  }
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  return [Number(offsets[data.offset]!), Number(offsets[data.offset + data.length]!)];
}

/** A leaf's validity and value bytes over slots [from, to), null slots included (booleans as bits). */
function leafSlots(data: Data, from: number, to: number): { valid: string; bytes: string } {
  let valid = '';
  const nulls = data.nullCount > 0 ? data.nullBitmap : undefined;
  for (let i = from; i < to; i++) valid += bit(nulls, data.offset + i);
  if (data.type.typeId === Type.Bool) {
    let bits = '';
    for (let i = from; i < to; i++) bits += bit(data.values as Uint8Array, data.offset + i);
    return { valid, bytes: bits };
  }
  const values = data.values as ArrayBufferView & { BYTES_PER_ELEMENT: number };
  const perSlot = values.BYTES_PER_ELEMENT * data.stride;
  const bytes = new Uint8Array(values.buffer, values.byteOffset + (data.offset + from) * perSlot, (to - from) * perSlot);
  return { valid, bytes: Buffer.from(bytes).toString('hex') };
}

const LISTS: readonly Type[] = [Type.List, Type.LargeList, Type.FixedSizeList];
const FIXED: readonly Type[] = [Type.Int, Type.Float, Type.Decimal, Type.Bool, Type.Date, Type.Time, Type.Timestamp, Type.Duration, Type.FixedSizeBinary];

/** Whether the column is a fixed-width leaf or a list of one: what columnPieces reads in pieces. */
export function readsInPieces(type: DataType): boolean {
  if (FIXED.includes(type.typeId)) return true;
  return LISTS.includes(type.typeId) && FIXED.includes((type.children[0] as Field).type.typeId);
}

/** Everything a leaf or list-of-leaf Data holds, bit for bit: row validity, list lengths, element validity, value bytes. */
export interface Exact {
  readonly rows: string;
  readonly lengths: number[];
  readonly elements: string;
  readonly bytes: string;
}

/** What a leaf or list-of-leaf Data holds, bit for bit (taken as it comes: a recycled piece's arrays are read into again). */
export function exact(data: Data): Exact {
  if (!LISTS.includes(data.type.typeId)) {
    const { valid, bytes } = leafSlots(data, 0, data.length);
    return { rows: valid, lengths: [], elements: '', bytes };
  }
  let rows = '';
  const nulls = data.nullCount > 0 ? data.nullBitmap : undefined;
  for (let i = 0; i < data.length; i++) rows += bit(nulls, data.offset + i);
  const lengths: number[] = [];
  if (data.type.typeId !== Type.FixedSizeList) {
    const offsets = data.valueOffsets as Int32Array | BigInt64Array;
    for (let i = 0; i < data.length; i++) lengths.push(Number(offsets[data.offset + i + 1]!) - Number(offsets[data.offset + i]!));
  }
  const [from, to] = elementRange(data);
  const { valid, bytes } = leafSlots(data.children[0]!, from, to);
  return { rows, lengths, elements: valid, bytes };
}

/**
 * Asserts that the pieces one after another are `whole`: the type, the
 * rows, and for columns of numbers the validity at both levels, the list
 * lengths and the bytes of every value slot, null ones included.
 */
export function expectSameColumn(pieces: readonly Data[], whole: Data, what: string): void {
  expect(pieces.length, `${what}: pieces`).toBeGreaterThan(0);
  const type = typeImage(whole.type);
  expect(pieces.map((piece) => typeImage(piece.type)).filter((image) => image !== type), `${what}: types`).toEqual([]);
  expect(pieces.reduce((n, p) => n + p.length, 0), `${what}: rows`).toBe(whole.length);
  if (whole.length) expect(pieces.filter((piece) => piece.length === 0).length, `${what}: empty pieces`).toBe(0);
  expect(pieces.reduce((n, p) => n + p.nullCount, 0), `${what}: null count`).toBe(whole.nullCount);
  if (!readsInPieces(whole.type)) {
    // One piece, or rows of any type: their images (null slots hold nothing).
    const images: string[] = [];
    for (const piece of pieces) for (let i = 0; i < piece.length; i++) images.push(slotImage(piece, i));
    expect(images, `${what}: row images`).toEqual(Array.from({ length: whole.length }, (_, i) => slotImage(whole, i)));
    return;
  }
  const joined = pieces.map(exact);
  const expected = exact(whole);
  expect(joined.map((e) => e.rows).join(''), `${what}: row validity`).toBe(expected.rows);
  expect(joined.flatMap((e) => e.lengths), `${what}: list lengths`).toEqual(expected.lengths);
  expect(joined.map((e) => e.elements).join(''), `${what}: element validity`).toBe(expected.elements);
  expect(joined.map((e) => e.bytes).join(''), `${what}: value bytes`).toBe(expected.bytes);
}

/** Asserts that the images of pieces (exact(), taken as each came), one after another, are `whole`'s. */
export function expectSameImages(images: readonly Exact[], whole: Data, what: string): void {
  const expected = exact(whole);
  expect(images.map((e) => e.rows).join(''), `${what}: row validity`).toBe(expected.rows);
  expect(images.flatMap((e) => e.lengths), `${what}: list lengths`).toEqual(expected.lengths);
  expect(images.map((e) => e.elements).join(''), `${what}: element validity`).toBe(expected.elements);
  expect(images.map((e) => e.bytes).join(''), `${what}: value bytes`).toBe(expected.bytes);
}
