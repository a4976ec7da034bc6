/**
 * The http(s) inputs of one run: the request headers, the retry policy,
 * and what the first request of each URL found (its size, ETag and
 * Last-Modified date), so that every later open of the URL in the run (the
 * next epoch, a worker thread: data() and fromData() carry it across)
 * reads the same file, or fails saying it changed, and needs no first
 * request of its own.
 */
import { DataError } from '../../core/errors.js';
import type { FileRange } from './file-range.js';
import type { HeaderList } from './http-headers.js';
import { probe, type Probe, WHOLE_FILE_LIMIT, wholeFile } from './http-probe.js';
import { bytesRange, httpRange } from './http-range.js';
import type { HttpTarget, Identity } from './http-request.js';
import { retryPolicy, type RetryPolicy } from './http-retry.js';
import { httpStream } from './http-stream.js';
import { urlName } from './http-url.js';

/** A session as plain data, for a worker thread. */
export interface HttpSessionData {
  headers: [string, string][];
  known: [string, Identity][];
}

/** The http(s) inputs of a run. */
export class HttpSession {
  private readonly probes = new Map<string, Promise<Probe>>();
  private readonly settled = new Map<string, Identity>();
  /** The bytes a first request brought, until an open takes them. */
  private readonly unclaimed = new Map<string, Uint8Array>();

  /** `headers` go with every request (checked beforehand: http-headers.ts); `policy` defaults to retryPolicy(). */
  constructor(
    readonly headers: HeaderList = [],
    private readonly policy: RetryPolicy = retryPolicy(),
  ) {}

  /** A session that knows what `data` says (a session's data()). */
  static fromData(data: HttpSessionData, policy?: RetryPolicy): HttpSession {
    const session = new HttpSession(data.headers, policy);
    for (const [url, identity] of data.known) {
      session.settled.set(url, identity);
      session.probes.set(url, Promise.resolve({ identity, bytes: new Uint8Array(0) }));
    }
    return session;
  }

  /** The headers, and every URL known so far with what its first request found. */
  data(): HttpSessionData {
    return { headers: this.headers.map(([n, v]) => [n, v]), known: [...this.settled] };
  }

  private target(url: string): HttpTarget {
    return { url, name: urlName(url), headers: this.headers, policy: this.policy };
  }

  /** What the first request of `url` found (made by the first call). */
  async identity(url: string): Promise<Identity> {
    let probing = this.probes.get(url);
    if (!probing) {
      probing = probe(this.target(url));
      this.probes.set(url, probing);
      probing.then(
        (found) => {
          this.settled.set(url, found.identity);
          if (found.bytes.length) this.unclaimed.set(url, found.bytes);
        },
        () => this.probes.delete(url),
      );
    }
    return (await probing).identity;
  }

  /** The first bytes of the file (HEAD_BYTES of them at most). */
  async head(url: string): Promise<Uint8Array> {
    return (await this.identity(url)).head;
  }

  /** The file's size in bytes (0 when the server does not say). */
  async size(url: string): Promise<number> {
    return (await this.identity(url)).size ?? 0;
  }

  /** The file, read by byte ranges. */
  async open(url: string): Promise<FileRange> {
    const identity = await this.identity(url);
    const first = this.unclaimed.get(url) ?? new Uint8Array(0);
    this.unclaimed.delete(url);
    const target = this.target(url);
    if (identity.ranges) return httpRange(target, identity, first);
    if (identity.size !== undefined && identity.size <= WHOLE_FILE_LIMIT) {
      return bytesRange(first.length === identity.size ? first : await wholeFile(target, identity));
    }
    throw new DataError(
      `${target.name}: the server does not support range requests (it sends the whole file for one), and files over ${WHOLE_FILE_LIMIT >> 20} MiB are not read whole from such a server: download it first, or serve it from one that supports them`,
    );
  }

  /** The file's bytes front to back, in one GET. */
  async stream(url: string): Promise<AsyncIterable<Uint8Array>> {
    const identity = await this.identity(url);
    this.unclaimed.delete(url);
    return httpStream(this.target(url), identity);
  }
}
