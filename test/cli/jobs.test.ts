/**
 * fit --jobs: the channels spread over worker threads give the state of one
 * thread, byte for byte, and the same error, the one first in the row-wise
 * order, whichever thread meets it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bn1d, fails, ok, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';

const dir = scratch();
// Threads start from 1 MB of input per thread here (48 MB by default), so every run with --jobs above 1 uses them.
const env = { env: { BN1D_JOB_BYTES: String(1 << 20) } };
const data = join(dir, 'wide.parquet');
const bad = join(dir, 'bad.parquet');
const badFirst = join(dir, 'bad-first.parquet');

beforeAll(async () => {
  const columns = (nanAt: (k: number) => string) =>
    [0, 1, 2, 3, 4].map((k) => `CASE WHEN ${nanAt(k)} THEN 'NaN'::DOUBLE ELSE (hash(i * ${k + 3}) % 100000)::DOUBLE / ${k + 7} END AS f${k}`).join(', ');
  await query(`COPY (SELECT i AS id, ${columns(() => 'false')} FROM range(1200000) r(i)) TO '${data}' (FORMAT parquet, ROW_GROUP_SIZE 300000)`);
  // NaN in f0 (the first thread's) late, in f3 (the second's) early: the early one is the error.
  await query(`COPY (SELECT i AS id, ${columns((k) => (k === 0 ? 'i = 1000000' : k === 3 ? 'i = 70000' : 'false'))} FROM range(1200000) r(i)) TO '${bad}' (FORMAT parquet, ROW_GROUP_SIZE 300000)`);
  // The other way round: the early NaN is in f0, the share of the main thread.
  await query(`COPY (SELECT i AS id, ${columns((k) => (k === 0 ? 'i = 70000' : k === 3 ? 'i = 1000000' : 'false'))} FROM range(1200000) r(i)) TO '${badFirst}' (FORMAT parquet, ROW_GROUP_SIZE 300000)`);
}, 120_000);

describe('fit --jobs', () => {
  test('gives the same state file for 1, 2 and 3 threads, and for 2 epochs', async () => {
    const states = [];
    for (const jobs of ['1', '2', '3']) {
      await ok(['fit', data, '-x', 'id', '-e', '2', '-m', 'none', '-q', '--jobs', jobs, '-s', join(dir, `s${jobs}.json`)], env);
      states.push(readFileSync(join(dir, `s${jobs}.json`), 'utf8'));
    }
    expect(states[0]).toContain('"num_batches_tracked": 9376');
    expect(states[1]).toBe(states[0]);
    expect(states[2]).toBe(states[0]);
  });

  test('reports the NaN of the earliest batch, met by another thread than the first column', async () => {
    const one = await fails(['fit', bad, '-x', 'id', '-q', '--jobs', '1', '-s', join(dir, 'x.json')], 1, /column "f3" has NaN at row 70,000 of/, env);
    const two = await fails(['fit', bad, '-x', 'id', '-q', '--jobs', '2', '-s', join(dir, 'x.json')], 1, /column "f3" has NaN at row 70,000 of/, env);
    expect(two).toBe(one);
  });

  test('reports the NaN of the earliest batch when the main thread\'s share meets it, for 2 and 3 threads', async () => {
    const one = await fails(['fit', badFirst, '-x', 'id', '-q', '--jobs', '1', '-s', join(dir, 'x.json')], 1, /column "f0" has NaN at row 70,000 of/, env);
    for (const jobs of ['2', '3']) {
      expect(await fails(['fit', badFirst, '-x', 'id', '-q', '--jobs', jobs, '-s', join(dir, 'x.json')], 1, /column "f0" has NaN at row 70,000 of/, env)).toBe(one);
    }
  });

  test('takes a whole number of at least 1', async () => {
    const run = await bn1d(['fit', data, '--jobs', '0', '-s', join(dir, 'y.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--jobs/);
  });
});

describe('apply --jobs', () => {
  test('writes the same bytes for 1, 2 and 3 threads, which DuckDB reads as normalized', async () => {
    const state = join(dir, 's1.json');
    const outs = [];
    for (const jobs of ['1', '2', '3']) {
      const out = join(dir, `out${jobs}.parquet`);
      await ok(['apply', data, '-s', state, '-o', out, '-q', '--jobs', jobs], env);
      outs.push(readFileSync(out));
    }
    expect(outs[1]!.equals(outs[0]!)).toBe(true);
    expect(outs[2]!.equals(outs[0]!)).toBe(true);
    const s = JSON.parse(readFileSync(state, 'utf8')) as { running_mean: number[]; running_var: number[]; eps: number };
    const [row] = await query(
      `SELECT max(abs(o.f2 - ((i.f2 - ${s.running_mean[2]}) / sqrt(${s.running_var[2]} + ${s.eps})))) AS err, count(*) AS n, bool_and(o.id = i.id) AS ids
       FROM read_parquet('${join(dir, 'out2.parquet')}') o POSITIONAL JOIN read_parquet('${data}') i`,
    );
    expect(Number(row!.n)).toBe(1_200_000);
    expect(row!.ids).toBe(true);
    expect(Number(row!.err)).toBeLessThan(1e-12);
  });

  test('names the first bad column chunk in file order, whichever thread met it', async () => {
    const state = join(dir, 's1.json');
    const one = await fails(['apply', bad, '-s', state, '-o', join(dir, 'bad1.parquet'), '-q', '--jobs', '1'], 1, /column "f3" has NaN at row 70,000 of/, env);
    const two = await fails(['apply', bad, '-s', state, '-o', join(dir, 'bad2.parquet'), '-q', '--jobs', '2'], 1, /column "f3" has NaN at row 70,000 of/, env);
    expect(two).toBe(one);
  });
});
