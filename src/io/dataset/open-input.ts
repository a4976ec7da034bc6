/**
 * Opens an input by its content: a path, an http(s) URL, or "-" for standard input.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DataError, UsageError } from '../../core/errors.js';
import { openArrowFile, openArrowStream } from '../arrow/read.js';
import { reason } from '../files/atomic-file.js';
import type { DatasetReader } from './dataset.js';
import { detectFormat, SNIFF_BYTES } from './detect.js';
import { openParquet } from '../parquet/read.js';
import type { TemporaryFile } from '../files/cleanup.js';
import { peek, spool } from '../files/spool.js';
import { HttpSession } from '../files/http-session.js';
import { isHttpUrl, urlName } from '../files/http-url.js';
import { openUrl } from './open-url.js';

/** How an input is named in messages and states: "stdin" for '-', a URL without its query (http-url.ts). */
export function inputName(spec: string): string {
  return spec === '-' ? 'stdin' : isHttpUrl(spec) ? urlName(spec) : spec;
}

/**
 * Threads that decode whole Parquet row groups ahead for a fit read row by
 * row (a Parquet file on stdin): BN1D_THREADS, else none. Files on disk are
 * read column by column on the fit's own worker threads (--jobs) instead,
 * which is faster and holds one column chunk per thread, not row groups.
 */
export function decodeThreads(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.BN1D_THREADS;
  if (set !== undefined && /^\d+$/.test(set.trim())) return Number(set);
  return 0;
}

/** Options of openFile. */
export interface OpenOptions {
  /** Threads that decode Parquet row groups (see decodeThreads); default 0. */
  threads?: number;
  /** What reads http(s) inputs (default: a session of its own, without headers). */
  http?: HttpSession | undefined;
}

/**
 * The first SNIFF_BYTES bytes of a file (fewer if it is shorter); fs errors
 * as they are. Synchronous: three system calls, where the promise API's
 * round trips through the thread pool make a folder of 10,000 files take
 * 1.3 s to recognise instead of 0.2 s.
 */
export function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, SNIFF_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** Opens a file (or an http(s) URL) by its first bytes. */
export async function openFile(path: string, name = inputName(path), options: OpenOptions = {}): Promise<DatasetReader> {
  if (isHttpUrl(path)) return openUrl(path, name, options.http ?? new HttpSession());
  let head: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new DataError(`${name}: is a directory, not a data file`);
    head = readHead(path);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read ${name}: ${reason(error)}`);
  }
  const format = detectFormat(head, name);
  if (format === 'parquet') return openParquet(path, name, { threads: options.threads ?? 0 });
  if (format === 'arrow') return openArrowFile(path, name);
  return openArrowStream(createReadStream(path), name);
}

/**
 * Standard input. An Arrow IPC stream is read as it arrives, unless
 * `rereadable` asks for a copy that can be read again; a Parquet or Arrow
 * IPC file is always copied to a temporary file first (their footers are at
 * the end). The copy is removed when the reader closes.
 */
export class StdinSource {
  private copy: TemporaryFile | undefined;

  constructor(private readonly stream: AsyncIterable<Uint8Array> & { isTTY?: boolean }) {}

  /** Opens standard input (again, from the copy, after the first time). */
  async open(rereadable: boolean, options: OpenOptions = {}): Promise<DatasetReader> {
    if (this.copy) return openFile(this.copy.path, 'stdin', options);
    if (this.stream.isTTY) throw new UsageError('no input: give a file, or pipe Parquet or Arrow data into stdin');
    const { head, chunks } = await peek(this.stream, SNIFF_BYTES);
    const format = detectFormat(head, 'stdin');
    if (format === 'arrows' && !rereadable) return openArrowStream(chunks, 'stdin');
    this.copy = await spool(chunks, 'stdin');
    return openFile(this.copy.path, 'stdin', options);
  }

  /** Removes the temporary copy, if any. */
  dispose(): void {
    this.copy?.remove();
    this.copy = undefined;
  }
}
