/**
 * One GET of an http(s) input, retried as http-retry.ts says: the user's
 * headers, a byte range, and, once the file is known, the conditions that
 * it is still the same file (If-Match with a strong ETag, else
 * If-Unmodified-Since with its Last-Modified date). Statuses that will not
 * change on a retry are one-line DataErrors naming the URL without its query.
 */
import { STATUS_CODES } from 'node:http';
import { Bn1dError, DataError } from '../../core/errors.js';
import type { HeaderList } from './http-headers.js';
import { connectionReason, type RetryPolicy, TransientError, withRetries } from './http-retry.js';

/** A URL to read, how messages name it, and how to ask for it. */
export interface HttpTarget {
  readonly url: string;
  readonly name: string;
  readonly headers: HeaderList;
  readonly policy: RetryPolicy;
}

/** What the first response said about the file: every later one must agree. */
export interface Identity {
  /** Bytes in the file; undefined when a server without range requests did not say. */
  readonly size: number | undefined;
  readonly etag?: string | undefined;
  readonly lastModified?: string | undefined;
  /** Whether the server answers range requests with the ranges. */
  readonly ranges: boolean;
  /** The first bytes of the file (up to HEAD_BYTES), which say its format. */
  readonly head: Uint8Array;
}

/** Bytes of the start of a file an Identity keeps. */
export const HEAD_BYTES = 16;

/** The error of a file that is no longer the one first read. */
export function changedError(name: string): DataError {
  return new DataError(`${name}: the file changed on the server while it was being read (its ETag, Last-Modified date or size is not what it was); read it again`);
}

function statusText(response: Response): string {
  return `HTTP ${response.status} ${STATUS_CODES[response.status] ?? response.statusText}`.trimEnd();
}

/** Lets go of a response's body without reading it. */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/** Throws for a status that is no success: a TransientError for those a retry may get past, else a DataError. */
function checkStatus(response: Response, name: string): void {
  const { status } = response;
  if (status === 200 || status === 206 || status === 416) return;
  discard(response);
  if (status === 412) throw changedError(name);
  if ((status >= 500 && status !== 501 && status !== 505) || status === 429 || status === 408) {
    const after = Number(response.headers.get('retry-after'));
    throw new TransientError(statusText(response), Number.isFinite(after) && after >= 0 ? after * 1000 : undefined);
  }
  if (status === 401 || status === 403) throw new DataError(`${name}: ${statusText(response)}`, { hint: 'http-denied' });
  if (status === 404 || status === 410) throw new DataError(`${name}: ${statusText(response)} (check the URL)`);
  throw new DataError(`${name}: ${statusText(response)}`);
}

/** The request's headers: the user's, the range, and the conditions that the file is the one known. */
function requestHeaders(target: HttpTarget, range: string | undefined, known: Identity | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of target.headers) headers.set(name, value);
  if (range !== undefined) headers.set('range', range);
  if (known?.etag && !known.etag.startsWith('W/')) headers.set('if-match', known.etag);
  else if (known?.lastModified) headers.set('if-unmodified-since', known.lastModified);
  return headers;
}

/** Content-Range: `bytes a-b/n`, or a star in place of `a-b` (no range, only the size n). */
export function contentRange(response: Response): { start?: number; end?: number; total: number | undefined } | undefined {
  const match = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(response.headers.get('content-range')?.trim() ?? '');
  if (!match) return undefined;
  const total = match[3] === '*' ? undefined : Number(match[3]);
  return match[1] === undefined ? { total } : { start: Number(match[1]), end: Number(match[2]), total };
}

/** Throws changedError unless the response's ETag, Last-Modified and size (those it gives) are the known file's. */
export function checkSame(response: Response, known: Identity, name: string): void {
  const etag = response.headers.get('etag');
  const modified = response.headers.get('last-modified');
  const total = contentRange(response)?.total;
  if ((etag && known.etag && etag !== known.etag) || (modified && known.lastModified && modified !== known.lastModified) || (total !== undefined && known.size !== undefined && total !== known.size)) {
    discard(response);
    throw changedError(name);
  }
}

/**
 * GETs the target (a `range` such as "bytes=0-99", or all of it) and hands
 * the response, its status a success (200, 206) or 416, to `read`, which
 * takes what it needs from the body; retried as a whole while it fails in a
 * way that may pass. `tick()` tells the stall timer that bytes arrived.
 */
export async function get<T>(target: HttpTarget, range: string | undefined, known: Identity | undefined, read: (response: Response, tick: () => void) => Promise<T>): Promise<T> {
  try {
    return await withRetries(target.name, target.policy, async (signal, tick) => {
      const response = await fetch(target.url, { headers: requestHeaders(target, range, known), signal, redirect: 'follow' });
      tick();
      checkStatus(response, target.name);
      if (known) checkSame(response, known, target.name);
      return read(response, tick);
    });
  } catch (error) {
    if (error instanceof Bn1dError) throw error;
    if (error instanceof TypeError) throw new DataError(`${target.name}: cannot connect: ${connectionReason(error)}`);
    throw error;
  }
}

/** Reads the body into `target` from its start; returns how many bytes it held (more than fit is a DataError). */
export async function readBody(response: Response, target: Uint8Array, tick: () => void, name: string): Promise<number> {
  let done = 0;
  if (!response.body) return 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    tick();
    if (done + chunk.length > target.length) {
      discard(response);
      throw new DataError(`${name}: the server sent more bytes than were asked for`);
    }
    target.set(chunk, done);
    done += chunk.length;
  }
  return done;
}
