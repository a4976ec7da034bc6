/**
 * The BatchNorm1d arithmetic. It follows PyTorch's CPU kernels for float64
 * (aten/src/ATen/native/Normalization.cpp and cpu/batch_norm_kernel.cpp),
 * operation for operation, so results agree with
 * `torch.nn.BatchNorm1d(..., dtype=torch.float64)` to the last bits. This
 * file holds the training step and the layer's forward; the two files they
 * build on are batch-moments.ts (the statistics of a batch) and
 * normalize.ts (the output). batch-norm-module.ts wraps them in torch's
 * module interface for in-memory arrays.
 *
 * Batch moments, per channel, over the n non-null values of the batch in row order
 * (for a list column, every element of every row: the (N, L) axes):    batch-moments.ts
 *   mean = (x_1 + ... + x_n) / n          a sequential sum, as torch on one thread
 *   m2   = sum of (x_i - mean)^2           a second pass: stable with large offsets
 *   biased var = m2 / n                    normalizes the training-mode output
 *   unbiased var = m2 / (n - 1)            goes into running_var; n <= 1 is an error
 *
 * Running statistics, per training batch:                               this file
 *   num_batches_tracked += 1
 *   f = momentum, or 1 / num_batches_tracked when momentum is null
 *   running_mean = f * mean + (1 - f) * running_mean
 *   running_var  = f * m2 / (n - 1) + (1 - f) * running_var
 *
 * Output, as y = x * alpha + beta per channel:                          normalize.ts
 *   invstd = 1 / sqrt(var + eps)           var = biased batch var (training, or no running
 *                                          stats) or running_var (eval); 0 if var = eps = 0
 *   alpha  = invstd * weight,  beta = bias - mean * alpha     (weight 1, bias 0 without affine)
 *
 * Nulls are left out of n and stay null. NaN and ±Infinity are an error
 * naming column and row, or, with the "skip" policy, left out like nulls.
 */
import type { Batch } from './batcher.js';
import { batchMoments, type Moments, requireTwoValues, type StepOptions } from './batch-moments.js';
import { batchAffine, normalizeBatch, transformColumn } from './normalize.js';
import type { BatchNormState } from './state.js';

/** The state after training on one batch: the running-statistics update above. Pure. */
export function updateRunningStats(state: BatchNormState, batch: Batch, moments: Moments, options: StepOptions = {}): BatchNormState {
  requireTwoValues(state, batch, moments, options, 'short-batch');
  if (!state.trackRunningStats) return state;
  const tracked = state.numBatchesTracked! + 1;
  const f = emaFactor(state.momentum, tracked);
  const oldMean = state.runningMean!;
  const oldVar = state.runningVar!;
  const runningMean = new Float64Array(oldMean.length);
  const runningVar = new Float64Array(oldVar.length);
  for (let c = 0; c < oldMean.length; c++) {
    runningMean[c] = ema(f, moments.mean[c]!, oldMean[c]!);
    runningVar[c] = ema(f, unbiasedVar(moments.m2[c]!, moments.count[c]!), oldVar[c]!);
  }
  return { ...state, runningMean, runningVar, numBatchesTracked: tracked };
}

/** The factor of a running-statistics update after `tracked` batches (num_batches_tracked, counting this one). */
export function emaFactor(momentum: number | null, tracked: number): number {
  return momentum === null ? 1 / tracked : momentum;
}

/** One running statistic after a batch: f * batch + (1 - f) * running. */
export function ema(f: number, batch: number, running: number): number {
  return f * batch + (1 - f) * running;
}

/** The unbiased variance of n values whose squared deviations sum to m2. */
export function unbiasedVar(m2: number, n: number): number {
  return m2 / (n - 1);
}

/** Trains on one batch (training-mode forward, no output kept): the new state. */
export function fitBatch(state: BatchNormState, batch: Batch, options: StepOptions = {}): BatchNormState {
  return updateRunningStats(state, batch, batchMoments(state, batch, options), options);
}

/**
 * One forward of the layer over a batch, as torch.nn.BatchNorm1d's: writes
 * the output into `outs` (one array per column, as long as its values) and
 * returns the state after it. Training mode normalizes with the batch's own
 * statistics and updates the running ones (the input state is untouched);
 * eval mode is normalizeBatch, and returns the state as it is.
 */
export function forwardBatch(
  state: BatchNormState,
  batch: Batch,
  outs: readonly (Float64Array | Float32Array)[],
  options: StepOptions & { training?: boolean } = {},
): BatchNormState {
  if (!options.training) {
    normalizeBatch(state, batch, outs, options);
    return state;
  }
  const moments = batchMoments(state, batch, options);
  const next = updateRunningStats(state, batch, moments, options);
  const { alpha, beta } = batchAffine(state, moments);
  batch.columns.forEach((column, c) => transformColumn(column, alpha[c]!, beta[c]!, outs[c]!));
  return next;
}
