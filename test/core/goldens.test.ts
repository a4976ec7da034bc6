/**
 * Parity with PyTorch: every case of fixtures/goldens/ (written by
 * scripts/make-goldens.py with torch.nn.BatchNorm1d in float64) is fitted
 * and applied through the core and compared at 1e-12.
 * Set BN1D_PARITY_TABLE=1 to print the largest errors per case.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { batchMoments } from '../../src/core/batch-moments.js';
import { batchAffine } from '../../src/core/normalize.js';
import { batchesOf } from '../helpers/chunks.js';
import { operandRelativeError, relativeError } from '../helpers/errors.js';
import { type Golden, flatten, loadGoldens } from '../helpers/goldens.js';
import { goldenChunks, initialState, runGolden } from '../helpers/run-golden.js';

const TOLERANCE = 1e-12;
const goldens = loadGoldens();
const table: string[] = [];

/** Per output value: the input x and the channel's (alpha, beta) by PyTorch's numbers. */
function flatInputs(golden: Golden, k: number): number[] {
  return flatten(golden.input[k]!, golden).flat.map((v) => v ?? NaN);
}

test('there are at least 20 golden cases', () => {
  expect(goldens.length).toBeGreaterThanOrEqual(20);
});

describe.each(goldens.map((g) => [g.name, g] as const))('golden %s', (_name, golden) => {
  const run = runGolden(golden);
  const worst = { stats: 0, batch: 0, train: 0, evals: 0 };

  test('running statistics match PyTorch', () => {
    const fitted = golden.fitted;
    if (!fitted) {
      expect(run.state.runningMean).toBeNull();
      expect(run.state.numBatchesTracked).toBeNull();
      return;
    }
    expect(run.state.numBatchesTracked).toBe(fitted.num_batches_tracked);
    fitted.running_mean.forEach((b, c) => (worst.stats = Math.max(worst.stats, relativeError(run.state.runningMean![c]!, b))));
    fitted.running_var.forEach((b, c) => (worst.stats = Math.max(worst.stats, relativeError(run.state.runningVar![c]!, b))));
    expect(worst.stats).toBeLessThanOrEqual(TOLERANCE);
  });

  test('batch mean and invstd of the first epoch match PyTorch', () => {
    const state = initialState(golden);
    const batches = batchesOf(goldenChunks(golden), golden.config.batch_size, golden.config.drop_last);
    expect(batches.map((b) => [b.startRow, b.startRow + b.rows])).toEqual(golden.train_batches.map((b) => [b.start, b.end]));
    batches.forEach((batch, i) => {
      const torch = golden.train_batches[i]!;
      const moments = batchMoments(state, batch);
      const { alpha } = batchAffine(state, moments);
      torch.mean.forEach((m, c) => (worst.batch = Math.max(worst.batch, relativeError(moments.mean[c]!, m))));
      torch.invstd.forEach((inv, c) => {
        const w = state.weight ? state.weight[c]! : 1;
        worst.batch = Math.max(worst.batch, relativeError(alpha[c]!, inv * w));
      });
    });
    expect(worst.batch).toBeLessThanOrEqual(TOLERANCE);
  });

  /** Largest operand-relative error of `actual` against `rows`, batch by batch, with PyTorch's coefficients. */
  type Span = { start: number; end: number; mean: number[]; invstd: number[] };
  function outputError(rows: Golden['eval_output'][number], actual: Float64Array, k: number, spans: Span[], coefficients: (span: Span) => [number, number]): [number, number] {
    const xs = flatInputs(golden, k);
    const expected = flatten(rows, golden);
    let err = 0;
    let compared = 0;
    for (const batch of spans) {
      const [alpha, beta] = coefficients(batch);
      for (let i = expected.offsets[batch.start]!; i < expected.offsets[batch.end]!; i++) {
        const want = expected.flat[i];
        if (want === null || want === undefined) continue;
        err = Math.max(err, operandRelativeError(actual[i]!, want, xs[i]!, alpha, beta));
        compared++;
      }
    }
    return [err, compared];
  }
  const weight = (k: number) => (golden.initial.weight ? golden.initial.weight[k]! : 1);
  const bias = (k: number) => (golden.initial.bias ? golden.initial.bias[k]! : 0);
  const batchCoefficients = (k: number) => (batch: Span): [number, number] => {
    const alpha = batch.invstd[k]! * weight(k);
    return [alpha, bias(k) - batch.mean[k]! * alpha];
  };

  test('training-mode output matches PyTorch', () => {
    let compared = 0;
    golden.train_output.forEach((rows, k) => {
      const [err, n] = outputError(rows, run.train[k]!, k, golden.train_batches, batchCoefficients(k));
      worst.train = Math.max(worst.train, err);
      compared += n;
    });
    expect(compared).toBeGreaterThan(0);
    expect(worst.train).toBeLessThanOrEqual(TOLERANCE);
  });

  test('eval-mode output matches PyTorch', () => {
    const { fitted, config } = golden;
    // Without running statistics, eval uses each batch's statistics (no batch is dropped in these cases).
    if (!fitted) expect(config.drop_last).toBe(false);
    let compared = 0;
    golden.eval_output.forEach((rows, k) => {
      const running = (): [number, number] => {
        const alpha = weight(k) / Math.sqrt(fitted!.running_var[k]! + config.eps);
        return [alpha, bias(k) - fitted!.running_mean[k]! * alpha];
      };
      const whole = [{ start: 0, end: rows.length, mean: [], invstd: [] }];
      const [err, n] = fitted
        ? outputError(rows, run.evals[k]!, k, whole, running)
        : outputError(rows, run.evals[k]!, k, golden.train_batches, batchCoefficients(k));
      worst.evals = Math.max(worst.evals, err);
      compared += n;
    });
    expect(compared).toBe(golden.eval_output.reduce((sum, rows) => sum + flatten(rows, golden).flat.filter((v) => v !== null).length, 0));
    expect(worst.evals).toBeLessThanOrEqual(TOLERANCE);
  });

  test('chunks of 7 rows and of 1 row give the bit-identical state and outputs', () => {
    for (const rows of [7, 1]) {
      const other = runGolden(golden, rows);
      expect(other.state).toEqual(run.state);
      expect(other.train).toEqual(run.train);
      expect(other.evals).toEqual(run.evals);
    }
  });

  afterAll(() => {
    const f = (x: number) => x.toExponential(1).padStart(8);
    table.push(`| ${golden.name.padEnd(28)} | ${f(worst.stats)} | ${f(worst.batch)} | ${f(worst.train)} | ${f(worst.evals)} |`);
  });
});

afterAll(() => {
  if (process.env.BN1D_PARITY_TABLE !== '1') return;
  console.log(['| case | running stats | batch mean/invstd | train output | eval output |', '|---|---|---|---|---|', ...table].join('\n'));
});
