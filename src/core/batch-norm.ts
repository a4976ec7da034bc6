/**
 * The BatchNorm1d arithmetic, in one place. It follows PyTorch's CPU kernels
 * for float64 (aten/src/ATen/native/Normalization.cpp and
 * cpu/batch_norm_kernel.cpp), operation for operation, so results agree with
 * `torch.nn.BatchNorm1d(..., dtype=torch.float64)` to the last bits.
 *
 * Batch moments, per channel, over the n non-null values of the batch in row order
 * (for a list column, every element of every row: the (N, L) axes):
 *   mean = (x_1 + ... + x_n) / n          a sequential sum, as torch on one thread
 *   m2   = sum of (x_i - mean)^2           a second pass: stable with large offsets
 *   biased var = m2 / n                    normalizes the training-mode output
 *   unbiased var = m2 / (n - 1)            goes into running_var; n <= 1 is an error
 *
 * Running statistics, per training batch:
 *   num_batches_tracked += 1
 *   f = momentum, or 1 / num_batches_tracked when momentum is null
 *   running_mean = f * mean + (1 - f) * running_mean
 *   running_var  = f * m2 / (n - 1) + (1 - f) * running_var
 *
 * Output, as y = x * alpha + beta per channel:
 *   invstd = 1 / sqrt(var + eps)           var = biased batch var (training, or no running
 *                                          stats) or running_var (eval); 0 if var = eps = 0
 *   alpha  = invstd * weight,  beta = bias - mean * alpha     (weight 1, bias 0 without affine)
 *
 * Nulls are left out of n and stay null. NaN and ±Infinity are an error
 * naming column and row, or, with the "skip" policy, left out like nulls.
 */
import type { Batch } from './batcher.js';
import { type ColumnData, type FloatArray, rowOfValue } from './column.js';
import { DataError } from './errors.js';
import { formatCount } from './format-count.js';
import type { BatchNormState } from './state.js';

/** What to do with NaN and ±Infinity in a feature: fail (default), or leave them out like nulls. */
export type NanPolicy = 'error' | 'skip';

/** Options shared by the training and transform steps. */
export interface StepOptions {
  /** Default 'error'. */
  nan?: NanPolicy;
  /** How to name a 0-based stream row in messages (default `row N`), e.g. with its file. */
  describeRow?: (row: number) => string;
  /** What to suggest when a batch has too few values (default: --drop-last or a larger --batch-size). */
  shortBatchHint?: string;
}

/** Per-channel statistics of one batch. */
export interface Moments {
  /** Non-null (and, with the skip policy, finite) values. */
  readonly count: Float64Array;
  readonly mean: Float64Array;
  /** Sum of squared deviations from the mean. */
  readonly m2: Float64Array;
}

/** Per-channel coefficients of the output y = x * alpha + beta. */
export interface Affine {
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
}

const defaultDescribeRow = (row: number): string => `row ${formatCount(row)}`;

function nonFiniteError(state: BatchNormState, batch: Batch, channel: number, index: number, options: StepOptions): DataError {
  const column = batch.columns[channel]!;
  const value = column.values[index]!;
  const row = batch.startRow + rowOfValue(column, index);
  const what = Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  const describe = options.describeRow ?? defaultDescribeRow;
  return new DataError(
    `column "${state.features[channel]}" has ${what} at ${describe(row)}; ` +
      'clean the data, or pass --nan skip to leave NaN and ±Infinity out of the statistics like nulls',
  );
}

/** Throws the NaN/±Infinity error of the first valid non-finite value of the batch, if any (the error policy's check, done early). */
export function assertFinite(state: BatchNormState, batch: Batch, options: StepOptions = {}): void {
  batch.columns.forEach((column, c) => {
    const bad = firstNonFinite(column);
    if (bad >= 0) throw nonFiniteError(state, batch, c, bad, options);
  });
}

/** Index of the first valid non-finite value, or -1. */
function firstNonFinite(column: ColumnData): number {
  const { values, valid } = column;
  for (let i = 0; i < values.length; i++) {
    if ((!valid || valid[i]) && !Number.isFinite(values[i]!)) return i;
  }
  return -1;
}

/** Sum and count of the values to use: valid ones, and finite ones if `finiteOnly`. */
function maskedSum(column: ColumnData, finiteOnly: boolean): [number, number] {
  const { values, valid } = column;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if ((!valid || valid[i]) && (!finiteOnly || Number.isFinite(x))) {
      sum += x;
      n++;
    }
  }
  return [sum, n];
}

function maskedM2(column: ColumnData, mean: number, finiteOnly: boolean): number {
  const { values, valid } = column;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if ((!valid || valid[i]) && (!finiteOnly || Number.isFinite(x))) {
      const d = x - mean;
      m2 += d * d;
    }
  }
  return m2;
}

function denseSum(values: FloatArray): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum;
}

function denseM2(values: FloatArray, mean: number): number {
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    m2 += d * d;
  }
  return m2;
}

/** Count, mean and m2 of every channel of a batch (two passes, see the top of this file). */
export function batchMoments(state: BatchNormState, batch: Batch, options: StepOptions = {}): Moments {
  const channels = batch.columns.length;
  const count = new Float64Array(channels);
  const mean = new Float64Array(channels);
  const m2 = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const column = batch.columns[c]!;
    let finiteOnly = false;
    let [sum, n] = column.valid ? maskedSum(column, false) : [denseSum(column.values), column.values.length];
    if (!Number.isFinite(sum)) {
      const bad = firstNonFinite(column);
      if (bad < 0) throw overflowError(state, batch, c);
      if (options.nan !== 'skip') throw nonFiniteError(state, batch, c, bad, options);
      finiteOnly = true;
      [sum, n] = maskedSum(column, true);
      if (!Number.isFinite(sum)) throw overflowError(state, batch, c);
    }
    const mu = sum / n;
    const dev = column.valid || finiteOnly ? maskedM2(column, mu, finiteOnly) : denseM2(column.values, mu);
    if (!Number.isFinite(dev) && n > 0) throw overflowError(state, batch, c);
    count[c] = n;
    mean[c] = mu;
    m2[c] = dev;
  }
  return { count, mean, m2 };
}

function overflowError(state: BatchNormState, batch: Batch, channel: number): DataError {
  return new DataError(
    `column "${state.features[channel]}" in batch ${formatCount(batch.index)}: values too large for float64 statistics (their sum or squares overflow)`,
  );
}

/** Throws unless every channel has more than one value, as training needs (PyTorch's rule). */
function requireTwoValues(state: BatchNormState, batch: Batch, moments: Moments, options: StepOptions): void {
  for (let c = 0; c < moments.count.length; c++) {
    const n = moments.count[c]!;
    if (n > 1) continue;
    const describe = options.describeRow ?? defaultDescribeRow;
    const first = describe(batch.startRow);
    const rows = batch.rows === 1 ? first : `${first} to ${formatCount(batch.startRow + batch.rows - 1)}`;
    const has = n === 0 ? 'no usable value' : 'only 1 value';
    throw new DataError(
      `batch ${formatCount(batch.index)} (${rows}) has ${has} in column "${state.features[c]}", ` +
        'but training needs more than 1 value per channel (PyTorch: "Expected more than 1 value per channel when training"); ' +
        (options.shortBatchHint ?? 'pass --drop-last to skip a short last batch, or use a larger --batch-size'),
    );
  }
}

/** The state after training on one batch: the running-statistics update above. Pure. */
export function updateRunningStats(state: BatchNormState, batch: Batch, moments: Moments, options: StepOptions = {}): BatchNormState {
  requireTwoValues(state, batch, moments, options);
  if (!state.trackRunningStats) return state;
  const tracked = state.numBatchesTracked! + 1;
  const f = state.momentum === null ? 1 / tracked : state.momentum;
  const oldMean = state.runningMean!;
  const oldVar = state.runningVar!;
  const runningMean = new Float64Array(oldMean.length);
  const runningVar = new Float64Array(oldVar.length);
  for (let c = 0; c < oldMean.length; c++) {
    runningMean[c] = f * moments.mean[c]! + (1 - f) * oldMean[c]!;
    const unbiased = moments.m2[c]! / (moments.count[c]! - 1);
    runningVar[c] = f * unbiased + (1 - f) * oldVar[c]!;
  }
  return { ...state, runningMean, runningVar, numBatchesTracked: tracked };
}

/** Trains on one batch (training-mode forward, no output kept): the new state. */
export function fitBatch(state: BatchNormState, batch: Batch, options: StepOptions = {}): BatchNormState {
  return updateRunningStats(state, batch, batchMoments(state, batch, options), options);
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
  requireTwoValues(state, batch, moments, options);
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
    if (bad >= 0 && options.nan !== 'skip') throw nonFiniteError(state, batch, c, bad, options);
  }
}
