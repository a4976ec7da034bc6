/**
 * The output of the BatchNorm1d arithmetic (see batch-norm.ts for the whole
 * of it): y = x * alpha + beta per channel, with
 *   invstd = 1 / sqrt(var + eps)           var = biased batch var (training, or no running
 *                                          stats) or running_var (eval); 0 if var = eps = 0
 *   alpha  = invstd * weight,  beta = bias - mean * alpha     (weight 1, bias 0 without affine)
 * Nulls stay null; NaN and ±Infinity are an error unless the skip policy lets them through.
 */
import type { Batch } from './batcher.js';
import { type ColumnData, firstNonFinite } from './column.js';
import { assertFinite, batchMoments, type Moments, requireTwoValues, type StepOptions } from './batch-moments.js';
import type { BatchNormState } from './state.js';

/** Per-channel coefficients of the output y = x * alpha + beta. */
export interface Affine {
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
}

function toAffine(state: BatchNormState, mean: Float64Array, invstd: Float64Array): Affine {
  const alpha = new Float64Array(mean.length);
  const beta = new Float64Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    const w = state.weight ? state.weight[c]! : 1;
    const b = state.bias ? state.bias[c]! : 0;
    alpha[c] = invstd[c]! * w;
    beta[c] = b - mean[c]! * alpha[c]!;
  }
  return { alpha, beta };
}

/** Eval-mode coefficients, from the running statistics. */
export function evalAffine(state: BatchNormState): Affine {
  if (!state.runningMean || !state.runningVar) throw new Error('evalAffine needs running statistics');
  const invstd = state.runningVar.map((v) => 1 / Math.sqrt(v + state.eps));
  return toAffine(state, state.runningMean, invstd);
}

/** Training-mode coefficients, from a batch's own statistics (biased variance). */
export function batchAffine(state: BatchNormState, moments: Moments): Affine {
  const invstd = moments.m2.map((m2, c) => {
    const variance = m2 / moments.count[c]!;
    return variance === 0 && state.eps === 0 ? 0 : 1 / Math.sqrt(variance + state.eps);
  });
  return toAffine(state, moments.mean, invstd);
}

/**
 * Writes y = x * alpha + beta for every value of a column into `out` (same
 * length; a Float32Array rounds each float64 result once). Null slots get
 * an unspecified number. Returns the index of the first valid non-finite
 * input, or -1.
 */
export function transformColumn(column: ColumnData, alpha: number, beta: number, out: Float64Array | Float32Array): number {
  const { values, valid } = column;
  let probe = 0;
  if (valid) {
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      out[i] = x * alpha + beta;
      if (valid[i]) probe += x * 0;
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      out[i] = x * alpha + beta;
      probe += x * 0;
    }
  }
  return probe === 0 ? -1 : firstNonFinite(column);
}

/** Training-mode coefficients of a batch: its own statistics, which need more than 1 value per channel. */
export function trainAffine(state: BatchNormState, batch: Batch, options: StepOptions = {}): Affine {
  const moments = batchMoments(state, batch, options);
  requireTwoValues(state, batch, moments, options, 'short-batch-train');
  return batchAffine(state, moments);
}

/**
 * Normalizes a batch into `outs` (one array per column, as long as its
 * values): eval mode with the running statistics, or, in training mode or
 * without running statistics, with the batch's own statistics (no update).
 */
export function normalizeBatch(
  state: BatchNormState,
  batch: Batch,
  outs: readonly (Float64Array | Float32Array)[],
  options: StepOptions & { training?: boolean } = {},
): void {
  const affine = options.training || !state.trackRunningStats ? trainAffine(state, batch, options) : evalAffine(state);
  for (let c = 0; c < batch.columns.length; c++) {
    const bad = transformColumn(batch.columns[c]!, affine.alpha[c]!, affine.beta[c]!, outs[c]!);
    // The columns before c were finite, so this throws the error of column c.
    if (bad >= 0 && options.nan !== 'skip') assertFinite(state, batch, options);
  }
}
