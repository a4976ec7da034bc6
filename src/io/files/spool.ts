/**
 * Standard input, read incrementally: its first bytes are looked at to
 * recognise the format, and when the format needs random access (Parquet's
 * footer is at the end) or the data is read more than once, it is copied to
 * a temporary file that is removed afterwards.
 */
import { open } from 'node:fs/promises';
import { DataError } from '../../core/errors.js';
import { reason } from './atomic-file.js';
import { writeAll } from './write-behind.js';
import { type TemporaryFile, temporaryFile } from './cleanup.js';

/** A byte stream split into its first bytes and the rest. */
export interface PeekedStream {
  /** At least `bytes` bytes, unless the stream is shorter. */
  head: Uint8Array;
  /** Every byte of the stream, the head included, as it arrives. */
  chunks: AsyncIterable<Uint8Array>;
}

/** Reads the first `bytes` bytes of a stream without losing them. */
export async function peek(stream: AsyncIterable<Uint8Array>, bytes: number): Promise<PeekedStream> {
  const iterator = stream[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    seen.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(seen);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (head.length) yield head;
    if (finished) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, chunks: chunks() };
}

/** Copies a stream to a new temporary file; remove() deletes it (also done on early exit). */
export async function spool(chunks: AsyncIterable<Uint8Array>, name: string): Promise<TemporaryFile> {
  const file = temporaryFile('spool');
  try {
    const handle = await open(file.path, 'wx', 0o600);
    try {
      for await (const chunk of chunks) await writeAll(handle, chunk);
    } finally {
      await handle.close();
    }
  } catch (error) {
    file.remove();
    throw new DataError(`cannot copy ${name} to a temporary file: ${reason(error)}`);
  }
  return file;
}
