/**
 * The epochs of a fit over files read column chunk by column chunk
 * (channel-fit.ts), on this thread or spread over threads: with N jobs,
 * this thread and N - 1 workers each train a share of the channels (round
 * robin) over every file and epoch, and the shares are joined
 * (channel-split.ts). A channel's numbers do not depend on which thread
 * trained it, so the state is the same for every number of jobs, bit for
 * bit, and so is the error a fit reports: the one first in the row-wise
 * order (channel-fit.ts). A share that has read past an error another one
 * met cannot find an earlier one, and is stopped.
 *
 * Workers start only when the work pays for them (worker-threads.ts).
 */
import { Worker } from 'node:worker_threads';
import { joinChannels } from '../core/channel-split.js';
import type { ColumnData } from '../core/column.js';
import type { BatchNormState } from '../core/state.js';
import { MAX_TRAJECTORY_FEATURES } from '../core/trajectory.js';
import { type ChannelOutcome, type ChannelSettings, fitChannels } from './channel-fit.js';
import { compareKeys, KeyedError } from './error-keys.js';
import type { EpochOptions, EpochsResult } from './epochs.js';
import type { HttpSessionData } from '../io/files/http-session.js';
import type { InputSeries } from './input-series.js';
import { bytesPerWorker, FIT_BYTES_PER_WORKER, rebuildError, type ThreadError, threadsFor, WORKER_LIMITS, workerScript } from './worker-threads.js';

/** A worker's share of a fit. */
export interface FitJob {
  files: { path: string; name: string }[];
  /** The run's http(s) session, for inputs that are URLs. */
  http: HttpSessionData;
  state: BatchNormState;
  channels: number[];
  settings: ChannelSettings;
}

/** What a worker posts: where it is, a warning, its outcome or its error. */
export type FitJobMessage =
  | { rows: number; batches: number; epoch: number; position: number }
  | { warning: string }
  | { outcome: ChannelOutcome }
  | { error: ThreadError & { key: number[] } };

/** Trains `initial` over random-access files, column chunk by column chunk, on at most `jobs` threads. */
export async function runChannelEpochs(series: InputSeries, files: FitJob['files'], initial: BatchNormState, options: EpochOptions & { jobs: number }): Promise<EpochsResult> {
  const channels = initial.features.length;
  const settings: ChannelSettings = {
    batchSize: options.batchSize, epochs: options.epochs, dropLast: options.dropLast, nan: options.nan, trajectory: channels <= MAX_TRAJECTORY_FEATURES,
  };
  const all = Array.from({ length: channels }, (_, c) => c);
  const script = workerScript('fit-worker');
  const threads = options.samples || !script ? 1 : Math.min(channels, await threadsFor(files.map((f) => f.path), options.jobs, series.http, bytesPerWorker(process.env, FIT_BYTES_PER_WORKER)));
  const onRows = (rows: number, batches: number, epoch: number) => options.onProgress?.({ rows, batches, epoch, epochs: options.epochs });
  const shares = Array.from({ length: threads }, (_, w) => all.filter((c) => c % threads === w));
  let outcomes: ChannelOutcome[];
  try {
    if (threads === 1) {
      const samples = options.samples;
      const onValues = samples && ((c: number, column: ColumnData) => samples.addColumn(c, column));
      outcomes = [await fitChannels(series, initial, all, settings, series.warnings, { signal: options.signal, onRows, onValues })];
    } else {
      await series.close();
      const http = series.http.data();
      outcomes = await runWorkers(script!, shares.map((share) => ({ files, http, state: initial, channels: share, settings })), series, options.signal, onRows);
    }
  } catch (error) {
    throw error instanceof KeyedError ? error.error : error;
  }
  const parts: BatchNormState[] = new Array(channels);
  shares.forEach((share, w) => share.forEach((c, k) => (parts[c] = outcomes[w]!.parts[k]!)));
  const { rows, batches } = outcomes[0]!;
  return { state: joinChannels(initial, parts), rows, batches };
}

interface Running {
  /** Ends it early: a worker is terminated and settles at once; the share on this thread is aborted and settles when it has stopped. */
  stop(): void;
  /** Terminates a worker, aborts the share on this thread. */
  kill(): void;
  /** [epoch, position] done. */
  at: [number, number];
  settled: boolean;
}

/**
 * Runs the first job on this thread and every other on a worker of its own;
 * resolves to their outcomes, or rejects with the first error (by key) any met.
 */
function runWorkers(script: URL, jobs: readonly FitJob[], series: InputSeries, signal: AbortSignal | undefined, onRows: (rows: number, batches: number, epoch: number) => void): Promise<ChannelOutcome[]> {
  return new Promise((resolve, reject) => {
    const outcomes: ChannelOutcome[] = [];
    const errors: KeyedError[] = [];
    const rows = jobs.map(() => 0);
    let left = jobs.length;
    let shown = 0;
    const running: Running[] = [];
    const first = () => errors.reduce((a, b) => (compareKeys(b.key, a.key) < 0 ? b : a));
    const end = (r: Running, fn: () => void) => {
      if (r.settled) return;
      r.settled = true;
      fn();
      r.kill();
      if (--left > 0) return stopPassed();
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) reject(signal.reason);
      else if (errors.length) reject(first());
      else resolve(outcomes);
    };
    // A share that has read past the first error found cannot find one before it.
    const stopPassed = () => {
      if (!errors.length) return;
      const key = first().key;
      for (const r of running) if (compareKeys(r.at, key.slice(0, 2)) >= 0) r.stop();
    };
    const abort = () => running.forEach((r) => r.stop());
    signal?.addEventListener('abort', abort, { once: true });
    const progress = (r: Running, w: number, message: { rows: number; batches: number; epoch: number; position: number }) => {
      r.at = [message.epoch, message.position];
      rows[w] = message.rows;
      const least = Math.min(...rows);
      if (least > shown) onRows((shown = least), message.batches, message.epoch);
      stopPassed();
    };
    // This thread's share: stopped through its signal, it settles when fitChannels has returned.
    const stopped = new AbortController();
    const local: Running = { stop: () => stopped.abort(), kill: () => stopped.abort(), at: [0, -1], settled: false };
    running.push(local);
    fitChannels(series, jobs[0]!.state, jobs[0]!.channels, jobs[0]!.settings, series.warnings, {
      signal: stopped.signal,
      onRows: (rows, batches, epoch, position) => progress(local, 0, { rows, batches, epoch, position }),
    }).then(
      (outcome) => end(local, () => (outcomes[0] = outcome)),
      (error: unknown) => end(local, () => stopped.signal.aborted || errors.push(error instanceof KeyedError ? error : new KeyedError([Infinity], error))),
    );
    jobs.slice(1).forEach((job, k) => {
      const w = k + 1;
      const worker = new Worker(script, { workerData: job, resourceLimits: WORKER_LIMITS });
      const r: Running = { stop: () => end(r, () => {}), kill: () => void worker.terminate(), at: [0, -1], settled: false };
      running.push(r);
      worker.on('message', (message: FitJobMessage) => {
        if ('rows' in message) progress(r, w, message);
        else if ('warning' in message) series.warnings?.relay(message.warning);
        else if ('outcome' in message) end(r, () => (outcomes[w] = message.outcome));
        else end(r, () => errors.push(new KeyedError(message.error.key, rebuildError(message.error))));
      });
      worker.on('error', (error) => end(r, () => errors.push(new KeyedError([Infinity], error))));
      worker.on('exit', (code) => end(r, () => errors.push(new KeyedError([Infinity], new Error(`a fit worker stopped with exit code ${code}`)))));
    });
  });
}
