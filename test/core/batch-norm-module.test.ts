import { describe, expect, test } from 'vitest';
import { BatchNorm1d, type BatchNorm1dShape } from '../../src/core/batch-norm-module.js';
import { fitBatch } from '../../src/core/batch-norm.js';
import { DataError, UsageError } from '../../src/core/errors.js';
import { normalizeBatch } from '../../src/core/normalize.js';
import { createState } from '../../src/core/state.js';
import { formatState, parseState } from '../../src/core/state-json.js';
import { batchOf } from '../helpers/chunks.js';

const f64 = (...v: number[]) => Float64Array.from(v);

/** A seeded (N, C, L) row-major array of values around different means per channel. */
function input(n: number, c: number, l: number, seed = 1): Float64Array {
  let s = seed;
  const next = () => (s = (s * 48271) % 2147483647) / 2147483647;
  return Float64Array.from({ length: n * c * l }, (_, i) => 10 * (Math.floor(i / l) % c) + 4 * next() - 2);
}

/** The error `run` throws, checked to be of class `type`. */
function thrown<T extends Error>(type: new (...args: never[]) => T, run: () => unknown): T {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error(`expected a ${type.name}`);
}

describe('a new BatchNorm1d', () => {
  test('has PyTorch defaults, is in training mode, and names its channels column_0, column_1, ...', () => {
    const bn = new BatchNorm1d(3);
    expect([bn.numFeatures, bn.eps, bn.momentum, bn.affine, bn.trackRunningStats, bn.training]).toEqual([3, 1e-5, 0.1, true, true, true]);
    expect([bn.weight, bn.bias, bn.runningMean, bn.runningVar]).toEqual([f64(1, 1, 1), f64(0, 0, 0), f64(0, 0, 0), f64(1, 1, 1)]);
    expect(bn.numBatchesTracked).toBe(0);
    expect(bn.features).toEqual(['column_0', 'column_1', 'column_2']);
    expect(new BatchNorm1d(2, { features: ['age', 'income'] }).features).toEqual(['age', 'income']);
  });

  test('without affine or running stats has nulls for them, as torch has None', () => {
    const bn = new BatchNorm1d(2, { affine: false, trackRunningStats: false });
    expect([bn.weight, bn.bias, bn.runningMean, bn.runningVar, bn.numBatchesTracked]).toEqual([null, null, null, null, null]);
  });

  test('train() and eval() switch the mode and return the layer', () => {
    const bn = new BatchNorm1d(1);
    expect(bn.eval()).toBe(bn);
    expect(bn.training).toBe(false);
    expect(bn.train()).toBe(bn);
    expect(bn.training).toBe(true);
    expect(bn.train(false).training).toBe(false);
  });
});

describe('forward', () => {
  test('in training mode is the core training step: the same output and state, bit for bit', () => {
    const [n, c, l] = [5, 2, 3];
    const x = input(n, c, l);
    const bn = new BatchNorm1d(c, { momentum: 0.3, eps: 1e-3 });
    bn.weight = f64(2, -0.5);
    bn.bias = f64(1, 3);
    const state = { ...createState({ features: bn.features, momentum: 0.3, eps: 1e-3 }), weight: f64(2, -0.5), bias: f64(1, 3) };
    const columns = [0, 1].map((k) => ({ values: Float64Array.from({ length: n * l }, (_, v) => x[(Math.floor(v / l) * c + k) * l + (v % l)]!), listSize: l }));
    const outs = columns.map((col) => new Float64Array(col.values.length));
    normalizeBatch(state, batchOf(columns), outs, { training: true });
    const next = fitBatch(state, batchOf(columns));

    const y = bn.forward(x, [n, c, l]);
    expect(Array.from({ length: n * c * l }, (_, i) => outs[Math.floor(i / l) % c]![Math.floor(i / (c * l)) * l + (i % l)])).toEqual(Array.from(y));
    expect([bn.runningMean, bn.runningVar, bn.numBatchesTracked]).toEqual([next.runningMean, next.runningVar, 1]);
  });

  test('[N, C] and [N, C, 1] give the same output; float32 input is its float64 values', () => {
    const x = Float32Array.from(input(6, 3, 1));
    const a = new BatchNorm1d(3).forward(x, [6, 3]);
    const b = new BatchNorm1d(3).forward(x, [6, 3, 1]);
    const c = new BatchNorm1d(3).forward(Float64Array.from(x), [6, 3]);
    expect(a).toEqual(b);
    expect(a).toEqual(c);
  });

  test('updates the running buffers in place, as torch does, and only in training mode', () => {
    const bn = new BatchNorm1d(2, { momentum: null });
    const [mean, variance] = [bn.runningMean!, bn.runningVar!];
    bn.forward(f64(1, 10, 3, 20), [2, 2]);
    bn.forward(f64(5, 30, 7, 40), [2, 2]);
    // Cumulative average: the mean of the two batch means, and of the two unbiased variances.
    expect([bn.runningMean, bn.runningVar, bn.numBatchesTracked]).toEqual([f64(4, 25), f64(2, 50), 2]);
    expect(bn.runningMean).toBe(mean);
    expect(bn.runningVar).toBe(variance);
    bn.eval().forward(f64(100, 100), [1, 2]);
    expect([bn.runningMean, bn.runningVar, bn.numBatchesTracked]).toEqual([f64(4, 25), f64(2, 50), 2]);
  });

  test('in eval mode uses the running statistics, weight and bias', () => {
    const bn = new BatchNorm1d(1, { eps: 0 }).eval();
    bn.runningMean = f64(2);
    bn.runningVar = f64(4);
    bn.weight![0] = 3;
    bn.bias![0] = -1;
    expect(bn.forward(f64(2, 4, 0), [3, 1])).toEqual(f64(-1, 2, -4));
  });

  test('without running stats uses the batch statistics in both modes and tracks nothing', () => {
    const bn = new BatchNorm1d(1, { trackRunningStats: false, eps: 0 });
    const train = bn.forward(f64(1, 3), [2, 1]);
    const evals = bn.eval().forward(f64(1, 3), [2, 1]);
    expect([train, evals]).toEqual([f64(-1, 1), f64(-1, 1)]);
    expect(bn.numBatchesTracked).toBeNull();
  });

  test('returns a new array and leaves the input as it was', () => {
    const x = f64(1, 2, 3, 4);
    const y = new BatchNorm1d(2).forward(x, [2, 2]);
    expect(y).not.toBe(x);
    expect(x).toEqual(f64(1, 2, 3, 4));
  });

  test('N = 1 trains when L > 1 (n = N * L values per channel); eval takes a single row', () => {
    const bn = new BatchNorm1d(2);
    expect(bn.forward(f64(1, 3, 5, 9), [1, 2, 2])).toHaveLength(4);
    expect(bn.numBatchesTracked).toBe(1);
    expect(bn.eval().forward(f64(1, 2), [1, 2])).toHaveLength(2);
    expect(bn.forward(new Float64Array(0), [0, 2])).toEqual(new Float64Array(0));
  });
});

describe('stateDict and fromState', () => {
  function trained(): BatchNorm1d {
    const bn = new BatchNorm1d(3, { momentum: null, eps: 1e-3, features: ['a', 'b', 'c'] });
    bn.weight = f64(0.5, -2, 1.25);
    bn.bias = f64(0.1, 0, -3);
    bn.forward(input(7, 3, 2), [7, 3, 2]);
    bn.forward(input(4, 3, 2, 9), [4, 3, 2]);
    return bn;
  }

  test('stateDict is a state file: JSON.stringify of it is read by parseState, field for field', () => {
    const bn = trained();
    const state = parseState(JSON.stringify(bn.stateDict()));
    expect(state).toMatchObject({ features: ['a', 'b', 'c'], eps: 1e-3, momentum: null, affine: true, trackRunningStats: true, numBatchesTracked: 2 });
    expect([state.runningMean, state.runningVar, state.weight, state.bias]).toEqual([bn.runningMean, bn.runningVar, bn.weight, bn.bias]);
    expect(bn.stateDict()).toEqual(JSON.parse(formatState(state)));
  });

  test('stateDict → JSON → fromState rebuilds the layer: the same state, and the same next outputs bit for bit', () => {
    const bn = trained();
    const copy = BatchNorm1d.fromState(JSON.parse(JSON.stringify(bn.stateDict())));
    expect(copy.stateDict()).toEqual(bn.stateDict());
    expect(copy.training).toBe(true);
    const x = input(5, 3, 2, 4);
    expect(copy.forward(x, [5, 3, 2])).toEqual(bn.forward(x, [5, 3, 2]));
    expect(copy.eval().forward(x, [5, 3, 2])).toEqual(bn.eval().forward(x, [5, 3, 2]));
    expect(copy.stateDict()).toEqual(bn.stateDict());
  });

  test('fromState takes a parsed state too, copies its arrays, and leaves out how it was fitted', () => {
    const state = { ...parseState(JSON.stringify(trained().stateDict())), fit: { batch_size: 4 } };
    const bn = BatchNorm1d.fromState(state);
    expect(bn.runningMean).toEqual(state.runningMean);
    expect(bn.runningMean).not.toBe(state.runningMean);
    expect(bn.stateDict()).not.toHaveProperty('fit');
    const bare = BatchNorm1d.fromState(new BatchNorm1d(2, { affine: false, trackRunningStats: false }).stateDict());
    expect(bare.stateDict()).toMatchObject({ weight: null, running_mean: null, num_batches_tracked: null, features: ['column_0', 'column_1'] });
  });

  test('fromState checks the document as a state file is checked', () => {
    const doc = new BatchNorm1d(2).stateDict();
    expect(thrown(DataError, () => BatchNorm1d.fromState({ ...doc, running_var: [1] })).message).toBe(
      'BatchNorm1d: "running_var" has 1 values, expected 2 (one per feature)',
    );
    expect(() => BatchNorm1d.fromState({ ...doc, version: 2 as 1 })).toThrow(/^BatchNorm1d: state file version 2 is not supported/);
  });
});

describe('errors', () => {
  test('bad settings are a UsageError naming the setting', () => {
    expect(thrown(UsageError, () => new BatchNorm1d(0)).message).toBe('BatchNorm1d: numFeatures must be a positive integer (got 0)');
    expect(() => new BatchNorm1d(2.5)).toThrow(UsageError);
    expect(thrown(UsageError, () => new BatchNorm1d(2, { momentum: 2 })).message).toBe('BatchNorm1d: "momentum" must be in (0, 1] or null (got 2)');
    expect(() => new BatchNorm1d(2, { eps: -1 })).toThrow(/^BatchNorm1d: "eps" must be a finite number >= 0/);
    expect(thrown(UsageError, () => new BatchNorm1d(2, { features: ['a'] })).message).toBe('BatchNorm1d: 1 feature names for 2 features');
    expect(() => new BatchNorm1d(2, { features: ['a', 'a'] })).toThrow(/feature "a" appears twice/);
  });

  test('bad assignments are a UsageError, and leave the layer as it was', () => {
    const bn = new BatchNorm1d(2);
    expect(thrown(UsageError, () => (bn.weight = f64(1))).message).toBe('BatchNorm1d: "weight" has 1 values, expected 2 (one per feature)');
    expect(() => (bn.runningVar = f64(1, -1))).toThrow(/"running_var" of feature "column_1" is negative/);
    expect(() => (bn.numBatchesTracked = -1)).toThrow(UsageError);
    expect(() => (bn.momentum = 0)).toThrow(UsageError);
    expect(() => (bn.bias = [1, 2] as unknown as Float64Array)).toThrow(/^BatchNorm1d: bias must be a Float64Array or null$/);
    expect(() => (new BatchNorm1d(1, { affine: false }).weight = f64(1))).toThrow(/"weight" must be null when affine is false/);
    expect([bn.weight, bn.runningVar, bn.numBatchesTracked, bn.momentum]).toEqual([f64(1, 1), f64(1, 1), 0, 0.1]);
  });

  test('a buffer broken in place is a DataError at the next forward', () => {
    const bn = new BatchNorm1d(2);
    bn.runningVar![1] = NaN;
    expect(() => bn.forward(f64(1, 2, 3, 4), [2, 2])).toThrow(/^BatchNorm1d: "running_var" of feature "column_1" is NaN/);
    expect(() => bn.stateDict()).toThrow(DataError);
  });

  test.each([
    [[2, 3, 4, 5], 'BatchNorm1d.forward: expected a shape [N, C] or [N, C, L] (got 4D input)'],
    [[6], 'BatchNorm1d.forward: expected a shape [N, C] or [N, C, L] (got 1D input)'],
    [[2, 2], 'BatchNorm1d.forward: expected 3 channels (shape[1]), got 2'],
    [[3, 3], 'BatchNorm1d.forward: x holds 6 values, but the shape [3, 3] needs 9'],
    [[1.5, 3], 'BatchNorm1d.forward: the shape must hold integers >= 0 (got [1.5, 3])'],
    [[-2, 3], 'BatchNorm1d.forward: the shape must hold integers >= 0 (got [-2, 3])'],
  ])('shape %j is a UsageError', (shape, message) => {
    const bn = new BatchNorm1d(3);
    expect(thrown(UsageError, () => bn.forward(new Float64Array(6), shape as unknown as BatchNorm1dShape)).message).toBe(message);
    expect(bn.numBatchesTracked).toBe(0);
  });

  test('x must be a Float32Array or a Float64Array', () => {
    expect(() => new BatchNorm1d(1).forward([1, 2] as unknown as Float64Array, [2, 1])).toThrow(/^BatchNorm1d.forward: x must be a Float32Array or a Float64Array$/);
  });

  test('training on 1 value per channel is a DataError with torch\'s words, also without running stats in eval mode', () => {
    expect(thrown(DataError, () => new BatchNorm1d(3).forward(f64(1, 2, 3), [1, 3])).message).toBe(
      'BatchNorm1d: expected more than 1 value per channel when training, got input of shape [1, 3]',
    );
    expect(() => new BatchNorm1d(3).forward(f64(1, 2, 3), [1, 3, 1])).toThrow(/got input of shape \[1, 3, 1\]/);
    expect(() => new BatchNorm1d(3).forward(new Float64Array(0), [0, 3])).toThrow(/got input of shape \[0, 3\]/);
    expect(() => new BatchNorm1d(3, { trackRunningStats: false }).eval().forward(f64(1, 2, 3), [1, 3])).toThrow(/more than 1 value per channel/);
  });

  test('NaN and ±Infinity are a DataError naming the channel and row, in both modes, and change nothing', () => {
    const bn = new BatchNorm1d(2);
    expect(thrown(DataError, () => bn.forward(f64(1, 2, 3, NaN), [2, 2])).message).toBe('column "column_1" has NaN at row 1');
    expect(bn.numBatchesTracked).toBe(0);
    expect(bn.runningMean).toEqual(f64(0, 0));
    expect(() => bn.eval().forward(f64(Infinity, 2), [1, 2])).toThrow(/^column "column_0" has Infinity at row 0$/);
  });
});
