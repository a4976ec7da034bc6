/**
 * What fit's and apply's worker threads share: where their scripts are, how
 * many are worth starting, and errors sent between threads (a thread's
 * error arrives as plain data and is thrown again as the same kind).
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Bn1dError, DataError, type ErrorHint, UsageError } from '../core/errors.js';
import type { HttpSession } from '../io/files/http-session.js';
import { isHttpUrl } from '../io/files/http-url.js';

/**
 * Heap limits of fit's and apply's worker threads. V8 grows a thread's young
 * generation to 48 MB over a long run of short-lived batches, which holds
 * that much more memory for no speed they need: on 100M rows of 8 float32,
 * fit at --jobs 2 (then three threads, pretenuring off) took 209-215 MB
 * with V8's default and 164-166 MB with 6 MB, in about the same time.
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 } as const;

/**
 * Input bytes per worker below which one more is not worth starting. A
 * worker loads the bundle and opens the files itself: on 2M rows of 8
 * float32 (a 72 MB file) two threads took as long as one (0.54 s against
 * 0.53 s), on 16M rows (576 MB) 1.61 s against 2.2-2.6 s.
 */
export const MIN_BYTES_PER_WORKER = 48 << 20;

/**
 * The same for fit, whose work per byte (decoding, two sums) is less than
 * apply's (decoding, normalizing, encoding, writing): on 8M rows of 8
 * float32 (288 MB) two threads took 0.74 s against one's 0.70 s, on four
 * times that (1.15 GB) 1.56-1.64 s against 1.57, on 100M rows (3.6 GB)
 * 4.1-4.4 s against 5.0-5.5 (2026-12-03).
 */
export const FIT_BYTES_PER_WORKER = 512 << 20;

/** `fallback`, or BN1D_JOB_BYTES when set (the tests start threads on small files with it). */
export function bytesPerWorker(env: NodeJS.ProcessEnv = process.env, fallback = MIN_BYTES_PER_WORKER): number {
  const set = env.BN1D_JOB_BYTES?.trim();
  return set && /^\d+$/.test(set) ? Number(set) : fallback;
}

/** Threads worth starting for `jobs` asked over these files (http(s) URLs sized by `http`): at most `jobs`, one per `perWorker` bytes of input. */
export async function threadsFor(paths: readonly string[], jobs: number, http?: HttpSession, perWorker = bytesPerWorker()): Promise<number> {
  if (jobs <= 1) return 1;
  let bytes = 0;
  for (const path of paths) {
    if (http && isHttpUrl(path)) bytes += await http.size(path).catch(() => 0);
    else bytes += (await stat(path).catch(() => ({ size: 0 }))).size;
  }
  return Math.max(1, Math.min(jobs, Math.floor(bytes / Math.max(1, perWorker))));
}

/** Settles once `worker` (one of `what`'s) runs, or fails with its error should it stop first. */
export function workerRunning(worker: NodeJS.EventEmitter, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
    worker.once('exit', (code: number) => reject(new Error(`an ${what} worker stopped (exit code ${code}) before it ran`)));
  });
}

/** The script `<name>.mjs` beside the bundled CLI or the compiled library, if there is one (from TypeScript sources there is none). */
export function workerScript(name: string): URL | undefined {
  for (const relative of [`./${name}.mjs`, `../${name}.mjs`]) {
    const url = new URL(relative, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/** An error as a thread posts it. */
export interface ThreadError {
  kind: 'usage' | 'data' | 'bug';
  message: string;
  hint: ErrorHint | undefined;
}

/** `error` as plain data (a bug keeps its stack). */
export function threadError(error: unknown): ThreadError {
  const kind = error instanceof UsageError ? 'usage' : error instanceof Bn1dError ? 'data' : 'bug';
  const message = error instanceof Error ? (kind === 'bug' ? (error.stack ?? error.message) : error.message) : String(error);
  return { kind, message, hint: error instanceof Bn1dError ? error.hint : undefined };
}

/** A posted error, as this thread throws it. */
export function rebuildError(error: ThreadError): Error {
  if (error.kind === 'usage') return new UsageError(error.message);
  if (error.kind === 'data') return new DataError(error.message, { hint: error.hint });
  return new Error(error.message);
}
