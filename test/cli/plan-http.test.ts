/**
 * plan and map of http(s) inputs, against a local server with range
 * requests: the folded state is the local fit's, a map fetches only the
 * footer and its own row groups' chunks of the features (as DuckDB's
 * parquet_metadata sizes them), headers reach the server, and a file
 * replaced on the server since the plan (a new ETag) is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fails, ok, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { TestServer } from '../helpers/http-server.js';

const dir = scratch();
const at = (name: string) => join(dir, name);
const server = new TestServer();
const ENV = { env: { BN1D_HTTP_RETRY_MS: '1', BN1D_HTTP_HEADERS: '' } };
const ROWS = 200_000;

beforeAll(async () => {
  await server.start();
  const column = (k: number) => `(hash(i * ${k + 3}) % 1000000)::DOUBLE / ${k + 7} AS f${k}`;
  await query(`COPY (SELECT ${[0, 1, 2, 3, 4, 5].map(column).join(', ')} FROM range(${ROWS}) r(i)) TO '${at('six.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 50000)`);
  server.put('/six.parquet', readFileSync(at('six.parquet')));
});
afterAll(() => server.stop());

const withoutFolded = (text: string) => {
  const doc = JSON.parse(text) as { fit: Record<string, unknown> };
  delete doc.fit.folded;
  return JSON.stringify(doc);
};

test('plan, map and fold by URL give the local fit, and a map fetches only its row groups of its features', async () => {
  const url = `${server.url('/six.parquet')}?X-Amz-Signature=abc`;
  await ok(['plan', url, '-c', 'f2', '-b', '1000', '--shards', '4', '-o', at('plan.json'), '-q'], ENV);
  const planned = JSON.parse(readFileSync(at('plan.json'), 'utf8'));
  expect(planned.inputs[0]).toMatchObject({ path: url, name: server.url('/six.parquet'), etag: expect.any(String) });
  server.reset();
  await ok(['map', '--plan', at('plan.json'), '--shard', '1', '-o', at('m1.parquet'), '-q'], ENV);
  // Shard 1 is rows 50,000 to 99,999: the f2 chunks of the row groups that hold them (DuckDB cuts groups at multiples of 2,048 rows).
  const groups = await query(`SELECT row_group_id AS g, row_group_num_rows AS n, total_compressed_size AS size FROM parquet_metadata('${at('six.parquet')}')
    WHERE path_in_schema = 'f2' ORDER BY row_group_id`);
  let start = 0;
  let needed = 0;
  for (const group of groups) {
    if (start < 100_000 && start + Number(group.n) > 50_000) needed += Number(group.size);
    start += Number(group.n);
  }
  const [all] = await query(`SELECT sum(total_compressed_size) AS size FROM parquet_metadata('${at('six.parquet')}')`);
  const fetched = server.bytesOf('/six.parquet');
  expect(needed).toBeLessThan(Number(all!.size) / 5);
  expect(fetched).toBeGreaterThanOrEqual(needed);
  // The rest: the first 64 KiB (the format, and the size), the footer, read twice, and a page header window per chunk.
  expect(fetched).toBeLessThan(needed + 120_000);
  for (const k of [0, 2, 3]) await ok(['map', '--plan', at('plan.json'), '--shard', String(k), '-o', at(`m${k}.parquet`), '-q'], ENV);
  const folded = await ok(['fold', ...[0, 1, 2, 3].map((k) => at(`m${k}.parquet`)), '-s', '-', '-q']);
  const local = (await ok(['fit', at('six.parquet'), '-c', 'f2', '-b', '1000', '-s', '-', '-q'])).toString();
  expect(withoutFolded(folded.toString())).toBe(withoutFolded(local).replace(JSON.stringify(at('six.parquet')), JSON.stringify(server.url('/six.parquet'))));
});

test('headers reach the server, and a file replaced since the plan is refused', async () => {
  server.reset();
  server.required = ['authorization', 'Bearer s3cr3t'];
  const url = server.url('/six.parquet');
  await fails(['plan', url, '--shards', '2', '-o', at('denied.json')], 1, /HTTP 401/, ENV);
  await ok(['plan', url, '--shards', '2', '-H', 'Authorization: Bearer s3cr3t', '-o', at('auth.json'), '-q'], ENV);
  await ok(['map', '--plan', at('auth.json'), '--shard', '0', '-o', at('a0.parquet'), '-q'], { env: { ...ENV.env, BN1D_HTTP_HEADERS: 'Authorization: Bearer s3cr3t' } });
  server.put('/six.parquet', readFileSync(at('six.parquet')), '"replaced"');
  const message = await fails(['map', '--plan', at('auth.json'), '--shard', '1', '-H', 'Authorization: Bearer s3cr3t', '-o', at('a1.parquet')], 1, /six\.parquet changed since the plan was made \(its ETag is "replaced"/, ENV);
  expect(message).not.toContain('s3cr3t');
});
