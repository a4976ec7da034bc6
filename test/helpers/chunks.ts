/** Builders of chunks and batches for core tests. */
import { type Batch, Batcher, type Chunk, sliceChunk } from '../../src/core/batcher.js';
import type { ColumnData } from '../../src/core/column.js';

/** A batch of the given scalar columns (rows = their length). */
export function batchOf(columns: ColumnData[], index = 0, startRow = 0): Batch {
  const rows = columns[0]!.offsets ? columns[0]!.offsets.length - 1 : columns[0]!.values.length / (columns[0]!.listSize ?? 1);
  return { index, startRow, rows, columns };
}

/** The chunk cut into pieces of the given sizes (cycled), as views. */
export function rechunk(chunk: Chunk, sizes: number[]): Chunk[] {
  const out: Chunk[] = [];
  let at = 0;
  for (let i = 0; at < chunk.rows; i++) {
    const size = Math.max(1, sizes.length ? sizes[i % sizes.length]! : chunk.rows);
    const end = Math.min(chunk.rows, at + size);
    out.push(sliceChunk(chunk, at, end));
    at = end;
  }
  return out;
}

/** Every batch of one pass over the chunks. */
export function batchesOf(chunks: Chunk[], batchSize: number, dropLast = false): Batch[] {
  const batcher = new Batcher({ batchSize, dropLast });
  const out = chunks.flatMap((c) => batcher.push(c));
  const last = batcher.finish();
  if (last) out.push(last);
  return out;
}

/** The bytes of a float64 array, for bit-for-bit comparison. */
export function bytes(values: Float64Array | null): string {
  return values === null ? 'null' : Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('hex');
}
