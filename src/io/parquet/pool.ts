/**
 * Threads that decode Parquet row groups: each runs parquet-worker.mjs,
 * opens the file itself and decodes the row groups it is given with the same
 * code as the main thread, so results are identical; the decoded buffers are
 * moved back, not copied. The main thread keeps batches in file order.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DataError } from '../../core/errors.js';
import type { Data, DataType } from 'apache-arrow';
import { fromPlain, type PlainData } from '../arrow/data-transfer.js';

/** A decoding request, and its answer. */
export interface DecodeRequest {
  id: number;
  path: string;
  name: string;
  group: number;
  /** Indices into the reader's schema (names can repeat). */
  columns: readonly number[];
}
export type DecodeAnswer = { id: number; columns: PlainData[] } | { id: number; error: string; dataError: boolean };

/** Running decoder threads. */
export interface DecodePool {
  readonly size: number;
  /** Columns `columns` (schema indices) of one row group. */
  decode(path: string, name: string, group: number, columns: readonly number[]): Promise<PlainData[]>;
  /** Stops the threads; jobs still running fail. */
  close(): Promise<void>;
}

/** The worker script beside the bundled CLI (dist/), if there is one; from TypeScript sources there is none. */
function workerScript(): URL | undefined {
  for (const relative of ['./parquet-worker.mjs', '../../parquet-worker.mjs']) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(url)) return url;
  }
  return undefined;
}

/** Starts `size` decoder threads, or returns undefined when the worker script is not available. */
export function startPool(size: number, scriptUrl?: URL): DecodePool | undefined {
  const script = scriptUrl ?? workerScript();
  if (!script || size < 1) return undefined;
  const jobs = new Map<number, { resolve: (c: PlainData[]) => void; reject: (e: Error) => void }>();
  const load = new Map<Worker, number>();
  let next = 0;
  const fail = (error: Error) => {
    for (const job of jobs.values()) job.reject(error);
    jobs.clear();
  };
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(script);
    worker.unref();
    load.set(worker, 0);
    worker.on('message', (answer: DecodeAnswer) => {
      load.set(worker, load.get(worker)! - 1);
      const job = jobs.get(answer.id);
      jobs.delete(answer.id);
      if (!job) return;
      if ('error' in answer) job.reject(answer.dataError ? new DataError(answer.error) : new Error(answer.error));
      else job.resolve(answer.columns);
    });
    worker.on('error', (error) => fail(error));
    return worker;
  });
  return {
    size,
    decode(path, name, group, columns) {
      const id = next++;
      const worker = workers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
      load.set(worker, load.get(worker)! + 1);
      return new Promise<PlainData[]>((resolve, reject) => {
        jobs.set(id, { resolve, reject });
        worker.postMessage({ id, path, name, group, columns } satisfies DecodeRequest);
      });
    },
    async close() {
      fail(new Error('decoder threads stopped'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Columns `columns` of row groups `groups` decoded by the pool's threads, a few ahead, yielded in file order with their Arrow `types`. */
export async function* decodedInPool(
  pool: DecodePool, path: string, name: string, groups: readonly number[], columns: readonly number[], types: readonly DataType[],
): AsyncGenerator<[number, Data[]]> {
  const ahead = pool.size + 1;
  const pending: Promise<PlainData[]>[] = [];
  const schedule = (k: number) => {
    const job = pool.decode(path, name, groups[k]!, columns);
    job.catch(() => undefined); // awaited below; a job left behind by an early stop must not be unhandled
    pending[k] = job;
  };
  for (let k = 0; k < Math.min(ahead, groups.length); k++) schedule(k);
  for (let k = 0; k < groups.length; k++) {
    const plain = await pending[k]!;
    delete pending[k];
    if (k + ahead < groups.length) schedule(k + ahead);
    yield [groups[k]!, plain.map((p, c) => fromPlain(types[c]!, p))];
  }
}
