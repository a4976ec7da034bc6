/**
 * The batch moments of the BatchNorm1d arithmetic (see batch-norm.ts for the
 * whole of it): per channel, the count, mean and sum of squared deviations of
 * a batch's values, and the checks those values must pass first (NaN and
 * ±Infinity, overflow, more than 1 value per channel for training).
 *
 * Per channel, over the n non-null values of the batch in row order (for a
 * list column, every element of every row: the (N, L) axes):
 *   mean = (x_1 + ... + x_n) / n          a sequential sum, as torch on one thread
 *   m2   = sum of (x_i - mean)^2           a second pass: stable with large offsets
 */
import type { Batch } from './batcher.js';
import { type ColumnData, type FloatArray, firstNonFinite, rowOfValue } from './column.js';
import { DataError, type DataErrorHint } from './errors.js';
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
}

/** Per-channel statistics of one batch. */
export interface Moments {
  /** Non-null (and, with the skip policy, finite) values. */
  readonly count: Float64Array;
  readonly mean: Float64Array;
  /** Sum of squared deviations from the mean. */
  readonly m2: Float64Array;
}

const defaultDescribeRow = (row: number): string => `row ${formatCount(row)}`;

function nonFiniteError(state: BatchNormState, batch: Batch, channel: number, index: number, options: StepOptions): DataError {
  const column = batch.columns[channel]!;
  const value = column.values[index]!;
  const row = batch.startRow + rowOfValue(column, index);
  const what = Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  const describe = options.describeRow ?? defaultDescribeRow;
  return new DataError(`column "${state.features[channel]}" has ${what} at ${describe(row)}`, { hint: 'non-finite' });
}

/** Throws the NaN/±Infinity error of the first valid non-finite value of the batch, if any (the error policy's check). */
export function assertFinite(state: BatchNormState, batch: Batch, options: StepOptions = {}): void {
  batch.columns.forEach((column, c) => {
    const bad = firstNonFinite(column);
    if (bad >= 0) throw nonFiniteError(state, batch, c, bad, options);
  });
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
  const out: ChannelMoments = { count: 0, mean: 0, m2: 0 };
  for (let c = 0; c < channels; c++) {
    channelMoments(state, batch, c, options, out);
    count[c] = out.count;
    mean[c] = out.mean;
    m2[c] = out.m2;
  }
  return { count, mean, m2 };
}

/** One channel's statistics of one batch, as numbers. */
export interface ChannelMoments {
  count: number;
  mean: number;
  m2: number;
}

/** Count, mean and m2 of channel `c` of a batch, written into `out` (batchMoments does this for every channel). */
export function channelMoments(state: BatchNormState, batch: Batch, c: number, options: StepOptions, out: ChannelMoments): void {
  const column = batch.columns[c]!;
  let finiteOnly = false;
  // No array destructuring here: it runs once per batch of every channel, and destructuring iterates.
  let sum = 0;
  let n = column.values.length;
  if (column.valid) ({ 0: sum, 1: n } = maskedSum(column, false));
  else sum = denseSum(column.values);
  if (!Number.isFinite(sum)) {
    const bad = firstNonFinite(column);
    if (bad < 0) throw overflowError(state, batch, c);
    if (options.nan !== 'skip') throw nonFiniteError(state, batch, c, bad, options);
    finiteOnly = true;
    ({ 0: sum, 1: n } = maskedSum(column, true));
    if (!Number.isFinite(sum)) throw overflowError(state, batch, c);
  }
  const mu = sum / n;
  const dev = column.valid || finiteOnly ? maskedM2(column, mu, finiteOnly) : denseM2(column.values, mu);
  if (!Number.isFinite(dev) && n > 0) throw overflowError(state, batch, c);
  out.count = n;
  out.mean = mu;
  out.m2 = dev;
}

function overflowError(state: BatchNormState, batch: Batch, channel: number): DataError {
  return new DataError(
    `column "${state.features[channel]}" in batch ${formatCount(batch.index)}: values too large for float64 statistics (their sum or squares overflow)`,
  );
}

/**
 * Throws unless every channel has more than one value, as training needs
 * (PyTorch's rule). `hint` tells what the batch was for: fitting running
 * statistics (`short-batch`) or a training-mode output (`short-batch-train`).
 */
export function requireTwoValues(
  state: BatchNormState,
  batch: Batch,
  moments: Moments,
  options: StepOptions = {},
  hint: Extract<DataErrorHint, 'short-batch' | 'short-batch-train'> = 'short-batch',
): void {
  for (let c = 0; c < moments.count.length; c++) requireTwoIn(state, batch, c, moments.count[c]!, options, hint);
}

/** requireTwoValues for channel `c`, which has `n` values in the batch. */
export function requireTwoIn(
  state: BatchNormState,
  batch: Batch,
  c: number,
  n: number,
  options: StepOptions = {},
  hint: Extract<DataErrorHint, 'short-batch' | 'short-batch-train'> = 'short-batch',
): void {
  if (n > 1) return;
  const describe = options.describeRow ?? defaultDescribeRow;
  const first = describe(batch.startRow);
  const rows = batch.rows === 1 ? first : `${first} to ${formatCount(batch.startRow + batch.rows - 1)}`;
  const has = n === 0 ? 'no usable value' : 'only 1 value';
  throw new DataError(
    `batch ${formatCount(batch.index)} (${rows}) has ${has} in column "${state.features[c]}", ` +
      'but training needs more than 1 value per channel (PyTorch: "Expected more than 1 value per channel when training")',
    { hint },
  );
}
