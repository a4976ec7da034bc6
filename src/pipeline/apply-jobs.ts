/**
 * Feature column chunks of an apply normalized and encoded on worker
 * threads (apply-worker.ts), a few ahead of the writer, which takes them in
 * file order: the bytes are those the main thread would encode (pages hold
 * no file offsets), so the output is the same for any number of jobs, and
 * so is the error (the first column in file order that has one). At most
 * AHEAD_PER_THREAD chunks per thread are in flight or waiting.
 */
import { Worker } from 'node:worker_threads';
import type { NanPolicy } from '../core/batch-moments.js';
import type { BatchNormState } from '../core/state.js';
import type { FeatureDtype } from '../io/dataset/features.js';
import type { WriteCodec } from '../io/parquet/codecs.js';
import type { EncodedColumn } from '../io/parquet/column-encode.js';
import type { ColumnPart } from '../io/parquet/write.js';
import type { HttpSession, HttpSessionData } from '../io/files/http-session.js';
import type { ApplyFile, ColumnJobs } from './apply-columns.js';
import { rebuildError, type ThreadError, threadsFor, workerScript } from './worker-threads.js';
import type { DataWarnings } from './warnings.js';

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

export type ApplyJobMessage =
  | { warning: string }
  | { id: number; bytes: Uint8Array; chunks: EncodedColumn['chunks'][number][] }
  | { id: number; error: ThreadError };

const AHEAD_PER_THREAD = 2;

/** Worker threads for an apply of `files`, or undefined when one thread is asked for, the input is small, or there is no worker script. */
export async function startColumnJobs(jobs: number, files: readonly string[], init: ApplyJobInit, warnings: DataWarnings, http?: HttpSession): Promise<(ColumnJobs & { close(): Promise<void> }) | undefined> {
  const script = workerScript('apply-worker');
  if (!script || files.includes('-')) return undefined;
  const threads = await threadsFor(files, jobs, http);
  if (threads < 2) return undefined;
  const workers = Array.from({ length: threads }, () => new Worker(script, { workerData: init }));
  const waiting = new Map<number, { resolve: (part: ColumnPart) => void; reject: (error: Error) => void }>();
  const fail = (error: Error) => {
    for (const job of waiting.values()) job.reject(error);
    waiting.clear();
  };
  for (const worker of workers) {
    worker.on('message', (message: ApplyJobMessage) => {
      if ('warning' in message) return warnings.relay(message.warning);
      const job = waiting.get(message.id);
      waiting.delete(message.id);
      if ('error' in message) job?.reject(rebuildError(message.error));
      else job?.resolve({ bytes: message.bytes, chunks: message.chunks });
    });
    worker.on('error', fail);
  }
  let file: ApplyFile | undefined;
  let order: [number, number, number][] = [];
  let next = 0;
  let id = 0;
  const submitted = new Map<string, Promise<ColumnPart>>();
  const submit = () => {
    const [g, c, k] = order[next]!;
    const task: ApplyTask = { id: id++, path: file!.path, name: file!.reader.name, startRow: file!.startRow, groups: file!.groups, g, c, k };
    const part = new Promise<ColumnPart>((resolve, reject) => waiting.set(task.id, { resolve, reject }));
    part.catch(() => undefined); // taken (and awaited) in file order; one never taken must not be unhandled
    submitted.set(`${g}:${c}`, part);
    workers[next++ % threads]!.postMessage(task);
  };
  const fill = () => {
    while (submitted.size < threads * AHEAD_PER_THREAD && next < order.length) submit();
  };
  return {
    startFile(opened, features) {
      file = opened;
      const columns = [...features].sort((a, b) => a[0] - b[0]);
      order = opened.groups.flatMap((_, g) => columns.map(([c, k]): [number, number, number] => [g, c, k]));
      next = 0;
      fill();
    },
    async take(g, c) {
      const key = `${g}:${c}`;
      while (!submitted.has(key) && next < order.length) submit();
      const part = submitted.get(key)!;
      submitted.delete(key);
      fill();
      return part;
    },
    async close() {
      fail(new Error('apply workers stopped'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
