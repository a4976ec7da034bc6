/**
 * The first request of an http(s) input: a GET of its first PROBE_BYTES
 * bytes (a GET and not a HEAD: a presigned URL is signed for one method).
 * Its Content-Range says the file's size, and its ETag and Last-Modified
 * which file every later request must read. A server that ignores the
 * range (200, the whole file) is read whole when the file is at most
 * WHOLE_FILE_LIMIT bytes; a larger one is cut off after its first bytes,
 * which is enough to read it as an Arrow IPC stream (front to back) but not
 * as a Parquet or Arrow IPC file (http-range.ts refuses it).
 */
import { DataError } from '../../core/errors.js';
import { changedError, contentRange, discard, get, HEAD_BYTES, type HttpTarget, type Identity, readBody } from './http-request.js';
import { TransientError } from './http-retry.js';

/** Bytes the first request asks for: the format, and all of a small file, in one round trip. */
export const PROBE_BYTES = 64 << 10;
/** Most bytes read from a server that sends the whole file for a range request. */
export const WHOLE_FILE_LIMIT = 16 << 20;

/** What the first request found: the file's identity, and the bytes it brought (from byte 0). */
export interface Probe {
  identity: Identity;
  bytes: Uint8Array;
}

function identityOf(response: Response, size: number | undefined, ranges: boolean, bytes: Uint8Array): Identity {
  return {
    size,
    etag: response.headers.get('etag') ?? undefined,
    lastModified: response.headers.get('last-modified') ?? undefined,
    ranges,
    head: bytes.slice(0, HEAD_BYTES),
  };
}

/** The body, up to `limit` bytes; `complete` when it ended within them. */
export async function bodyUpTo(response: Response, limit: number, tick: () => void): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = true;
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
    tick();
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      complete = false;
      break;
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, complete };
}

/** The first request (see above). */
export function probe(target: HttpTarget): Promise<Probe> {
  return get(target, `bytes=0-${PROBE_BYTES - 1}`, undefined, async (response, tick) => {
    if (response.status === 416) {
      // Nothing to send from byte 0: an empty file.
      discard(response);
      const total = contentRange(response)?.total ?? 0;
      if (total !== 0) throw new DataError(`${target.name}: the server refused to send the first bytes of a file of ${total} bytes`);
      return { identity: identityOf(response, 0, true, new Uint8Array(0)), bytes: new Uint8Array(0) };
    }
    if (response.status === 206) {
      const range = contentRange(response);
      if (range?.start !== 0 || range.end === undefined || range.total === undefined || range.end >= range.total) {
        discard(response);
        throw new DataError(`${target.name}: the server answered a range request without a usable Content-Range header (it must say the file's size)`);
      }
      const bytes = new Uint8Array(range.end + 1);
      if ((await readBody(response, bytes, tick, target.name)) < bytes.length) throw new TransientError('the connection closed before the end of the range');
      return { identity: identityOf(response, range.total, true, bytes), bytes };
    }
    // 200: the server ignores ranges and sends the whole file.
    const length = Number(response.headers.get('content-length') ?? NaN);
    const limit = length > WHOLE_FILE_LIMIT ? PROBE_BYTES : WHOLE_FILE_LIMIT;
    const body = await bodyUpTo(response, limit, tick);
    if (body.complete) {
      if (Number.isFinite(length) && body.bytes.length < length) throw new TransientError('the connection closed before the end of the file');
      return { identity: identityOf(response, body.bytes.length, false, body.bytes), bytes: body.bytes };
    }
    discard(response);
    return { identity: identityOf(response, Number.isFinite(length) ? length : undefined, false, body.bytes), bytes: new Uint8Array(0) };
  });
}

/** The whole file again, from a server without range requests (at most WHOLE_FILE_LIMIT bytes). */
export function wholeFile(target: HttpTarget, known: Identity): Promise<Uint8Array> {
  return get(target, undefined, known, async (response, tick) => {
    const body = await bodyUpTo(response, WHOLE_FILE_LIMIT, tick);
    if (!body.complete || body.bytes.length !== known.size) {
      discard(response);
      throw changedError(target.name);
    }
    return body.bytes;
  });
}
