import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Batch, Batcher, type Chunk } from '../../src/core/batcher.js';
import type { ColumnData } from '../../src/core/column.js';

/** A chunk of one scalar column holding the row numbers from..to-1, and one list column. */
function chunk(from: number, to: number): Chunk {
  const rows = to - from;
  const scalar: ColumnData = { values: Float64Array.from({ length: rows }, (_, i) => from + i) };
  const list: ColumnData = { values: Float64Array.from({ length: rows * 2 }, (_, i) => from * 2 + i), listSize: 2 };
  return { rows, columns: [scalar, list] };
}

function run(sizes: number[], batchSize: number, dropLast = false): Batch[] {
  const batcher = new Batcher({ batchSize, dropLast });
  const batches: Batch[] = [];
  let at = 0;
  for (const size of sizes) {
    batches.push(...batcher.push(chunk(at, at + size)));
    at += size;
  }
  const last = batcher.finish();
  if (last) batches.push(last);
  return batches;
}

describe('Batcher', () => {
  test('cuts exact batches across chunks, with a short last batch', () => {
    const batches = run([5, 3, 9], 4);
    expect(batches.map((b) => b.rows)).toEqual([4, 4, 4, 4, 1]);
    expect(batches.map((b) => b.startRow)).toEqual([0, 4, 8, 12, 16]);
    expect(batches.map((b) => b.index)).toEqual([0, 1, 2, 3, 4]);
    expect(batches.map((b) => Array.from(b.columns[0]!.values))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15], [16]]);
    expect(Array.from(batches[1]!.columns[1]!.values)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  test('drop-last drops only a short final batch', () => {
    expect(run([10], 4, true).map((b) => b.rows)).toEqual([4, 4]);
    expect(run([8], 4, true).map((b) => b.rows)).toEqual([4, 4]);
    expect(run([3], 4, true)).toEqual([]);
  });

  test('a batch inside one chunk is a view; only a straddling batch is copied', () => {
    const batcher = new Batcher({ batchSize: 4 });
    const first = chunk(0, 6);
    const [inside] = batcher.push(first);
    expect(inside!.columns[0]!.values.buffer).toBe(first.columns[0]!.values.buffer);
    const second = chunk(6, 12);
    const [straddling, after] = batcher.push(second);
    expect(Array.from(straddling!.columns[0]!.values)).toEqual([4, 5, 6, 7]);
    expect(straddling!.columns[0]!.values.buffer).not.toBe(first.columns[0]!.values.buffer);
    expect(straddling!.columns[0]!.values.buffer).not.toBe(second.columns[0]!.values.buffer);
    expect(after!.columns[0]!.values.buffer).toBe(second.columns[0]!.values.buffer);
  });

  test('empty chunks and an empty stream give no batches', () => {
    expect(run([0, 0], 4)).toEqual([]);
    expect(run([0, 4, 0], 4).map((b) => b.rows)).toEqual([4]);
  });

  test('refuses a batch size that is not a positive integer', () => {
    for (const size of [0, -1, 1.5, NaN]) expect(() => new Batcher({ batchSize: size })).toThrow(/positive integer/);
  });

  test('property: the batches do not depend on how rows are chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), (sizes, batchSize, dropLast) => {
        const total = sizes.reduce((a, b) => a + b, 0);
        const one = run([total], batchSize, dropLast);
        const many = run(sizes, batchSize, dropLast);
        expect(many.map((b) => [b.index, b.startRow, b.rows])).toEqual(one.map((b) => [b.index, b.startRow, b.rows]));
        expect(many.map((b) => b.columns.map((c) => Array.from(c.values)))).toEqual(one.map((b) => b.columns.map((c) => Array.from(c.values))));
      }),
    );
  });
});

describe('rows left pending', () => {
  test('are copies, so a large chunk is not kept alive by its last rows', () => {
    const batcher = new Batcher({ batchSize: 256 });
    const big = chunk(0, 1000);
    const full = batcher.push(big);
    expect(full).toHaveLength(3);
    // Full batches are views of the chunk; the 232 rows left over are not.
    expect(full[0]!.columns[0]!.values.buffer).toBe(big.columns[0]!.values.buffer);
    const next = batcher.push(chunk(1000, 1024));
    expect(next).toHaveLength(1);
    expect(Array.from(next[0]!.columns[0]!.values)).toEqual(Array.from({ length: 256 }, (_, i) => 768 + i));
    const small = chunk(0, 10);
    batcher.push(small);
    const last = batcher.finish()!;
    expect(last.columns[0]!.values.buffer).not.toBe(small.columns[0]!.values.buffer);
    expect(last.columns[1]!.values.buffer).not.toBe(small.columns[1]!.values.buffer);
    expect(Array.from(last.columns[1]!.values)).toEqual(Array.from(small.columns[1]!.values));
  });
});
