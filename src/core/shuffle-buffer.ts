/**
 * Row shuffling in bounded memory, like a DataLoader's shuffle over data
 * too large to hold: rows are collected until the buffer holds `capacity`
 * rows, the buffer is permuted, and all but half of it is passed on; the
 * half kept mixes with the next rows. At the end the rest comes out,
 * permuted. Deterministic for a given Random and the same chunks.
 */
import { type Chunk, concatChunks, sliceChunk } from './batcher.js';
import { type ColumnData, valueRange } from './column.js';
import { permutation, type Random } from './random.js';

/** out[i] = from[order[i]], one function per array type so that each loop sees one element kind. */
function gather64(from: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = from[order[i]!]!;
  return out;
}
function gather32(from: Float32Array, order: Uint32Array): Float32Array {
  const out = new Float32Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = from[order[i]!]!;
  return out;
}
function gather8(from: Uint8Array, order: Uint32Array): Uint8Array {
  const out = new Uint8Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = from[order[i]!]!;
  return out;
}

/** The rows `order` of a column, in that order (copied; float32 values stay float32). */
export function gatherRows(column: ColumnData, order: Uint32Array): ColumnData {
  const { values, valid, listSize, offsets } = column;
  if (listSize === undefined && !offsets) {
    const out = values instanceof Float32Array ? gather32(values, order) : gather64(values, order);
    return { values: out, valid: valid ? gather8(valid, order) : undefined };
  }
  let size = 0;
  for (let i = 0; i < order.length; i++) {
    const [from, to] = valueRange(column, order[i]!, order[i]! + 1);
    size += to - from;
  }
  const out = values instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);
  const mask = valid ? new Uint8Array(size) : undefined;
  const newOffsets = offsets ? new Int32Array(order.length + 1) : undefined;
  let at = 0;
  for (let i = 0; i < order.length; i++) {
    const [from, to] = valueRange(column, order[i]!, order[i]! + 1);
    out.set(values.subarray(from, to), at);
    if (mask) mask.set(valid!.subarray(from, to), at);
    at += to - from;
    if (newOffsets) newOffsets[i + 1] = at;
  }
  return { values: out, valid: mask, listSize, offsets: newOffsets };
}

/** The rows `order` of a chunk, in that order. */
export function gatherChunk(chunk: Chunk, order: Uint32Array): Chunk {
  return { rows: order.length, columns: chunk.columns.map((c) => gatherRows(c, order)) };
}

/** Collects chunks and gives their rows back in a seeded random order, holding at most about `capacity` rows. */
export class ShuffleBuffer {
  private parts: Chunk[] = [];
  private rows = 0;

  constructor(
    private readonly capacity: number,
    private readonly random: Random,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 2) throw new RangeError(`shuffle buffer must hold at least 2 rows (got ${capacity})`);
  }

  /** Takes a chunk; returns the rows that leave the buffer, if it is full. */
  push(chunk: Chunk): Chunk[] {
    if (chunk.rows === 0) return [];
    this.parts.push(chunk);
    this.rows += chunk.rows;
    if (this.rows < this.capacity) return [];
    const all = this.shuffled();
    const keep = Math.floor(this.capacity / 2);
    const out = all.rows - keep;
    this.parts = [sliceChunk(all, out, all.rows)];
    this.rows = keep;
    return [sliceChunk(all, 0, out)];
  }

  /** Every row still held, in random order. */
  finish(): Chunk[] {
    if (this.rows === 0) return [];
    const all = this.shuffled();
    this.parts = [];
    this.rows = 0;
    return [all];
  }

  private shuffled(): Chunk {
    return gatherChunk(concatChunks(this.parts), permutation(this.rows, this.random));
  }
}
