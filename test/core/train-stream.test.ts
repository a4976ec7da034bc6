import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Chunk } from '../../src/core/batcher.js';
import { DataError } from '../../src/core/errors.js';
import { normalizeBatch } from '../../src/core/normalize.js';
import { createState } from '../../src/core/state.js';
import { TrainStream } from '../../src/core/train-stream.js';
import { batchesOf, rechunk } from '../helpers/chunks.js';

const state = createState({ features: ['x', 'l'], eps: 1e-3 });

/** A chunk of a scalar column and a ragged list column over `rows` rows. */
function table(rows: number, seed: number): Chunk {
  let s = seed;
  const next = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 8 - 2;
  const lengths = Array.from({ length: rows }, () => 1 + Math.floor(Math.abs(next())) % 3);
  const offsets = Int32Array.from([0, ...lengths.map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0))]);
  return {
    rows,
    columns: [{ values: Float64Array.from({ length: rows }, next) }, { values: Float64Array.from({ length: offsets[rows]! }, next), offsets }],
  };
}

describe('TrainStream', () => {
  test('property: equals normalizing each batch on its own, however the rows are chunked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 1e6 }), (rows, sizes, batchSize, seed) => {
        fc.pre(rows % batchSize !== 1);
        const whole = table(rows, seed);
        const expected = whole.columns.map((c) => new Float64Array(c.values.length));
        const at = [0, 0];
        for (const batch of batchesOf([whole], batchSize)) {
          const outs = batch.columns.map((c, k) => expected[k]!.subarray(at[k]!, (at[k]! += c.values.length)));
          normalizeBatch(state, batch, outs, { training: true });
        }
        const stream = new TrainStream<number>(state, batchSize);
        const chunks = rechunk(whole, sizes);
        const outs = chunks.map((chunk) => chunk.columns.map((c) => new Float64Array(c.values.length)));
        const emitted = chunks.flatMap((chunk, i) => stream.push(chunk, outs[i]!, i));
        emitted.push(...stream.finish());
        expect(emitted).toEqual(chunks.map((_, i) => i));
        for (const k of [0, 1]) {
          const joined = Float64Array.from(outs.flatMap((o) => Array.from(o[k]!)));
          expect(joined).toEqual(expected[k]);
        }
      }),
    );
  });

  test('returns a chunk only once every row of it is normalized', () => {
    const stream = new TrainStream<string>(state, 4);
    const whole = table(6, 3);
    const [a, b] = rechunk(whole, [3, 3]);
    const outs = (chunk: Chunk) => chunk.columns.map((c) => new Float64Array(c.values.length));
    expect(stream.push(a!, outs(a!), 'a')).toEqual([]);
    expect(stream.push(b!, outs(b!), 'b')).toEqual(['a']);
    expect(stream.finish()).toEqual(['b']);
  });

  test('a last batch of one row is an error with the hint of training-mode output', () => {
    const stream = new TrainStream<string>(state, 4);
    const chunk = table(5, 9);
    stream.push(chunk, chunk.columns.map((c) => new Float64Array(c.values.length)), 'a');
    let error: unknown;
    try {
      stream.finish();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/^batch 1 \(row 4\) has only 1 value in column "x", but training needs more than 1 value per channel/);
    expect((error as DataError).hint).toBe('short-batch-train');
  });
});
