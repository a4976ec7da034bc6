/**
 * Inputs by http:// URL, black box, against a local server with range
 * requests: a fit or an apply by URL gives the bytes it gives of the local
 * file (Parquet, Arrow IPC file and stream, on one thread or several), and
 * a fit of one column fetches the footer and that column's chunks, not the
 * others (as DuckDB's parquet_metadata sizes them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseState } from '../../src/core/state-json.js';
import { ok, ROOT, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { TestServer } from '../helpers/http-server.js';

const dir = scratch();
const at = (name: string) => join(dir, name);
const server = new TestServer();
// Retries a millisecond apart; threads from 1 MB of input per thread (48 MB by default).
const ENV = { env: { BN1D_HTTP_RETRY_MS: '1', BN1D_HTTP_HEADERS: '', BN1D_JOB_BYTES: String(1 << 20) } };
const WINE = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const SIGNED = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101%2Fus-east-1&X-Amz-Signature=5ec2e7';
const ROWS = 200_000;

/** Serves a local file at /<its name>; returns its URL. */
function serve(path: string, name = path.slice(path.lastIndexOf('/'))): string {
  server.put(name, readFileSync(path));
  return server.url(name);
}

/** `bn1d fit` to stdout, with `file` as the input. */
async function fitText(file: string, args: string[]): Promise<string> {
  return (await ok(['fit', file, ...args, '-q', '-s', '-'], ENV)).toString();
}

/** The state of a fit by URL, with the local path where it names the URL: the local fit's text, byte for byte, when they agree. */
async function fitAsLocal(url: string, local: string, args: string[]): Promise<string> {
  const text = await fitText(url, args);
  const name = url.replace(/\?.*$/, '');
  expect(parseState(text).fit!.inputs).toEqual([name]);
  return text.split(JSON.stringify(name)).join(JSON.stringify(local));
}

beforeAll(async () => {
  await server.start();
  const column = (k: number) => `(hash(i * ${k + 3}) % 1000000)::DOUBLE / ${k + 7} AS f${k}`;
  await query(`COPY (SELECT ${[0, 1, 2, 3, 4, 5].map(column).join(', ')} FROM range(${ROWS}) r(i)) TO '${at('wide.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 50000)`);
  const index = Array.from({ length: 30_000 }, (_, i) => i);
  const frame = pl.DataFrame({
    x: index.map((i) => (i % 17 === 0 ? null : Math.sin(i) * 40 + 3)),
    n: pl.Series('n', index.map((i) => (i * 7919) % 1000), pl.Int32),
    label: index.map((i) => `row ${i}`),
  });
  frame.writeIPC(at('polars.arrow'));
  frame.writeIPCStream(at('polars.arrows'));
  const six = pl.DataFrame(Object.fromEntries([0, 1, 2, 3, 4, 5].map((k) => [`c${k}`, index.map((i) => Math.cos(i * (k + 1)))])));
  six.writeIPC(at('six.arrow'));
}, 120_000);
afterAll(() => server.stop());

describe('fit by URL', () => {
  test.each([
    ['a DuckDB Parquet file', WINE, ['-x', 'target', '-e', '2', '-m', 'none', '-b', '50']],
    ['a Polars Arrow IPC file', 'polars.arrow', ['-e', '2', '-b', '1000']],
    ['a Polars Arrow IPC stream', 'polars.arrows', ['-e', '2', '-b', '1000', '--drop-last']],
  ])('of %s gives the local file\'s state, byte for byte; its query is not recorded', async (_, file, args) => {
    const local = file.startsWith('/') ? file : at(file);
    const url = `${serve(local)}?${SIGNED}`;
    expect(await fitAsLocal(url, local, args)).toBe(await fitText(local, args));
    expect(server.requests.at(-1)!.url).toBe(`${local.slice(local.lastIndexOf('/'))}?${SIGNED}`);
  });

  test('on several threads gives the state of one thread over the local file', async () => {
    const url = serve(at('wide.parquet'));
    const local = await fitText(at('wide.parquet'), ['--jobs', '1', '-m', 'none']);
    expect(await fitAsLocal(url, at('wide.parquet'), ['--jobs', '3', '-m', 'none'])).toBe(local);
  });

  test('of 1 column of 6 fetches far fewer bytes than the other 5 columns\' chunks', async () => {
    const url = serve(at('wide.parquet'), '/wide-1-of-6.parquet');
    const chunks = await query(`SELECT path_in_schema AS name, SUM(total_compressed_size)::BIGINT AS bytes FROM parquet_metadata('${at('wide.parquet')}') GROUP BY 1`);
    const size = (name: string) => Number(chunks.find((c) => c.name === name)!.bytes);
    const others = ['f1', 'f2', 'f3', 'f4', 'f5'].reduce((sum, name) => sum + size(name), 0);
    expect(parseState(await fitText(url, ['-c', 'f3', '--jobs', '1'])).fit!.rows).toBe(ROWS);
    const fetched = server.bytesOf('/wide-1-of-6.parquet');
    expect(fetched).toBeGreaterThanOrEqual(size('f3'));
    expect(fetched).toBeLessThan(others / 4);
  });

  test('of 1 column of 6 of an Arrow IPC file fetches that column\'s buffers, not the others\'', async () => {
    const url = serve(at('six.arrow'));
    const values = 30_000 * 8; // one float64 column, no nulls
    expect(readFileSync(at('six.arrow')).length).toBeGreaterThan(6 * values);
    await fitText(url, ['-c', 'c2']);
    expect(server.bytesOf('/six.arrow')).toBeGreaterThanOrEqual(values);
    expect(server.bytesOf('/six.arrow')).toBeLessThan(2 * values);
  });
});

describe('apply by URL', () => {
  test.each([
    ['Parquet into Parquet', WINE, 'wine.json', ['-x', 'target'], 'out.parquet', []],
    ['on several threads', 'wide.parquet', 'wide.json', [], 'out.parquet', ['--jobs', '3']],
    ['an Arrow IPC file into an Arrow IPC file', 'polars.arrow', 'polars.json', [], 'out.arrow', []],
    ['an Arrow IPC stream into Parquet', 'polars.arrows', 'polars.json', [], 'out.parquet', []],
  ])('%s writes the bytes it writes of the local file', async (_, file, state, fitArgs, out, args) => {
    const local = file.startsWith('/') ? file : at(file);
    await ok(['fit', local, ...fitArgs, '-q', '-s', at(state)], ENV);
    await ok(['apply', local, '-s', at(state), '-o', at(`local-${out}`), '-q', '--force', ...args], ENV);
    await ok(['apply', `${serve(local)}?${SIGNED}`, '-s', at(state), '-o', at(`url-${out}`), '-q', '--force', ...args], ENV);
    expect(readFileSync(at(`url-${out}`)).equals(readFileSync(at(`local-${out}`)))).toBe(true);
  });
});
