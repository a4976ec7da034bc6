/**
 * Feature column chunks of an apply normalized and encoded on worker
 * threads (apply-worker.ts), handed to the writer in file order. A worker
 * is given the next chunk in file order whenever it has none, and sends
 * its pages back a run at a time as it encodes them (chunk-runs.ts): the
 * writer writes the runs of the chunk it is at as they come, and keeps
 * those of the chunks after it until it gets there. A worker may have at
 * most AHEAD_BYTES of runs sent and not yet written (one run, whatever its
 * size, when it has none), and waits for the writer beyond: what is in
 * flight is a few pages per thread, not chunks. The bytes are those the
 * main thread would write (pages hold no file offsets), so the output is
 * the same for any number of jobs, and so is the error (the first chunk in
 * file order that has one).
 */
import { Worker } from 'node:worker_threads';
import type { NanPolicy } from '../core/batch-moments.js';
import type { BatchNormState } from '../core/state.js';
import type { FeatureDtype } from '../io/dataset/features.js';
import type { WriteCodec } from '../io/parquet/codecs.js';
import type { ChunkOut } from '../io/parquet/file-write.js';
import type { HttpSession, HttpSessionData } from '../io/files/http-session.js';
import type { ApplyFile, ColumnJobs } from './apply-columns.js';
import { formatCount } from '../core/format-count.js';
import { type ChunkContext, makeChunk, RunSender } from './chunk-maker.js';
import { ChunkRuns } from './chunk-runs.js';
import { PartsWriter } from '../io/parquet/parts-writer.js';
import { rebuildError, type ThreadError, threadsFor, WORKER_LIMITS, workerRunning, workerScript } from './worker-threads.js';

/**
 * Bytes of encoded pages a maker may have handed over and not yet seen
 * written. A maker ahead of the writer can encode this much of its chunk
 * before it waits: a whole chunk of 1M float64 rows. On the wide table (1M
 * rows x 64 float64) at 2 threads, 4 MiB peaked at about 250 MB, 8 MiB at
 * 265 and 12 MiB at 285.
 */
export const AHEAD_BYTES = 8 << 20;

/**
 * Chunks a maker is given at once: the one it makes and the next, which it
 * starts as soon as it is done without waiting for the main thread to give
 * it one (on 480 KB chunks, a worker waited for the main thread's maker to
 * finish a chunk before it got its next). A chunk given is not started
 * before the one before it is made, so this holds no memory.
 */
const QUEUED = 2;

/** What every worker is given. */
export interface ApplyJobInit {
  /** The file whose schema the output has. */
  firstFile: string;
  /** The run's http(s) session, for inputs that are URLs. */
  http: HttpSessionData;
  state: BatchNormState;
  dtype: FeatureDtype | undefined;
  nan: NanPolicy;
  codec: WriteCodec;
  /** Bytes of runs sent and not yet written the worker waits beyond. */
  aheadBytes: number;
}

/** One feature column chunk to normalize and encode. */
export interface ApplyTask {
  id: number;
  path: string;
  name: string;
  startRow: number;
  groups: readonly number[];
  g: number;
  c: number;
  k: number;
}

/** From the main thread to a worker: a task, or one of its runs written (its length, and its buffer back). */
export type ApplyJobInput = ApplyTask | { written: number; buffer: ArrayBuffer };

/** From a worker: a warning, a run of a task's pages, its end, or its error. */
export type ApplyJobMessage =
  | { warning: string }
  | { id: number; run: Uint8Array }
  | { id: number; chunks: ChunkOut[] }
  | { id: number; error: ThreadError };

/** Makes the chunks it is given, one after another, into the runs of each. */
interface Maker {
  /** Makes `task`'s chunk of `file` (which the main thread has open) into `runs`. */
  make(task: ApplyTask, file: ApplyFile, runs: ChunkRuns): void;
  /** One of its runs that the writer has written. */
  written(run: Uint8Array): void;
}

/**
 * Makers for an apply of `files`: the main thread and `jobs - 1` worker
 * threads; undefined when one thread is asked for, the input is small, or
 * there is no worker script. `local` is what the main thread's maker needs.
 */
export async function startColumnJobs(
  jobs: number, files: readonly string[], init: Omit<ApplyJobInit, 'aheadBytes'>, local: ChunkContext, http?: HttpSession,
): Promise<(ColumnJobs & { close(): Promise<void> }) | undefined> {
  const script = workerScript('apply-worker');
  if (!script || files.includes('-')) return undefined;
  const threads = await threadsFor(files, jobs, http);
  if (threads < 2) return undefined;
  const workerData: ApplyJobInit = { ...init, aheadBytes: AHEAD_BYTES };
  const workers = Array.from({ length: threads - 1 }, () => new Worker(script, { workerData, resourceLimits: WORKER_LIMITS }));
  const byId = new Map<number, ChunkRuns>();
  // The main thread starts its work once the workers run: a worker's start sets V8's young-generation growth back
  // on for the whole process for a while, and the CLI's cap (src/cli/young-generation.ts) is set again at 'online'.
  // Starting at once, the main thread's new space grew to 16 MB in that while on 100M rows (apply peaked at 150 MB
  // against 165); the wait is ~0.1 s, 1.17 -> 1.23 s on 2M rows at two threads.
  try {
    await Promise.all(workers.map((worker) => workerRunning(worker, 'apply')));
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
  const makers: Maker[] = [mainThreadMaker(local, () => dispatch()), ...workers.map((worker): Maker => ({
    make(task, _, runs) {
      byId.set(task.id, runs);
      worker.postMessage(task satisfies ApplyJobInput);
    },
    written: (run) => worker.postMessage({ written: run.length, buffer: run.buffer as ArrayBuffer } satisfies ApplyJobInput, [run.buffer as ArrayBuffer]),
  }))];
  /** Each maker's chunks given and not made yet. */
  const busy: ChunkRuns[][] = makers.map(() => []);
  let file: ApplyFile | undefined;
  let order: [number, number, number][] = [];
  let next = 0;
  let id = 0;
  const given = new Map<string, ChunkRuns>();
  const give = (m: number) => {
    const [g, c, k] = order[next++]!;
    const task: ApplyTask = { id: id++, path: file!.path, name: file!.reader.name, startRow: file!.startRow, groups: file!.groups, g, c, k };
    const runs = new ChunkRuns(m, (run) => makers[m]!.written(run));
    given.set(`${g}:${c}`, runs);
    busy[m]!.push(runs);
    makers[m]!.make(task, file!, runs);
  };
  // Makers get the next chunks in file order, one at a time in turn, until each has QUEUED: one to make and the next, so that a maker never waits to be given one.
  const dispatch = () => {
    busy.forEach((runs, m) => (busy[m] = runs.filter((chunk) => !chunk.done)));
    for (let depth = 1; depth <= QUEUED; depth++) {
      for (let m = 0; m < makers.length && next < order.length; m++) if (busy[m]!.length < depth) give(m);
    }
  };
  const fail = (error: Error) => {
    for (const runs of given.values()) runs.fail(error);
    for (const runs of byId.values()) runs.fail(error);
    byId.clear();
  };
  workers.forEach((worker) => {
    worker.on('message', (message: ApplyJobMessage) => {
      if ('warning' in message) return local.warnings.relay(message.warning);
      const runs = byId.get(message.id);
      if (!runs) return;
      if ('run' in message) return runs.add(message.run);
      byId.delete(message.id);
      if ('error' in message) runs.fail(rebuildError(message.error));
      else runs.end(message.chunks);
      dispatch();
    });
    worker.on('error', fail);
  });
  return {
    startFile(opened, features) {
      file = opened;
      const columns = [...features].sort((a, b) => a[0] - b[0]);
      order = opened.groups.flatMap((_, g) => columns.map(([c, k]): [number, number, number] => [g, c, k]));
      next = 0;
      given.clear();
      dispatch();
    },
    async take(g, c) {
      const key = `${g}:${c}`;
      // Chunks are taken in file order, each once the one before is written, so this one was given out; if not, it goes to the first maker free.
      while (!given.has(key) && next < order.length) give(0);
      const runs = given.get(key)!;
      given.delete(key);
      return runs.part();
    },
    async close() {
      fail(new Error('apply workers stopped'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** The main thread's maker: chunks made between the writer's awaits. */
function mainThreadMaker(context: ChunkContext, ended: () => void): Maker {
  const sender = new RunSender(AHEAD_BYTES);
  const writer = new PartsWriter();
  let queue = Promise.resolve();
  const run = async (task: ApplyTask, file: ApplyFile, runs: ChunkRuns) => {
    try {
      const describeRow = (row: number) => `row ${formatCount(row - task.startRow)} of ${task.name}`;
      runs.end(await makeChunk({ file, g: task.g, c: task.c, k: task.k, describeRow }, context, writer, async () => {
        const run = await sender.take(writer);
        if (run) runs.add(run);
      }));
    } catch (error) {
      runs.fail(error instanceof Error ? error : new Error(String(error)));
    }
    ended();
  };
  return {
    make(task, file, runs) {
      queue = queue.then(() => run(task, file, runs));
    },
    written: (run) => sender.written(run.length, run.buffer as ArrayBuffer),
  };
}
