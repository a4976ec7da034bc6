/**
 * The training loop of a fit: epochs of batches over the inputs, in order or
 * shuffled, recording the trajectory and (for a report) a sample of the
 * values seen.
 */
import type { NanPolicy } from '../core/batch-moments.js';
import { fitBatch } from '../core/batch-norm.js';
import { Batcher, type Chunk } from '../core/batcher.js';
import { DataError } from '../core/errors.js';
import { countOf, formatCount } from '../core/format-count.js';
import type { BatchNormState } from '../core/state.js';
import { MAX_TRAJECTORY_FEATURES, TrajectoryRecorder } from '../core/trajectory.js';
import type { InputSeries } from './input-series.js';
import type { Spelling } from './options.js';
import type { SampleCollector } from './report-data.js';
import { runChannelEpochs } from './fit-jobs.js';
import { type ShuffleOptions, ShuffledInputs } from './shuffled-inputs.js';

/** What the loop needs besides the state. */
export interface EpochOptions {
  batchSize: number;
  epochs: number;
  dropLast: boolean;
  nan: NanPolicy;
  shuffle: ShuffleOptions | undefined;
  /** Collects the first epoch's values for a report. */
  samples: SampleCollector | undefined;
  /** Called after every chunk read. */
  onProgress?: ((counts: EpochCounts) => void) | undefined;
  /** Stops the loop between chunks, with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** How messages name settings. */
  spell: Spelling;
  /** Threads a fit of random-access files may train on (default 1). */
  jobs?: number | undefined;
}

/** Rows read and batches trained on since the start, and where the loop is. */
export interface EpochCounts {
  rows: number;
  batches: number;
  epoch: number;
  epochs: number;
}

/** The state after the epochs, with rows per epoch and batches trained on. */
export interface EpochsResult {
  state: BatchNormState;
  rows: number;
  batches: number;
}

/** Trains `state` over the inputs for the given epochs. */
export async function runEpochs(series: InputSeries, initial: BatchNormState, options: EpochOptions): Promise<EpochsResult> {
  // Files that can be read a chunk at a time are read column by column; shuffled reads and streams go row by row.
  const files = options.shuffle ? undefined : await series.randomAccessFiles();
  if (files && !(await smallArrowBatches(series, files))) {
    const result = await runChannelEpochs(series, files, initial, { ...options, jobs: options.jobs ?? 1 });
    checkCounts(series, result.rows, result.batches, options);
    return result;
  }
  return runRowEpochs(series, initial, options);
}

/**
 * Arrow IPC files whose record batches are small are read a batch at a
 * time, every column at once: one read per batch beats one per column, and
 * a batch under ROW_WISE_ARROW_BYTES is little memory (the first file's
 * batches decide).
 */
const ROW_WISE_ARROW_BYTES = 64 << 20;

async function smallArrowBatches(series: InputSeries, files: readonly { format: string }[]): Promise<boolean> {
  return files.every((f) => f.format === 'arrow') && ((await series.first()).largestChunkBytes ?? Infinity) <= ROW_WISE_ARROW_BYTES;
}

/** The errors of a fit that read no rows, or trained on no batch. */
function checkCounts(series: InputSeries, rows: number, batches: number, options: EpochOptions): void {
  if (rows === 0) throw new DataError(`no rows to fit in ${series.names.join(', ')}`);
  if (batches === 0) {
    const { spell, batchSize } = options;
    throw new DataError(`no batch to train on: ${countOf(rows, 'row')} ${rows === 1 ? 'is' : 'are'} fewer than ${spell('batchSize')} ${formatCount(batchSize)}, and ${spell('dropLast')} drops the short batch`);
  }
}

/** The loop over feature chunks of every column at once (streams, and shuffled reads). */
async function runRowEpochs(series: InputSeries, initial: BatchNormState, options: EpochOptions): Promise<EpochsResult> {
  let state = initial;
  const { batchSize, epochs, shuffle } = options;
  const channels = state.features.length;
  const recorder = channels <= MAX_TRAJECTORY_FEATURES ? new TrajectoryRecorder(channels, state.trajectory) : undefined;
  // Shuffled reads decode one row group at a time on this thread (readChunk): decoder threads would only sit idle, per file.
  const shuffled = shuffle ? new ShuffledInputs((i) => series.openAt(i, { threads: 0 }), series.count) : undefined;
  let rows = 0;
  let seen = 0;
  let batches = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      recorder?.startEpoch(state);
      const batcher = new Batcher({ batchSize, dropLast: options.dropLast });
      rows = 0;
      const onRows = (n: number) => {
        rows += n;
        seen += n;
      };
      const describeRow = shuffle ? (row: number) => `shuffled row ${formatCount(row)} of epoch ${formatCount(epoch)}` : (row: number) => series.describeRow(row);
      const step = { nan: options.nan, describeRow };
      const train = (batch: Parameters<typeof fitBatch>[1]) => {
        state = fitBatch(state, batch, step);
        recorder?.record(state);
        batches++;
      };
      const source: AsyncIterable<Chunk> = shuffled
        ? shuffled.pass(state, epoch, shuffle!, options.nan, (reader, i) => series.validate(reader, state.features, i), onRows)
        : series.pass(state.features, onRows);
      for await (const chunk of source) {
        options.signal?.throwIfAborted();
        if (epoch === 1) options.samples?.add(chunk);
        for (const batch of batcher.push(chunk)) train(batch);
        options.onProgress?.({ rows: seen, batches, epoch, epochs });
      }
      const last = batcher.finish();
      if (last) {
        train(last);
        options.onProgress?.({ rows: seen, batches, epoch, epochs });
      }
      checkCounts(series, rows, batches, options);
    }
  } finally {
    await shuffled?.close();
  }
  return { state: recorder ? { ...state, trajectory: recorder.finish(state) } : { ...state, trajectory: undefined }, rows, batches };
}
