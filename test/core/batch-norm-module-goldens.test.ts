/**
 * Parity of the BatchNorm1d class with PyTorch: every case of
 * fixtures/goldens-module/ (written by scripts/make-module-goldens.py with
 * torch.nn.BatchNorm1d in float64) is replayed call by call, and each
 * output, running statistic and num_batches_tracked compared at 1e-12, the
 * tolerance of the other golden tests. Set BN1D_PARITY_TABLE=1 to print the
 * largest errors per case.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { BatchNorm1d, type BatchNorm1dShape } from '../../src/core/batch-norm-module.js';
import { operandRelativeError, relativeError } from '../helpers/errors.js';
import { loadModuleGoldens } from '../helpers/module-goldens.js';

const TOLERANCE = 1e-12;
const goldens = loadModuleGoldens();
const table: string[] = [];
const vec = (v: number[] | null) => (v === null ? null : Float64Array.from(v));

test('the cases cover both modes, both shapes, both float types, every momentum kind, affine and running stats on and off', () => {
  const steps = goldens.flatMap((g) => g.steps);
  expect(new Set(steps.map((s) => s.mode))).toEqual(new Set(['train', 'eval']));
  expect(new Set(steps.map((s) => s.shape.length))).toEqual(new Set([2, 3]));
  expect(new Set(goldens.map((g) => g.dtype))).toEqual(new Set(['float32', 'float64']));
  expect(new Set(goldens.map((g) => g.config.momentum))).toEqual(new Set([0.1, 0.3, null]));
  expect(new Set(goldens.map((g) => `${g.config.affine} ${g.config.track_running_stats}`)).size).toBe(4);
});

describe.each(goldens.map((g) => [g.name, g] as const))('module golden %s', (_name, golden) => {
  const worst = { abs: 0, output: 0, stats: 0 };

  test('every forward call matches PyTorch: output, running statistics, num_batches_tracked', () => {
    const { config, initial } = golden;
    const bn = new BatchNorm1d(config.num_features, { eps: config.eps, momentum: config.momentum, affine: config.affine, trackRunningStats: config.track_running_stats });
    bn.weight = vec(initial.weight);
    bn.bias = vec(initial.bias);
    bn.runningMean = vec(initial.running_mean);
    bn.runningVar = vec(initial.running_var);
    bn.numBatchesTracked = initial.num_batches_tracked;
    for (const step of golden.steps) {
      const x = golden.dtype === 'float32' ? Float32Array.from(step.input) : Float64Array.from(step.input);
      // PyTorch saw these float64 values: a float32 case holds only float32 numbers.
      expect(Array.from(x)).toEqual(step.input);
      const y = (step.mode === 'train' ? bn.train() : bn.eval()).forward(x, step.shape as unknown as BatchNorm1dShape);
      expect(y).toBeInstanceOf(Float64Array);
      expect(y.length).toBe(step.output.length);
      const [, c, l = 1] = step.shape as [number, number, number?];
      step.output.forEach((want, i) => {
        const k = Math.floor(i / l) % c;
        const alpha = step.invstd[k]! * (initial.weight ? initial.weight[k]! : 1);
        const beta = (initial.bias ? initial.bias[k]! : 0) - step.mean[k]! * alpha;
        worst.abs = Math.max(worst.abs, Math.abs(y[i]! - want));
        worst.output = Math.max(worst.output, operandRelativeError(y[i]!, want, x[i]!, alpha, beta));
      });
      expect(bn.numBatchesTracked).toBe(step.num_batches_tracked);
      if (step.running_mean === null) {
        expect([bn.runningMean, bn.runningVar]).toEqual([null, null]);
      } else {
        step.running_mean.forEach((want, k) => (worst.stats = Math.max(worst.stats, relativeError(bn.runningMean![k]!, want))));
        step.running_var!.forEach((want, k) => (worst.stats = Math.max(worst.stats, relativeError(bn.runningVar![k]!, want))));
      }
    }
    expect(worst.output).toBeLessThanOrEqual(TOLERANCE);
    expect(worst.stats).toBeLessThanOrEqual(TOLERANCE);
  });

  afterAll(() => {
    const f = (v: number) => v.toExponential(1).padStart(8);
    table.push(`| ${golden.name.padEnd(40)} | ${golden.steps.length} | ${f(worst.abs)} | ${f(worst.output)} | ${f(worst.stats)} |`);
  });
});

afterAll(() => {
  if (process.env.BN1D_PARITY_TABLE !== '1') return;
  console.log(['| case | calls | output abs | output rel | running stats rel |', '|---|---|---|---|---|', ...table].join('\n'));
});
