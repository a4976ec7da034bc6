/**
 * http(s) inputs read by byte ranges (http-session.ts, http-range.ts,
 * http-stream.ts) against a local server: the bytes are the file's, each
 * read asks for exactly its range, failures that may pass are retried,
 * others are one-line errors naming the URL without its query, and a file
 * that changes while it is read is an error.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { PROBE_BYTES, WHOLE_FILE_LIMIT } from '../../../src/io/files/http-probe.js';
import type { RetryPolicy } from '../../../src/io/files/http-retry.js';
import { HttpSession } from '../../../src/io/files/http-session.js';
import { TestServer } from '../../helpers/http-server.js';

const server = new TestServer();
const FAST: RetryPolicy = { attempts: 4, firstDelayMs: 1, maxDelayMs: 4, totalMs: 10_000, stallMs: 5_000 };
const session = (headers: [string, string][] = []) => new HttpSession(headers, FAST);

/** Bytes that differ from one offset to the next, so a wrong range shows. */
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}
const BIG = bytes(300_000);
const SMALL = bytes(5_000, 7);
const SECRET = 'X-Amz-Signature=0123456789abcdef&X-Amz-Credential=AKIA%2F2024';

beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  server.reset();
  server.put('/big.bin', BIG);
  server.put('/small.bin', SMALL);
});

async function failure(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('a file read by ranges', () => {
  test('gives its bytes, asking for exactly the ranges read after the first request', async () => {
    const file = await session().open(server.url('/big.bin'));
    expect(file.byteLength).toBe(BIG.length);
    expect(server.requests.map((r) => r.headers.range)).toEqual([`bytes=0-${PROBE_BYTES - 1}`]);
    expect(await file.read(100_000, 100_010)).toEqual(BIG.slice(100_000, 100_010));
    expect(await file.read(10, 20)).toEqual(BIG.slice(10, 20)); // within the first request's bytes: no request
    const into = new Uint8Array(1000);
    expect(await file.readInto(into, BIG.length - 400)).toBe(400);
    expect(into.subarray(0, 400)).toEqual(BIG.slice(-400));
    expect(new Uint8Array(await file.slice(299_990))).toEqual(BIG.slice(299_990));
    expect(server.requests.map((r) => r.headers.range)).toEqual([`bytes=0-${PROBE_BYTES - 1}`, 'bytes=100000-100009', 'bytes=299600-299999', 'bytes=299990-299999']);
    expect(server.bytesOf('/big.bin')).toBe(PROBE_BYTES + 10 + 400 + 10);
  });

  test('sends the URL as given, its query included, and the headers asked for', async () => {
    const url = `${server.url('/big.bin')}?${SECRET}`;
    await (await session([['Authorization', 'Bearer t0ken']]).open(url)).read(70_000, 70_001);
    expect(server.requests.map((r) => r.url)).toEqual([`/big.bin?${SECRET}`, `/big.bin?${SECRET}`]);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer t0ken')).toBe(true);
  });

  test('a small file comes whole with the first request', async () => {
    const file = await session().open(server.url('/small.bin'));
    expect(await file.read(0, SMALL.length)).toEqual(SMALL);
    expect(server.requests).toHaveLength(1);
  });

  test('is opened again, in the same run or from its data on another thread, without a first request', async () => {
    const http = session();
    await http.open(server.url('/big.bin'));
    const again = HttpSession.fromData(structuredClone(http.data()), FAST);
    expect(await (await again.open(server.url('/big.bin'))).read(200_000, 200_004)).toEqual(BIG.slice(200_000, 200_004));
    expect(server.requests.map((r) => r.headers.range)).toEqual([`bytes=0-${PROBE_BYTES - 1}`, 'bytes=200000-200003']);
  });
});

describe('failures', () => {
  test('503 twice, then success: retried', async () => {
    server.hook = (_, n) => (n < 2 ? 503 : undefined);
    const file = await session().open(server.url('/big.bin'));
    expect(await file.read(0, 5)).toEqual(BIG.slice(0, 5));
    expect(server.requests).toHaveLength(3);
  });

  test('429, a reset connection and a body cut short are retried too', async () => {
    server.hook = (_, n) => (n === 0 ? 429 : n === 1 ? 'reset' : undefined);
    const file = await session().open(server.url('/big.bin'));
    server.hook = (_, n) => (n === 3 ? { cut: 100 } : undefined);
    expect(await file.read(100_000, 150_000)).toEqual(BIG.slice(100_000, 150_000));
    expect(server.requests).toHaveLength(5);
  });

  test('a server that keeps failing is given up on after the attempts, naming the URL without its query', async () => {
    server.hook = () => 503;
    const e = await failure(session().open(`${server.url('/big.bin')}?${SECRET}`));
    expect(e.message).toBe(`${server.url('/big.bin')}: HTTP 503 Service Unavailable (gave up after 4 attempts)`);
    expect(server.requests).toHaveLength(4);
  });

  test.each([
    [404, 'HTTP 404 Not Found (check the URL)', undefined],
    [403, 'HTTP 403 Forbidden', 'http-denied'],
    [401, 'HTTP 401 Unauthorized', 'http-denied'],
    [400, 'HTTP 400 Bad Request', undefined],
  ])('%i is not retried: one line naming the URL without its query, no header value', async (status, text, hint) => {
    server.hook = () => status;
    const e = await failure(session([['Authorization', 'Bearer s3cr3t']]).open(`${server.url('/big.bin')}?${SECRET}`));
    expect([e.message, e.hint, e.exitCode]).toEqual([`${server.url('/big.bin')}: ${text}`, hint, 1]);
    expect(server.requests).toHaveLength(1);
  });

  test('a server that cannot be reached is retried, then named', async () => {
    const gone = new TestServer();
    await gone.start();
    const url = gone.url('/x.parquet');
    await gone.stop();
    const e = await failure(session().open(`${url}?sig=secret`));
    expect(e.message).toBe(`${url}: connect ECONNREFUSED ${url.slice(7, url.indexOf('/', 7))} (gave up after 4 attempts)`);
  });
});

describe('a server that ignores Range', () => {
  test('sends a small file whole, which is read from memory', async () => {
    server.ranges = false;
    const http = session();
    const file = await http.open(server.url('/big.bin'));
    expect(await file.read(250_000, 250_100)).toEqual(BIG.slice(250_000, 250_100));
    expect(server.requests).toHaveLength(1);
    // Opened again, it is fetched whole again, and must be the same file.
    expect(await (await http.open(server.url('/big.bin'))).read(0, 3)).toEqual(BIG.slice(0, 3));
    expect(server.requests).toHaveLength(2);
  });

  test('is not read whole for a large file: the first bytes are read, and random access is refused', async () => {
    server.ranges = false;
    const large = new Uint8Array(WHOLE_FILE_LIMIT + 1);
    large.set([1, 2, 3, 4]);
    server.put('/large.bin', large);
    const http = session();
    expect(await http.head(server.url('/large.bin'))).toEqual(large.slice(0, 16));
    const e = await failure(http.open(server.url('/large.bin')));
    expect(e.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/large\.bin: the server does not support range requests .*files over 16 MiB are not read whole/);
    // What the server wrote: the client's first bytes, and what the loopback's socket buffers took before it stopped.
    expect(server.bytesOf('/large.bin')).toBeLessThan(WHOLE_FILE_LIMIT / 2);
  });
});

describe('a file that changes while it is read', () => {
  test('is refused by the server when it honours If-Match (412)', async () => {
    const file = await session().open(server.url('/big.bin'));
    const first = server.files.get('/big.bin')!.etag;
    server.files.get('/big.bin')!.etag = '"replaced"';
    const e = await failure(file.read(100_000, 100_001));
    expect(e.message).toMatch(/\/big\.bin: the file changed on the server while it was being read/);
    expect([server.requests[1]!.headers['if-match'], server.requests.length]).toEqual([first, 2]);
  });

  test('is an error when the server ignores If-Match but sends the new ETag', async () => {
    server.ifMatch = false;
    const file = await session().open(server.url('/big.bin'));
    server.files.get('/big.bin')!.etag = '"replaced"';
    expect((await failure(file.read(100_000, 100_001))).message).toMatch(/the file changed on the server/);
  });

  test('without an ETag, is checked by its Last-Modified date', async () => {
    server.put('/plain.bin', BIG, null);
    const file = await session().open(server.url('/plain.bin'));
    server.files.get('/plain.bin')!.lastModified = 'Tue, 02 Jan 2024 00:00:00 GMT';
    expect((await failure(file.read(100_000, 100_001))).message).toMatch(/the file changed on the server/);
    expect(server.requests[1]!.headers['if-unmodified-since']).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
  });
});

describe('a file read front to back', () => {
  const all = async (chunks: AsyncIterable<Uint8Array>) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return Buffer.concat(parts);
  };

  test('is one GET, and goes on from where a cut connection stopped', async () => {
    const http = session();
    await http.head(server.url('/big.bin'));
    server.hook = (_, n) => (n === 1 ? { cut: 123_456 } : undefined);
    expect((await all(await http.stream(server.url('/big.bin')))).equals(BIG)).toBe(true);
    expect(server.requests.map((r) => r.headers.range)).toEqual([`bytes=0-${PROBE_BYTES - 1}`, 'bytes=0-', 'bytes=123456-']);
  });

  test('from a server without ranges, is read whole', async () => {
    server.ranges = false;
    expect((await all(await session().stream(server.url('/big.bin')))).equals(BIG)).toBe(true);
  });
});
