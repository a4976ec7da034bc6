/**
 * The BatchNorm1d state: what `fit` learns and `apply` uses. Field meanings
 * follow PyTorch's `state_dict` (running_mean, running_var, weight, bias,
 * num_batches_tracked) and the layer's constructor arguments.
 */
import { DataError } from './errors.js';
import { formatCount } from './format-count.js';
import type { TrajectoryRecord } from './trajectory.js';

/** A BatchNorm1d layer's buffers, parameters and settings. */
export interface BatchNormState {
  /** Feature column names, in channel order. */
  readonly features: readonly string[];
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** EMA factor in (0, 1], or null for a cumulative average (factor 1/num_batches_tracked). */
  readonly momentum: number | null;
  /** Whether weight and bias exist (PyTorch `affine`). */
  readonly affine: boolean;
  /** Whether running statistics exist; without them every forward uses batch statistics. */
  readonly trackRunningStats: boolean;
  /** Per-channel running mean, or null when trackRunningStats is false. */
  readonly runningMean: Float64Array | null;
  /** Per-channel running (unbiased) variance, or null when trackRunningStats is false. */
  readonly runningVar: Float64Array | null;
  /** Per-channel scale gamma, or null when affine is false. */
  readonly weight: Float64Array | null;
  /** Per-channel shift beta, or null when affine is false. */
  readonly bias: Float64Array | null;
  /** Training batches seen, or null when trackRunningStats is false. */
  readonly numBatchesTracked: number | null;
  /** How the state was fitted (batch size, epochs, inputs, ...), as written by the CLI. */
  readonly fit?: Readonly<Record<string, unknown>> | undefined;
  /** The running statistics along the fit, at log-spaced batches (see trajectory.ts). */
  readonly trajectory?: TrajectoryRecord | undefined;
}

/** Settings of a new layer; unset ones take PyTorch's defaults. */
export interface StateOptions {
  features: readonly string[];
  /** Default 1e-5. */
  eps?: number;
  /** Default 0.1; null = cumulative average. */
  momentum?: number | null;
  /** Default true. */
  affine?: boolean;
  /** Default true. */
  trackRunningStats?: boolean;
}

/** A fresh layer: running_mean 0, running_var 1, weight 1, bias 0, no batches seen. Bad settings throw as validateState does. */
export function createState(options: StateOptions, source = 'state'): BatchNormState {
  const size = options.features.length;
  const affine = options.affine ?? true;
  const track = options.trackRunningStats ?? true;
  const state: BatchNormState = {
    features: [...options.features],
    eps: options.eps ?? 1e-5,
    momentum: options.momentum === undefined ? 0.1 : options.momentum,
    affine,
    trackRunningStats: track,
    runningMean: track ? new Float64Array(size) : null,
    runningVar: track ? new Float64Array(size).fill(1) : null,
    weight: affine ? new Float64Array(size).fill(1) : null,
    bias: affine ? new Float64Array(size) : null,
    numBatchesTracked: track ? 0 : null,
  };
  validateState(state, source);
  return state;
}

/** Throws a DataError naming the first field that breaks the state's invariants. */
export function validateState(state: BatchNormState, source = 'state'): void {
  const fail = (what: string): never => {
    throw new DataError(`${source}: ${what}`);
  };
  const size = state.features.length;
  if (size === 0) fail('"features" is empty: a state needs at least one feature');
  const seen = new Set<string>();
  for (const name of state.features) {
    if (typeof name !== 'string' || name === '') fail('"features" must hold non-empty strings');
    if (seen.has(name)) fail(`feature "${name}" appears twice in "features"`);
    seen.add(name);
  }
  if (!Number.isFinite(state.eps) || state.eps < 0) fail(`"eps" must be a finite number >= 0 (got ${state.eps})`);
  const m = state.momentum;
  if (m !== null && !(Number.isFinite(m) && m > 0 && m <= 1)) fail(`"momentum" must be in (0, 1] or null (got ${m})`);

  const vector = (name: string, values: Float64Array | null, present: boolean, because: string): void => {
    if (!present) {
      if (values !== null) fail(`"${name}" must be null when ${because} is false`);
      return;
    }
    if (values === null) fail(`"${name}" is missing (${because} is true)`);
    if (values!.length !== size) fail(`"${name}" has ${formatCount(values!.length)} values, expected ${formatCount(size)} (one per feature)`);
    for (let i = 0; i < size; i++) {
      if (!Number.isFinite(values![i])) fail(`"${name}" of feature "${state.features[i]}" is ${values![i]}, not a finite number`);
    }
  };
  vector('running_mean', state.runningMean, state.trackRunningStats, 'track_running_stats');
  vector('running_var', state.runningVar, state.trackRunningStats, 'track_running_stats');
  vector('weight', state.weight, state.affine, 'affine');
  vector('bias', state.bias, state.affine, 'affine');
  const rv = state.runningVar;
  if (rv) {
    for (let i = 0; i < size; i++) {
      if (rv[i]! < 0) fail(`"running_var" of feature "${state.features[i]}" is negative (${rv[i]})`);
      if (!(rv[i]! + state.eps > 0)) fail(`"running_var" + "eps" of feature "${state.features[i]}" is 0: nothing to divide by`);
    }
  }
  const nbt = state.numBatchesTracked;
  if (state.trackRunningStats) {
    if (!(Number.isSafeInteger(nbt) && nbt! >= 0)) fail(`"num_batches_tracked" must be an integer >= 0 (got ${nbt})`);
  } else if (nbt !== null) {
    fail('"num_batches_tracked" must be null when track_running_stats is false');
  }
}
