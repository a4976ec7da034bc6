/**
 * A fit read column chunk by column chunk: for files that can be read a
 * chunk at a time (Parquet row groups, Arrow IPC file record batches), each
 * channel reads only its own column of each chunk, and trains its own
 * one-channel state (channel-split.ts) through its own Batcher. Batch
 * boundaries are row numbers of the stream, the same for every column, so
 * the joined state is the state of the row-wise loop (epochs.ts) bit for bit.
 * Memory is one column of one chunk, plus each channel's rows of a batch
 * that straddles chunks.
 *
 * The same function runs on the main thread or, for a share of the
 * channels, on a worker thread (fit-jobs.ts).
 *
 * Errors are the row-wise loop's, exactly: which one a fit reports when
 * several things are wrong follows the row-wise order (open a file, decode
 * a chunk's columns, train the batches it completes in batch order: every
 * channel's moments, then every channel's count check). Each error carries
 * that position as a key, and the smallest key wins, whichever channel or
 * thread met it first.
 */
import { type ChannelMoments, channelMoments, type NanPolicy, requireTwoIn, type StepOptions } from '../core/batch-moments.js';
import { ema, emaFactor, unbiasedVar } from '../core/batch-norm.js';
import { type Batch, Batcher } from '../core/batcher.js';
import { channelState } from '../core/channel-split.js';
import type { ColumnData } from '../core/column.js';
import type { BatchNormState } from '../core/state.js';
import { TrajectoryRecorder } from '../core/trajectory.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { columnOf } from '../io/dataset/column-of.js';
import { columnData, type Feature } from '../io/dataset/features.js';
import { project } from '../io/dataset/projection.js';
import { RowOrigins } from '../io/dataset/row-origins.js';
import { resolveFeatures } from '../io/dataset/select-features.js';
import type { InputSeries } from './input-series.js';
import { compareKeys, DECODE, type ErrorKey, KeyedError, OPEN, TRAIN } from './error-keys.js';
import type { DataWarnings } from './warnings.js';

/** What a share of the channels trains with. */
export interface ChannelSettings {
  batchSize: number;
  epochs: number;
  dropLast: boolean;
  nan: NanPolicy;
  /** Whether a trajectory is recorded. */
  trajectory: boolean;
}

/** Callbacks of a channel fit. */
export interface ChannelHooks {
  /**
   * After every chunk position: rows of the stream read so far, over every
   * epoch, batches trained on, and the position done (no error before it is
   * left to report).
   */
  onRows?: ((rows: number, batches: number, epoch: number, position: number) => void) | undefined;
  /** The first epoch's values of channel `c` (an index into the state's features), chunk by chunk, for a report. */
  onValues?: ((c: number, column: ColumnData) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** The trained channels (one-channel states, in the order asked), rows of the last epoch, and batches trained on. */
export interface ChannelOutcome {
  parts: BatchNormState[];
  rows: number;
  batches: number;
}


/**
 * One channel's training: its running statistics (updated in place, with
 * batch-norm.ts's formulas), batcher, trajectory and first error.
 */
class Channel {
  /** The one-channel state: settings and names for messages (its statistics are the fields below until finished). */
  readonly base: BatchNormState;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  tracked: number;
  batcher!: Batcher;
  readonly recorder: TrajectoryRecorder | undefined;
  feature: Feature | undefined;
  /** Position of the column in the schema of the file being read. */
  schemaIndex = 0;
  failed: KeyedError | undefined;
  /** Batches trained on, over every epoch. */
  trained = 0;
  private readonly moments: ChannelMoments = { count: 0, mean: 0, m2: 0 };

  constructor(
    readonly c: number,
    state: BatchNormState,
    trajectory: boolean,
  ) {
    this.base = channelState(state, c);
    if (!this.base.trackRunningStats) throw new Error('a fit needs running statistics');
    this.mean = Float64Array.from(this.base.runningMean!);
    this.variance = Float64Array.from(this.base.runningVar!);
    this.tracked = this.base.numBatchesTracked!;
    this.recorder = trajectory ? new TrajectoryRecorder(1, this.base.trajectory) : undefined;
  }

  /** The state now. */
  get state(): BatchNormState {
    return { ...this.base, runningMean: this.mean, runningVar: this.variance, numBatchesTracked: this.tracked };
  }

  /**
   * fitBatch for one channel, in its two steps: the row-wise loop computes
   * every channel's moments (and meets NaN there) before it checks any
   * channel's count.
   */
  train(batch: Batch, options: StepOptions, key: (batch: number) => ErrorKey): void {
    if (this.failed) return;
    this.trained++;
    const m = this.moments;
    try {
      channelMoments(this.base, batch, 0, options, m);
    } catch (error) {
      this.failed = new KeyedError([...key(batch.index), 0, this.c], error);
      return;
    }
    try {
      requireTwoIn(this.base, batch, 0, m.count, options);
    } catch (error) {
      this.failed = new KeyedError([...key(batch.index), 1, this.c], error);
      return;
    }
    const f = emaFactor(this.base.momentum, ++this.tracked);
    this.mean[0] = ema(f, m.mean, this.mean[0]!);
    this.variance[0] = ema(f, unbiasedVar(m.m2, m.count), this.variance[0]!);
    this.recorder?.recordAt(this.tracked, this.mean, this.variance);
  }
}

/** Trains channels `channels` of `state` over the series, column chunk by column chunk. Throws a KeyedError. */
export async function fitChannels(
  series: InputSeries,
  state: BatchNormState,
  channels: readonly number[],
  settings: ChannelSettings,
  warnings: DataWarnings | undefined,
  hooks: ChannelHooks = {},
): Promise<ChannelOutcome> {
  const mine = channels.map((c) => new Channel(c, state, settings.trajectory));
  const names = state.features;
  let seen = 0;
  let rows = 0;
  const origins = new RowOrigins();
  const step: StepOptions = { nan: settings.nan, describeRow: (row: number) => origins.describe(row) };
  const fail = () => {
    const first = mine.reduce<KeyedError | undefined>((a, ch) => (ch.failed && (!a || compareKeys(ch.failed.key, a.key) < 0) ? ch.failed : a), undefined);
    if (first) throw first;
  };
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    for (const ch of mine) {
      ch.recorder?.startEpoch(ch.state);
      ch.batcher = new Batcher({ batchSize: settings.batchSize, dropLast: settings.dropLast });
    }
    origins.clear();
    rows = 0;
    let position = 0;
    for (let i = 0; i < series.count; i++) {
      let reader: DatasetReader;
      try {
        reader = await series.openAt(i, { threads: 0 });
      } catch (error) {
        throw new KeyedError([epoch, position, OPEN], error);
      }
      try {
        try {
          series.validate(reader, names, i);
          for (const ch of mine) {
            const name = names[ch.c]!;
            ch.feature = resolveFeatures(project(reader.schema, [name]).schema, [name], reader.name)[0];
            ch.schemaIndex = reader.schema.fields.findIndex((f) => f.name === name);
          }
        } catch (error) {
          throw new KeyedError([epoch, position, OPEN], error);
        }
        origins.start(reader.name, rows);
        const chunks = reader.chunkCount ?? 0;
        for (let k = 0; k < chunks; k++, position++) {
          hooks.signal?.throwIfAborted();
          let chunkRows = 0;
          for (const [j, ch] of mine.entries()) {
            if (ch.failed) continue;
            // The next column chunk is read while this one decodes.
            if (j + 1 < mine.length) reader.prefetchColumn?.(k, names[mine[j + 1]!.c]!);
            else if (k + 1 < chunks) reader.prefetchColumn?.(k + 1, names[mine[0]!.c]!);
            const feature = { ...ch.feature!, index: 0 };
            const train = (batch: Batch) => ch.train(batch, step, (b) => [epoch, position, TRAIN, b]);
            let rowsRead = 0;
            try {
              // Page by page where the reader can (Parquet), else the column of the whole chunk. A piece
              // is done with before the next is read (the batcher copies the rows it keeps), unless
              // onValues keeps its values.
              for await (const piece of columnOf(reader, k, names[ch.c]!, !hooks.onValues)) {
                rowsRead += piece.numRows;
                warnings?.check(piece, [feature], reader.name);
                const column = columnData(piece.data.children[0]!, ch.feature!);
                if (epoch === 1) hooks.onValues?.(ch.c, column);
                // After a training error the chunk is still read to its end: a decoding error in it comes first.
                for (const batch of ch.batcher.push({ rows: piece.numRows, columns: [column] })) train(batch);
              }
            } catch (error) {
              const failed = new KeyedError([epoch, position, DECODE, ch.schemaIndex, ch.c], error);
              const trained = ch.failed as KeyedError | undefined; // set by train() in the loop
              if (!trained || compareKeys(failed.key, trained.key) < 0) ch.failed = failed;
              continue;
            }
            chunkRows = rowsRead;
          }
          fail();
          rows += chunkRows;
          seen += chunkRows;
          hooks.onRows?.(seen, mine[0]!.trained, epoch, position);
        }
      } finally {
        await reader.close();
      }
    }
    for (const ch of mine) {
      const last = ch.batcher.finish();
      if (last) ch.train(last, step, (b) => [epoch, position, TRAIN, b]);
    }
    fail();
    hooks.onRows?.(seen, mine[0]!.trained, epoch, position);
    // The caller says why a fit without rows or batches stops, as the row-wise loop does after its first epoch.
    if (rows === 0 || mine[0]!.trained === 0) break;
  }
  const parts = mine.map((ch) => (ch.recorder ? { ...ch.state, trajectory: ch.recorder.finish(ch.state) } : { ...ch.state, trajectory: undefined }));
  return { parts, rows, batches: mine[0]!.trained };
}
