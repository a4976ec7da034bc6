/**
 * Inputs by http:// URL when things go wrong, black box, against a local
 * server: failures that may pass are retried, others are one line naming
 * the URL without its query (never a header's value), headers from --header
 * and BN1D_HTTP_HEADERS reach the server, a server that ignores Range is
 * read whole only for small files, and a file that changes while it is read
 * is an error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fails, ok, ROOT, scratch } from '../helpers/cli.js';
import { TestServer } from '../helpers/http-server.js';

const dir = scratch();
const server = new TestServer();
const WINE = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const env = (more: Record<string, string> = {}) => ({ env: { BN1D_HTTP_RETRY_MS: '1', BN1D_HTTP_HEADERS: '', ...more }, cwd: dir });
const QUERY = 'X-Amz-Credential=AKIA%2F20240101&X-Amz-Signature=5ec2e7';
const TOKEN = 'Bearer t0ken-5ecret';
let url: string;
let local: string;

/** A fit's state without its fit block (which names the input). */
const numbers = (text: string) => text.replace(/\n {2}"fit": .*\n/, '\n');
const fit = (input: string, options = env(), more: string[] = []) => ok(['fit', input, '-x', 'target', '-q', '-s', '-', ...more], options);

beforeAll(async () => {
  await server.start();
  local = numbers((await fit(WINE)).toString());
});
beforeEach(() => {
  server.reset();
  server.put('/wine.parquet', readFileSync(WINE));
  url = server.url('/wine.parquet');
});
afterAll(() => server.stop());

describe('failures', () => {
  test('503 twice, then success: the fit goes on', async () => {
    server.hook = (_, n) => (n < 2 ? 503 : undefined);
    expect(numbers((await fit(url)).toString())).toBe(local);
    expect(server.requests.slice(0, 3).map((r) => r.headers.range)).toEqual(['bytes=0-65535', 'bytes=0-65535', 'bytes=0-65535']);
  });

  test('a reset connection in the middle of the fit is retried', async () => {
    server.hook = (_, n) => (n === 2 ? 'reset' : undefined);
    expect(numbers((await fit(url)).toString())).toBe(local);
  });

  test.each([
    [404, 'HTTP 404 Not Found \\(check the URL\\)\n$'],
    [403, "HTTP 403 Forbidden; check the URL, or pass --header 'Authorization: \\.\\.\\.' \\(or set BN1D_HTTP_HEADERS\\) if the server needs credentials\n$"],
  ])('%i is exit 1 and one line naming the URL without its query or header values', async (status, message) => {
    server.hook = () => status;
    for (const command of [['fit', `${url}?${QUERY}`, '-s', '-'], ['apply', `${url}?${QUERY}`, '-o', 'out.parquet', '--mode', 'train']]) {
      const stderr = await fails([...command, '-H', `Authorization: ${TOKEN}`], 1, new RegExp(`^bn1d: error: ${url.replace(/\./g, '\\.')}: ${message}`), env());
      expect(stderr).not.toMatch(/5ec2e7|t0ken/);
    }
    expect(server.requests).toHaveLength(2);
  });

  test('a server that keeps failing is given up on, in one line', async () => {
    server.hook = () => 500;
    await fails(['fit', url, '-s', '-'], 1, /^bn1d: error: http:\/\/127\.0\.0\.1:\d+\/wine\.parquet: HTTP 500 Internal Server Error \(gave up after 5 attempts\)\n$/, env());
  });
});

describe('headers', () => {
  beforeEach(() => {
    server.required = ['Authorization', TOKEN];
  });

  test('a server that wants one answers 401 without it', async () => {
    await fails(['fit', url, '-s', '-'], 1, /wine\.parquet: HTTP 401 Unauthorized; check the URL, or pass --header/, env());
  });

  test('--header reaches the server, on every request', async () => {
    expect(numbers((await fit(url, env(), ['--header', `Authorization: ${TOKEN}`, '-H', 'X-Trace: 1'])).toString())).toBe(local);
    expect(server.requests.every((r) => r.headers.authorization === TOKEN && r.headers['x-trace'] === '1')).toBe(true);
  });

  test('BN1D_HTTP_HEADERS reaches it too, one header a line, and a --header of the same name replaces it', async () => {
    expect(numbers((await fit(url, env({ BN1D_HTTP_HEADERS: `X-Trace: 2\nAuthorization: ${TOKEN}\n` }))).toString())).toBe(local);
    expect(server.requests.every((r) => r.headers['x-trace'] === '2')).toBe(true);
    await ok(['fit', url, '-x', 'target', '-q', '-s', '-', '-H', `authorization: ${TOKEN}`], env({ BN1D_HTTP_HEADERS: 'Authorization: Bearer wrong' }));
    await ok(['apply', url, '--mode', 'train', '-o', 'train.parquet', '-q', '--force'], env({ BN1D_HTTP_HEADERS: `Authorization: ${TOKEN}` }));
  });

  test('report sends them too, and names the URL without its query', async () => {
    const state = join(dir, 'wine.json');
    await ok(['fit', WINE, '-x', 'target', '-q', '-s', state], env());
    await ok(['report', state, `${url}?${QUERY}`, '-o', 'wine.html', '-H', `Authorization: ${TOKEN}`], env());
    const html = readFileSync(join(dir, 'wine.html'), 'utf8');
    expect(html).toContain(url);
    expect(html).not.toMatch(/5ec2e7|t0ken/);
  });

  test('a header that is not "Name: value" is bad usage, without its value', async () => {
    for (const [args, more, message] of [
      [['-H', 'Bearer t0ken-5ecret'], {}, /^bn1d: error: --header: expected 'Name: value'/],
      [['-H', `Bad Name: ${TOKEN}`], {}, /^bn1d: error: --header: "Bad Name" is not a valid header name\n$/],
      [['-H', 'Range: bytes=0-'], {}, /^bn1d: error: --header: the Range header is set by the reader itself/],
      [[], { BN1D_HTTP_HEADERS: 'A: 1\nt0ken-5ecret' }, /^bn1d: error: BN1D_HTTP_HEADERS: line 2 is not a 'Name: value' header/],
    ] as const) {
      const stderr = await fails(['fit', url, '-s', '-', ...args], 2, message, env(more));
      expect(stderr).not.toMatch(/t0ken/);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('a server that ignores Range', () => {
  beforeEach(() => {
    server.ranges = false;
  });

  test('sends a small file whole, which gives the same state', async () => {
    const twice = numbers((await fit(WINE, env(), ['-e', '2'])).toString());
    expect(numbers((await fit(url, env(), ['-e', '2'])).toString())).toBe(twice);
    expect(server.requests.every((r) => r.headers.range === undefined || r.headers.range === 'bytes=0-65535')).toBe(true);
  });

  test('is not read whole for a file over 16 MiB: exit 1, saying why', async () => {
    const large = new Uint8Array((16 << 20) + 100);
    large.set(readFileSync(WINE).subarray(0, 4));
    server.put('/large.parquet', large);
    await fails(['fit', server.url('/large.parquet'), '-s', '-'], 1, /^bn1d: error: http:\/\/127\.0\.0\.1:\d+\/large\.parquet: the server does not support range requests .*download it first/, env());
  });
});

describe('a file that changes while it is read', () => {
  test('is an error, whether the server checks If-Match (412) or only sends the new ETag', async () => {
    for (const ifMatch of [true, false]) {
      server.reset();
      server.ifMatch = ifMatch;
      const file = server.put('/wine.parquet', readFileSync(WINE));
      server.hook = (_, n) => void (n === 3 && (file.etag = '"replaced"'));
      await fails(['fit', url, '-s', '-', '-e', '2'], 1, /wine\.parquet: the file changed on the server while it was being read/, env());
    }
  });
});

test('a URL is never an output', async () => {
  await fails(['apply', WINE, '--mode', 'train', '-o', url], 2, new RegExp(`^bn1d: error: ${url.replace(/\./g, '\\.')}: outputs are files or '-', not URLs\n$`), env());
});
