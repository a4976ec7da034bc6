/**
 * torch.nn.BatchNorm1d for in-memory arrays: a layer that holds its weight,
 * bias and running statistics, switches between train() and eval(), and
 * normalizes row-major (N, C) or (N, C, L) arrays with forward(). It only
 * holds the state and picks the mode, as torch's module does; the arithmetic
 * is forwardBatch's (batch-norm.ts), the one bn1d fit and apply use.
 *
 * Where it differs from torch: it computes in float64 whatever the input
 * (float32 values widen exactly); NaN and ±Infinity are an error, as
 * everywhere in bn1d; and a training forward needs more than 1 value per
 * channel, so an empty batch is an error too (torch counts it and changes
 * nothing else).
 */
import type { Batch } from './batcher.js';
import { forwardBatch } from './batch-norm.js';
import { DataError, UsageError } from './errors.js';
import { type BatchNormState, createState, validateState } from './state.js';
import { type StateDocument, stateDocument, stateFromDocument } from './state-json.js';
import { channelColumns, checkedShape, formatShape, interleaveChannels } from './tensor-layout.js';

/** Settings of a new BatchNorm1d; unset ones take PyTorch's defaults. */
export interface BatchNorm1dOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** EMA factor in (0, 1], or null for a cumulative average (factor 1/num_batches_tracked). Default 0.1. */
  momentum?: number | null;
  /** Whether the layer has a per-channel weight and bias. Default true. */
  affine?: boolean;
  /** Whether it keeps running statistics; without them every forward uses the batch's. Default true. */
  trackRunningStats?: boolean;
  /**
   * Channel names, the `features` of its state file. Default column_0,
   * column_1, ...: the names Polars gives the columns of a 2-D array.
   */
  features?: readonly string[];
}

/** The shape of a forward input, row-major: [N, C] or [N, C, L]. */
export type BatchNorm1dShape = readonly [number, number] | readonly [number, number, number];

const SOURCE = 'BatchNorm1d';

/** A BatchNorm1d layer with torch's interface: train(), eval(), forward(x, shape), stateDict(), fromState(). */
export class BatchNorm1d {
  private state: BatchNormState;
  private isTraining = true;

  /** A fresh layer in training mode: running_mean 0, running_var 1, weight 1, bias 0. */
  constructor(numFeatures: number, options: BatchNorm1dOptions = {}) {
    if (!Number.isSafeInteger(numFeatures) || numFeatures < 1) {
      throw new UsageError(`${SOURCE}: numFeatures must be a positive integer (got ${numFeatures})`);
    }
    const features = options.features ?? Array.from({ length: numFeatures }, (_, c) => `column_${c}`);
    if (features.length !== numFeatures) throw new UsageError(`${SOURCE}: ${features.length} feature names for ${numFeatures} features`);
    this.state = asUsage(() => createState({ ...options, features }, SOURCE));
  }

  /**
   * A layer with the weights and buffers of a state: a state file's document
   * (stateDict's, or a parsed bn1d state file) or a BatchNormState. It is
   * checked as a state file is, copied, and starts in training mode. How the
   * state was fitted (`fit`, `trajectory`) is not kept.
   */
  static fromState(state: StateDocument | BatchNormState): BatchNorm1d {
    const s = 'format' in state ? stateFromDocument(state, SOURCE) : copyState(state);
    const layer = new BatchNorm1d(s.features.length, s);
    layer.state = { ...s, fit: undefined, trajectory: undefined };
    return layer;
  }

  /** Channels C. */
  get numFeatures(): number {
    return this.state.features.length;
  }

  /** Channel names, in channel order. */
  get features(): readonly string[] {
    return this.state.features;
  }

  get affine(): boolean {
    return this.state.affine;
  }

  get trackRunningStats(): boolean {
    return this.state.trackRunningStats;
  }

  /** Whether forward() runs in training mode (the default) or eval mode. */
  get training(): boolean {
    return this.isTraining;
  }

  get eps(): number {
    return this.state.eps;
  }

  set eps(eps: number) {
    this.replace({ eps });
  }

  get momentum(): number | null {
    return this.state.momentum;
  }

  set momentum(momentum: number | null) {
    this.replace({ momentum });
  }

  /** Per-channel scale (gamma), null without affine. Assign a Float64Array of C values, or edit it in place. */
  get weight(): Float64Array | null {
    return this.state.weight;
  }

  set weight(weight: Float64Array | null) {
    this.replace({ weight: vector('weight', weight) });
  }

  /** Per-channel shift (beta), null without affine. */
  get bias(): Float64Array | null {
    return this.state.bias;
  }

  set bias(bias: Float64Array | null) {
    this.replace({ bias: vector('bias', bias) });
  }

  /** Per-channel running mean, null without running stats; training updates it in place. */
  get runningMean(): Float64Array | null {
    return this.state.runningMean;
  }

  set runningMean(runningMean: Float64Array | null) {
    this.replace({ runningMean: vector('runningMean', runningMean) });
  }

  /** Per-channel running (unbiased) variance, null without running stats; training updates it in place. */
  get runningVar(): Float64Array | null {
    return this.state.runningVar;
  }

  set runningVar(runningVar: Float64Array | null) {
    this.replace({ runningVar: vector('runningVar', runningVar) });
  }

  /** Training forwards seen, null without running stats. */
  get numBatchesTracked(): number | null {
    return this.state.numBatchesTracked;
  }

  set numBatchesTracked(numBatchesTracked: number | null) {
    this.replace({ numBatchesTracked });
  }

  /** Sets training mode (or eval mode with `false`), as torch's Module.train(mode). */
  train(mode = true): this {
    this.isTraining = mode;
    return this;
  }

  /** Sets eval mode: forward() normalizes with the running statistics (when the layer keeps them). */
  eval(): this {
    return this.train(false);
  }

  /**
   * The layer applied to `x`, a row-major array of `shape` [N, C] or
   * [N, C, L]: a new Float64Array of the same shape. In training mode (or
   * without running statistics) each channel is normalized by the batch's
   * mean and biased variance over the (N, L) axes; training also updates the
   * running statistics with the unbiased variance and counts the batch. In
   * eval mode it uses the running statistics.
   */
  forward(x: Float32Array | Float64Array, shape: BatchNorm1dShape): Float64Array {
    const [n, c, l] = checkedShape(x, shape, this.numFeatures);
    // The buffers may have been edited in place since the last check.
    const state = this.state;
    validateState(state, SOURCE);
    if ((this.isTraining || !state.trackRunningStats) && n * l <= 1) {
      throw new DataError(`${SOURCE}: expected more than 1 value per channel when training, got input of shape ${formatShape(shape)}`);
    }
    const columns = channelColumns(x, n, c, l, shape.length === 3);
    const outs = columns.map((column) => new Float64Array(column.values.length));
    const batch: Batch = { rows: n, columns, index: 0, startRow: 0 };
    const next = forwardBatch(state, batch, outs, { training: this.isTraining });
    if (next !== state) {
      state.runningMean!.set(next.runningMean!);
      state.runningVar!.set(next.runningVar!);
      this.state = { ...state, numBatchesTracked: next.numBatchesTracked };
    }
    return interleaveChannels(outs, n, c, l);
  }

  /** The layer as a state file's document: plain JSON values, so JSON.stringify of it is a bn1d state file. */
  stateDict(): StateDocument {
    return stateDocument(this.state);
  }

  /** Replaces fields of the state, checked as a state file is: a broken invariant is a UsageError naming the field. */
  private replace(change: Partial<BatchNormState>): void {
    const next = { ...this.state, ...change };
    asUsage(() => validateState(next, SOURCE));
    this.state = next;
  }
}

/** Runs `make`, turning a DataError (a broken state invariant) into a UsageError: the caller gave the bad value. */
function asUsage<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw error instanceof DataError ? new UsageError(error.message) : error;
  }
}

function vector(name: string, value: Float64Array | null): Float64Array | null {
  if (value !== null && !(value instanceof Float64Array)) throw new UsageError(`${SOURCE}: ${name} must be a Float64Array or null`);
  return value;
}

/** A BatchNormState, checked, with arrays of its own. */
function copyState(state: BatchNormState): BatchNormState {
  const copy = (v: Float64Array | null) => (v === null ? null : Float64Array.from(v));
  const s = {
    ...state,
    features: [...state.features],
    runningMean: copy(state.runningMean),
    runningVar: copy(state.runningVar),
    weight: copy(state.weight),
    bias: copy(state.bias),
  };
  validateState(s, SOURCE);
  return s;
}
