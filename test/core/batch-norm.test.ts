import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { batchMoments } from '../../src/core/batch-moments.js';
import { fitBatch, updateRunningStats } from '../../src/core/batch-norm.js';
import type { Chunk } from '../../src/core/batcher.js';
import type { ColumnData } from '../../src/core/column.js';
import { DataError } from '../../src/core/errors.js';
import { evalAffine, normalizeBatch } from '../../src/core/normalize.js';
import { type BatchNormState, createState } from '../../src/core/state.js';
import { batchOf, batchesOf, bytes, rechunk } from '../helpers/chunks.js';

const f64 = (...v: number[]) => Float64Array.from(v);

/** The DataError that `run` throws. */
function dataError(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}
const state2 = (options: Partial<Parameters<typeof createState>[0]> = {}) => createState({ features: ['a', 'b'], ...options });

function fitAll(state: BatchNormState, chunks: Chunk[], batchSize: number, epochs = 1, dropLast = false): BatchNormState {
  for (let e = 0; e < epochs; e++) for (const batch of batchesOf(chunks, batchSize, dropLast)) state = fitBatch(state, batch);
  return state;
}

/** Exact variance (biased) of doubles that are all multiples of 2^-shift, in BigInt arithmetic. */
function exactVariance(xs: number[], shift: number): number {
  const scaled = xs.map((x) => BigInt(x * 2 ** shift));
  const n = BigInt(xs.length);
  const sum = scaled.reduce((a, b) => a + b, 0n);
  const sumSq = scaled.reduce((a, b) => a + b * b, 0n);
  return Number(n * sumSq - sum * sum) / Number(n * n) / 2 ** (2 * shift);
}

describe('batch moments', () => {
  test('1e8 + N(0, 1) keeps its variance, where a naive sum of squares loses it', () => {
    let seed = 7;
    const gauss = () => {
      seed = (seed * 16807) % 2147483647;
      const u = seed / 2147483647;
      seed = (seed * 16807) % 2147483647;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * (seed / 2147483647));
    };
    const xs = Array.from({ length: 1000 }, () => 1e8 + gauss());
    const exact = exactVariance(xs, 26);
    const m = batchMoments(createState({ features: ['x'] }), batchOf([{ values: Float64Array.from(xs) }]));
    expect(Math.abs(m.m2[0]! / 1000 - exact) / exact).toBeLessThan(1e-12);
    const naive = xs.reduce((a, x) => a + x * x, 0) / 1000 - (xs.reduce((a, x) => a + x, 0) / 1000) ** 2;
    expect(Math.abs(naive - exact) / exact).toBeGreaterThan(1e-3);
  });

  test('nulls are left out of n, mean and m2, whatever their slots hold', () => {
    const column: ColumnData = { values: f64(1, NaN, 3, Infinity, 5), valid: Uint8Array.from([1, 0, 1, 0, 1]) };
    const m = batchMoments(createState({ features: ['x'] }), batchOf([column]));
    expect([m.count[0], m.mean[0], m.m2[0]]).toEqual([3, 3, 8]);
  });

  test('list columns reduce over every element of the batch (the N and L axes)', () => {
    const column: ColumnData = { values: f64(1, 2, 3, 4, 5, 6), offsets: Int32Array.from([0, 1, 1, 6]) };
    const m = batchMoments(createState({ features: ['x'] }), batchOf([column]));
    expect([m.count[0], m.mean[0], m.m2[0]]).toEqual([6, 3.5, 17.5]);
  });
});

describe('NaN and infinity', () => {
  const state = createState({ features: ['x', 'y'] });
  const ok: ColumnData = { values: f64(1, 2, 3) };

  test('are an error naming the column and the stream row', () => {
    const batch = batchOf([ok, { values: f64(1, NaN, 3) }], 4, 100);
    const error = dataError(() => fitBatch(state, batch));
    expect([error.message, error.hint]).toEqual(['column "y" has NaN at row 101', 'non-finite']);
    const lists = batchOf([{ values: f64(1, 2, 3, -Infinity), listSize: 2 }, { values: f64(1, 2) }]);
    expect(() => fitBatch(state, lists)).toThrow(/^column "x" has -Infinity at row 1$/);
  });

  test('name the row through describeRow, e.g. with its file', () => {
    const batch = batchOf([{ values: f64(Infinity, 1) }, { values: f64(1, 2) }], 0, 10);
    expect(() => fitBatch(state, batch, { describeRow: (r) => `row ${r - 8} of b.parquet` })).toThrow(/Infinity at row 2 of b.parquet/);
  });

  test('with the skip policy are left out like nulls', () => {
    const skipped = batchMoments(state, batchOf([{ values: f64(1, NaN, 3, Infinity, 5) }, { values: f64(1, 2, 3, 4, 5) }]), { nan: 'skip' });
    const clean = batchMoments(state, batchOf([{ values: f64(1, 3, 5) }, { values: f64(1, 2, 3, 4, 5) }]));
    expect(skipped).toEqual(clean);
  });

  test('in eval mode are an error, or pass through as non-finite with skip', () => {
    const batch = batchOf([{ values: f64(1, NaN) }, { values: f64(1, 2) }]);
    const outs = [new Float64Array(2), new Float64Array(2)];
    const error = dataError(() => normalizeBatch(state, batch, outs));
    expect([error.message, error.hint]).toEqual(['column "x" has NaN at row 1', 'non-finite']);
    const second = batchOf([{ values: f64(1, 2) }, { values: f64(Infinity, 2) }]);
    expect(() => normalizeBatch(state, second, outs)).toThrow(/^column "y" has Infinity at row 0$/);
    normalizeBatch(state, batch, outs, { nan: 'skip' });
    expect(Number.isNaN(outs[0]![1])).toBe(true);
  });

  test('a sum that overflows float64 is an error, not an infinite mean', () => {
    expect(() => fitBatch(state, batchOf([{ values: f64(1.5e308, 1.5e308) }, { values: f64(1, 2) }]))).toThrow(/values too large/);
  });
});

describe('batches with too few values', () => {
  test('a batch of one row is an error naming batch, rows and column, with the short-batch hint', () => {
    const batch = batchOf([{ values: f64(1) }, { values: f64(2) }], 40, 9984);
    const error = dataError(() => fitBatch(state2(), batch));
    expect(error.message).toBe(
      'batch 40 (row 9,984) has only 1 value in column "a", but training needs more than 1 value per channel (PyTorch: "Expected more than 1 value per channel when training")',
    );
    expect(error.hint).toBe('short-batch');
  });

  test('a channel with no non-null value in a batch is an error', () => {
    const batch = batchOf([{ values: f64(1, 2) }, { values: f64(0, 0), valid: Uint8Array.from([0, 0]) }], 3, 6);
    expect(() => fitBatch(state2(), batch)).toThrow(/batch 3 \(row 6 to 7\) has no usable value in column "b"/);
  });

  test('training-mode normalization needs 2 values too, even without running stats', () => {
    const batch = batchOf([{ values: f64(1) }, { values: f64(2) }]);
    const state = state2({ trackRunningStats: false });
    const normalizing = dataError(() => normalizeBatch(state, batch, [new Float64Array(1), new Float64Array(1)]));
    expect([normalizing.message, normalizing.hint]).toEqual([expect.stringMatching(/only 1 value/), 'short-batch-train']);
    const fitting = dataError(() => updateRunningStats(state, batch, batchMoments(state, batch)));
    expect([fitting.message, fitting.hint]).toEqual([normalizing.message, 'short-batch']);
  });

  test('a list row with 2 values is enough (n = N * L)', () => {
    const state = createState({ features: ['x'] });
    const next = fitBatch(state, batchOf([{ values: f64(1, 3), listSize: 2 }]));
    expect(next.numBatchesTracked).toBe(1);
  });
});

describe('running statistics', () => {
  test('follow the update rule, and leave the input state untouched', () => {
    const state = createState({ features: ['x'], momentum: 0.25 });
    const next = fitBatch(state, batchOf([{ values: f64(1, 2, 6) }]));
    expect(next.numBatchesTracked).toBe(1);
    expect(next.runningMean![0]).toBe(0.25 * 3 + 0.75 * 0);
    expect(next.runningVar![0]).toBe(0.25 * (14 / 2) + 0.75 * 1);
    expect(state.numBatchesTracked).toBe(0);
    expect(Array.from(state.runningMean!)).toEqual([0]);
    expect(Array.from(state.runningVar!)).toEqual([1]);
  });

  test('without running stats, training leaves the state as it is', () => {
    const state = state2({ trackRunningStats: false });
    expect(fitBatch(state, batchOf([{ values: f64(1, 2) }, { values: f64(1, 2) }]))).toBe(state);
  });

  const rowsArb = fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.option(fc.double({ min: -50, max: 50, noNaN: true }), { freq: 5 })), { minLength: 4, maxLength: 60 });

  test('property: any re-chunking of the same rows gives the bit-identical state', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 2, max: 7 }), fc.constantFrom(0.1, null), (rows, sizes, batchSize, momentum) => {
        const a: ColumnData = { values: Float64Array.from(rows, (r) => r[0]) };
        const b: ColumnData = { values: Float64Array.from(rows, (r) => r[1] ?? NaN), valid: Uint8Array.from(rows, (r) => (r[1] === null ? 0 : 1)) };
        const whole: Chunk = { rows: rows.length, columns: [a, b] };
        const state = state2({ momentum });
        let one: BatchNormState;
        try {
          one = fitAll(state, [whole], batchSize, 2, true);
        } catch (error) {
          // Too few non-null values in some batch: the re-chunked run must fail the same way.
          expect(() => fitAll(state, rechunk(whole, sizes), batchSize, 2, true)).toThrow((error as Error).message);
          return;
        }
        const many = fitAll(state, rechunk(whole, sizes), batchSize, 2, true);
        expect(bytes(many.runningMean)).toBe(bytes(one.runningMean));
        expect(bytes(many.runningVar)).toBe(bytes(one.runningVar));
        expect(many.numBatchesTracked).toBe(one.numBatchesTracked);
      }),
    );
  });

  test('property: momentum none over equal batches is the mean of the batch statistics', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 1e6 }), (batchSize, batches, seed) => {
        let s = seed;
        const next = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 10 - 5;
        const values = Float64Array.from({ length: batchSize * batches }, next);
        const fitted = fitAll(createState({ features: ['x'], momentum: null }), [{ rows: values.length, columns: [{ values }] }], batchSize);
        const means: number[] = [];
        const vars: number[] = [];
        for (let i = 0; i < batches; i++) {
          const xs = Array.from(values.subarray(i * batchSize, (i + 1) * batchSize));
          const mean = xs.reduce((a, x) => a + x, 0) / batchSize;
          means.push(mean);
          vars.push(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (batchSize - 1));
        }
        const avg = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
        const scale = (x: number) => Math.max(Math.abs(x), 1e-9);
        expect(Math.abs(fitted.runningMean![0]! - avg(means)) / scale(avg(means))).toBeLessThan(1e-12);
        expect(Math.abs(fitted.runningVar![0]! - avg(vars)) / scale(avg(vars))).toBeLessThan(1e-12);
        expect(fitted.numBatchesTracked).toBe(batches);
      }),
    );
  });
});

describe('eval transform', () => {
  test('property: mean 0, var 1 - eps, weight 1, bias 0 is the identity (to the rounding of 1 - eps + eps)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e300, max: 1e300, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.constantFrom(1e-5, 1e-3, 0.5, 2 ** -10), (xs, eps) => {
        const base = createState({ features: ['x'], eps });
        const state = { ...base, runningVar: f64(1 - eps) };
        const out = new Float64Array(xs.length);
        normalizeBatch(state, batchOf([{ values: Float64Array.from(xs) }]), [out]);
        const exact = 1 - eps + eps === 1;
        xs.forEach((x, i) => {
          // -0 comes out as +0: x * 1 + (0 - 0 * 1), as in PyTorch.
          if (exact) expect(out[i] === x).toBe(true);
          else expect(Math.abs(out[i]! - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -52);
        });
      }),
    );
  });

  test('uses weight and bias, and writes float32 outputs rounded once', () => {
    const state = { ...createState({ features: ['x'], eps: 0 }), runningMean: f64(2), runningVar: f64(4), weight: f64(3), bias: f64(-1) };
    expect(Array.from(evalAffine(state).alpha)).toEqual([1.5]);
    const out = new Float32Array(3);
    normalizeBatch(state, batchOf([{ values: f64(2, 4, 2.1) }]), [out]);
    expect(Array.from(out)).toEqual([-1, 2, Math.fround(2.1 * 1.5 - 4)]);
  });

  test('without running statistics, eval normalizes with the batch statistics', () => {
    const state = createState({ features: ['x'], trackRunningStats: false, eps: 0 });
    const out = new Float64Array(2);
    normalizeBatch(state, batchOf([{ values: f64(1, 3) }]), [out]);
    expect(Array.from(out)).toEqual([-1, 1]);
  });
});
