/**
 * The library's fit() and apply() of http(s) inputs: `headers` reach the
 * server, the progress knows the rows up front from the footer, the state
 * names the URL without its query, and headers that cannot be sent are a
 * UsageError naming options.headers (never a header's value).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { apply } from '../../src/pipeline/apply.js';
import { fit } from '../../src/pipeline/fit.js';
import { ROOT, scratch } from '../helpers/cli.js';
import { TestServer } from '../helpers/http-server.js';

const server = new TestServer();
const WINE = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const headers = { Authorization: 'Bearer l1brary-t0ken' };
let url: string;

beforeAll(async () => {
  await server.start();
  server.put('/wine.parquet', readFileSync(WINE));
  server.required = ['authorization', headers.Authorization];
  url = server.url('/wine.parquet');
});
afterAll(() => server.stop());

describe('fit() of a URL', () => {
  test('sends options.headers, knows the rows up front, and gives the state of the local file', async () => {
    const totals = new Set<number | undefined>();
    const options = { exclude: ['target'], epochs: 3, batchSize: 64, jobs: 1 };
    const remote = await fit(`${url}?sig=abc`, { ...options, headers, onProgress: (p) => totals.add(p.totalRows) });
    expect([...totals]).toEqual([178 * 3]);
    expect(remote.fit!.inputs).toEqual([url]);
    const local = await fit(WINE, options);
    expect({ ...remote, fit: local.fit }).toEqual(local);
  });

  test('headers a server cannot be sent are refused before any request, by name', async () => {
    const before = server.requests.length;
    for (const [bad, message] of [
      [{ 'Bad Name': 's3cret' }, 'options.headers: "Bad Name" is not a valid header name'],
      [{ 'If-Match': 's3cret' }, 'options.headers: the If-Match header is set by the reader itself and cannot be given'],
      [{ 'X-Key': 's3cret\nHost: x' }, 'options.headers: the value of the X-Key header holds a line break or a NUL character'],
      [['Authorization: s3cret'], 'options.headers must map header names to values'],
    ] as const) {
      const error = await fit(url, { headers: bad as never }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(message);
    }
    expect(server.requests.length).toBe(before);
  });
});

test('apply() of a URL sends options.headers and writes what it writes of the local file', async () => {
  const dir = scratch();
  const state = await fit(WINE, { exclude: ['target'] });
  await apply(url, state, { output: join(dir, 'remote.parquet'), headers, jobs: 1 });
  await apply(WINE, state, { output: join(dir, 'local.parquet'), jobs: 1 });
  expect(readFileSync(join(dir, 'remote.parquet')).equals(readFileSync(join(dir, 'local.parquet')))).toBe(true);
});
