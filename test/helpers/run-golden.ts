/** Runs a golden case through the core the way `bn1d fit` / `apply` do. */
import type { Chunk } from '../../src/core/batcher.js';
import { fitBatch } from '../../src/core/batch-norm.js';
import { normalizeBatch } from '../../src/core/normalize.js';
import { type BatchNormState, createState, validateState } from '../../src/core/state.js';
import { batchesOf, rechunk } from './chunks.js';
import { type Golden, goldenColumn } from './goldens.js';

export interface GoldenRun {
  state: BatchNormState;
  /** Training-mode output of the first epoch, flat per column (NaN where a row was dropped). */
  train: Float64Array[];
  /** Eval-mode output with the fitted state (batch statistics without running stats). */
  evals: Float64Array[];
}

/** The golden's initial state: PyTorch defaults, or the weights and buffers it starts from. */
export function initialState(golden: Golden): BatchNormState {
  const c = golden.config;
  const base = createState({
    features: Array.from({ length: c.num_features }, (_, i) => `c${i}`),
    eps: c.eps,
    momentum: c.momentum,
    affine: c.affine,
    trackRunningStats: c.track_running_stats,
  });
  const vec = (v: number[] | null) => (v === null ? null : Float64Array.from(v));
  const state = {
    ...base,
    weight: vec(golden.initial.weight),
    bias: vec(golden.initial.bias),
    runningMean: vec(golden.initial.running_mean),
    runningVar: vec(golden.initial.running_var),
    numBatchesTracked: golden.initial.num_batches_tracked,
  };
  validateState(state);
  return state;
}

/** The golden's input, cut into chunks of `chunkRows` rows (all rows in one chunk by default). */
export function goldenChunks(golden: Golden, chunkRows = Infinity): Chunk[] {
  const columns = golden.input.map((rows) => goldenColumn(golden, rows));
  const whole: Chunk = { rows: golden.input[0]!.length, columns };
  return Number.isFinite(chunkRows) ? rechunk(whole, [chunkRows]) : [whole];
}

function outputs(chunks: Chunk[]): Float64Array[] {
  return chunks[0]!.columns.map((_, k) => new Float64Array(chunks.reduce((n, ch) => n + ch.columns[k]!.values.length, 0)).fill(NaN));
}

/** Fit over the epochs, then eval, as bn1d does; train outputs from the first epoch. */
export function runGolden(golden: Golden, chunkRows = Infinity): GoldenRun {
  const c = golden.config;
  const chunks = goldenChunks(golden, chunkRows);
  let state = initialState(golden);
  const train = outputs(chunks);
  for (let epoch = 0; epoch < c.epochs; epoch++) {
    let at = train.map(() => 0);
    for (const batch of batchesOf(chunks, c.batch_size, c.drop_last)) {
      if (epoch === 0) {
        const outs = batch.columns.map((col, k) => train[k]!.subarray(at[k]!, at[k]! + col.values.length));
        normalizeBatch(state, batch, outs, { training: true });
        at = at.map((a, k) => a + batch.columns[k]!.values.length);
      }
      state = fitBatch(state, batch);
    }
  }
  const evals = outputs(chunks);
  let at = evals.map(() => 0);
  for (const batch of batchesOf(chunks, c.batch_size, false)) {
    const outs = batch.columns.map((col, k) => evals[k]!.subarray(at[k]!, at[k]! + col.values.length));
    normalizeBatch(state, batch, outs);
    at = at.map((a, k) => a + batch.columns[k]!.values.length);
  }
  return { state, train, evals };
}
