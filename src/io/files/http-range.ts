/**
 * An http(s) input read by byte ranges, as a FileRange: each read is one
 * ranged GET of exactly the bytes asked for (bytes the first request
 * brought are not asked for again), sent with the conditions that the file
 * is the one first seen (http-request.ts), so that a file replaced while it
 * is read is an error rather than a mix of two files. Nothing reads the
 * whole file unless the server sends only whole files and the file is
 * small (http-probe.ts).
 */
import { DataError } from '../../core/errors.js';
import type { FileRange } from './file-range.js';
import { changedError, contentRange, discard, get, type HttpTarget, type Identity, readBody } from './http-request.js';
import { TransientError } from './http-retry.js';

/** A FileRange over bytes in memory. */
export function bytesRange(bytes: Uint8Array): FileRange {
  let closed = false;
  const read = async (start: number, end: number) => {
    if (closed) throw new Error('file is closed');
    return bytes.slice(Math.max(0, Math.min(start, bytes.length)), Math.max(0, Math.min(end, bytes.length)));
  };
  return {
    byteLength: bytes.length,
    read,
    async slice(start, end = bytes.length) {
      return (await read(start, end)).buffer as ArrayBuffer;
    },
    async readInto(target, position) {
      const part = await read(position, position + target.length);
      target.set(part);
      return part.length;
    },
    async close() {
      closed = true;
    },
  };
}

/** Bytes [start, start + length) of the file into `target`, in one ranged GET. */
async function fetchRange(target: HttpTarget, known: Identity, into: Uint8Array, start: number): Promise<void> {
  const end = start + into.length - 1;
  await get(target, `bytes=${start}-${end}`, known, async (response, tick) => {
    if (response.status !== 206) {
      discard(response);
      if (response.status === 416) throw changedError(target.name);
      throw new DataError(`${target.name}: the server answered a range request with the whole file (HTTP ${response.status}), after answering the first with a range`);
    }
    const range = contentRange(response);
    if (range?.start !== start || range.end !== end) {
      discard(response);
      throw new DataError(`${target.name}: the server sent bytes ${range?.start ?? '?'}-${range?.end ?? '?'} for bytes ${start}-${end}`);
    }
    if ((await readBody(response, into, tick, target.name)) < into.length) throw new TransientError('the connection closed before the end of the range');
  });
}

/**
 * The input as a FileRange. `known` is its identity; `first` the bytes the
 * first request brought, from byte 0 (none when it was made by another open).
 */
export function httpRange(target: HttpTarget, known: Identity, first: Uint8Array = new Uint8Array(0)): FileRange {
  const size = known.size!;
  let closed = false;
  async function readInto(into: Uint8Array, position: number): Promise<number> {
    if (closed) throw new Error('file is closed');
    const from = Math.max(0, Math.min(position, size));
    const to = Math.min(size, from + into.length);
    if (to <= from) return 0;
    if (to <= first.length) into.set(first.subarray(from, to));
    else await fetchRange(target, known, into.subarray(0, to - from), from);
    return to - from;
  }
  async function read(start: number, end: number): Promise<Uint8Array> {
    const from = Math.max(0, Math.min(start, size));
    const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - from));
    await readInto(bytes, from);
    return bytes;
  }
  return {
    byteLength: size,
    read,
    readInto,
    async slice(start, end = size) {
      return (await read(start, end)).buffer as ArrayBuffer;
    },
    async close() {
      closed = true;
    },
  };
}
