/**
 * A small HTTP server on 127.0.0.1 for tests of http(s) inputs: it serves
 * files from memory with Range (one range per request), ETag and If-Match,
 * counts the body bytes it sends, and can be told to fail, to ignore ranges
 * or If-Match, or to want a header.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file the server holds. */
export interface Served {
  bytes: Uint8Array;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

/**
 * What a hook makes of a request: a status to answer with, 'reset' to drop
 * the connection, `{ cut }` to send only that many bytes of the body and
 * then drop it, or undefined to serve it.
 */
export type HookAnswer = number | 'reset' | { cut: number } | undefined;

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The client's port: requests on one connection share it. */
  port: number;
}

export class TestServer {
  readonly files = new Map<string, Served>();
  readonly requests: SeenRequest[] = [];
  /** Body bytes sent, per path. */
  readonly served = new Map<string, number>();
  /** Asked about each request (numbered from 0) before it is served. */
  hook: ((request: SeenRequest, n: number) => HookAnswer) | undefined;
  /** False: every GET gets 200 and the whole file, as servers without range support answer. */
  ranges = true;
  /** False: If-Match is ignored (the ETag of the answer still tells). */
  ifMatch = true;
  /** A header every request must carry, or it gets 401. */
  required: [name: string, value: string] | undefined;
  private server: Server | undefined;

  /** Puts a file at `path` (such as "/data/x.parquet"), with a strong ETag of its own, or none for null. */
  put(path: string, bytes: Uint8Array, etag: string | null = `"${path.length}-${bytes.length}-v1"`): Served {
    const file: Served = { bytes, etag: etag ?? undefined, lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' };
    this.files.set(path, file);
    return file;
  }

  /** The URL of a path. */
  url(path: string): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  /** Body bytes sent for a path. */
  bytesOf(path: string): number {
    return this.served.get(path) ?? 0;
  }

  /** Forgets the requests and the counts (the files and settings stay). */
  reset(): void {
    this.requests.length = 0;
    this.served.clear();
    this.hook = undefined;
    this.ranges = true;
    this.ifMatch = true;
    this.required = undefined;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * Writes a body 64 KiB at a time, waiting while the client does not take
   * them, so that the count is what the client asked for, not what it left
   * unread; `drop` ends the connection after it instead of the response.
   */
  private write(res: ServerResponse, path: string, body: Uint8Array, drop: boolean): void {
    let at = 0;
    const more = () => {
      while (at < body.length && !res.destroyed) {
        const part = body.subarray(at, at + (64 << 10));
        at += part.length;
        this.served.set(path, this.bytesOf(path) + part.length);
        if (!res.write(part)) return void res.once('drain', more);
      }
      if (drop) res.socket?.destroy();
      else res.end();
    };
    more();
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, port: req.socket.remotePort ?? 0 };
    const n = this.requests.push(seen) - 1;
    const hooked = this.hook?.(seen, n);
    if (hooked === 'reset') return void req.socket.destroy();
    if (typeof hooked === 'number') return void res.writeHead(hooked, { 'content-length': 0 }).end();
    const cut = typeof hooked === 'object' ? hooked.cut : undefined;
    if (this.required && req.headers[this.required[0].toLowerCase()] !== this.required[1]) return void res.writeHead(401, { 'content-length': 0 }).end();
    const path = seen.url.replace(/\?.*$/, '');
    const file = this.files.get(path);
    if (!file) return void res.writeHead(404, { 'content-length': 0 }).end();
    const validators = { ...(file.etag ? { etag: file.etag } : {}), ...(file.lastModified ? { 'last-modified': file.lastModified } : {}) };
    const ifMatch = req.headers['if-match'];
    if (this.ifMatch && ifMatch !== undefined && ifMatch !== file.etag) return void res.writeHead(412, { 'content-length': 0 }).end();
    const size = file.bytes.length;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    const send = (status: number, from: number, to: number, headers: Record<string, string | number>) => {
      const body = file.bytes.subarray(from, to);
      res.writeHead(status, { ...validators, ...headers, 'content-length': body.length });
      if (req.method === 'HEAD') return void res.end();
      this.write(res, path, cut === undefined ? body : body.subarray(0, cut), cut !== undefined);
    };
    if (!this.ranges || !range) return send(200, 0, size, this.ranges ? { 'accept-ranges': 'bytes' } : {});
    let from = range[1] === '' ? size - Number(range[2]) : Number(range[1]);
    let to = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
    if (from >= size || from > to) return void res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-length': 0 }).end();
    from = Math.max(0, from);
    to = Math.max(from, to);
    send(206, from, to + 1, { 'content-range': `bytes ${from}-${to}/${size}`, 'accept-ranges': 'bytes' });
  }
}
