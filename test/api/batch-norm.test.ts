/**
 * The BatchNorm1d class as a user imports it from the package: PyTorch's
 * numbers on the committed goldens (fixtures/goldens-module/, written by
 * scripts/make-module-goldens.py with torch.nn.BatchNorm1d), and the same
 * running statistics as fit() over the same rows in the same batches.
 */
import { tableFromArrays } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { BatchNorm1d, fit, type State, UsageError } from 'bn1d';
import { operandRelativeError } from '../helpers/errors.js';
import { loadModuleGoldens } from '../helpers/module-goldens.js';

const goldens = loadModuleGoldens();
const vector = (v: number[] | null) => (v === null ? null : Float64Array.from(v));

describe('BatchNorm1d from the package', () => {
  test.each(goldens.map((g) => [g.name, g] as const))('%s: every forward call gives PyTorch\'s output and buffers to 1e-12', (_name, golden) => {
    const { config, initial } = golden;
    const bn = new BatchNorm1d(config.num_features, { eps: config.eps, momentum: config.momentum, affine: config.affine, trackRunningStats: config.track_running_stats });
    bn.weight = vector(initial.weight);
    bn.bias = vector(initial.bias);
    bn.runningMean = vector(initial.running_mean);
    bn.runningVar = vector(initial.running_var);
    bn.numBatchesTracked = initial.num_batches_tracked;
    for (const step of golden.steps) {
      if (step.mode === 'train') bn.train();
      else bn.eval();
      const x = golden.dtype === 'float32' ? Float32Array.from(step.input) : Float64Array.from(step.input);
      const y = bn.forward(x, step.shape as [number, number] | [number, number, number]);
      expect(y).toBeInstanceOf(Float64Array);
      expect(y.length).toBe(step.output.length);
      const channels = step.shape[1]!;
      const length = step.shape[2] ?? 1;
      let worst = 0;
      step.output.forEach((expected, i) => {
        const c = Math.floor(i / length) % channels;
        const alpha = step.invstd[c]! * (bn.weight?.[c] ?? 1);
        worst = Math.max(worst, operandRelativeError(y[i]!, expected, x[i]!, alpha, (bn.bias?.[c] ?? 0) - step.mean[c]! * alpha));
      });
      expect(worst).toBeLessThan(1e-12);
      expect(bn.numBatchesTracked).toBe(step.num_batches_tracked);
      step.running_mean?.forEach((m, c) => expect(Math.abs(bn.runningMean![c]! - m)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(m))));
      step.running_var?.forEach((v, c) => expect(Math.abs(bn.runningVar![c]! - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
    }
  });

  test('training over a table in batches gives the running statistics fit() gives, bit for bit', async () => {
    const rows = 103;
    const a = Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 10 + i / 7);
    const b = Float32Array.from({ length: rows }, (_, i) => Math.cos(i * 1.3) * 100);
    const state = await fit(tableFromArrays({ a, b }), { batchSize: 25, momentum: null });
    const bn = new BatchNorm1d(2, { momentum: null, features: ['a', 'b'] });
    for (let start = 0; start < rows; start += 25) {
      const n = Math.min(25, rows - start);
      const x = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) [x[2 * i], x[2 * i + 1]] = [a[start + i]!, b[start + i]!];
      bn.forward(x, [n, 2]);
    }
    const dict: State = bn.stateDict();
    expect(dict.running_mean).toStrictEqual(state.running_mean);
    expect(dict.running_var).toStrictEqual(state.running_var);
    expect(dict.num_batches_tracked).toBe(5);
    expect(BatchNorm1d.fromState(JSON.parse(JSON.stringify(state)) as State).runningMean).toStrictEqual(Float64Array.from(state.running_mean!));
  });

  test('a wrong shape is a UsageError', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn.forward(new Float64Array(7), [2, 3])).toThrow(UsageError);
    expect(() => bn.forward(new Float64Array(6), [2, 2])).toThrow(UsageError);
  });
});
