/** fit --shuffle, black box: a seeded order per epoch, every row once, reproducible, over files and streams. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseState } from '../../src/core/state-json.js';
import { bn1d, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { parquetAsArrow } from '../helpers/tables.js';
import { tableToIPC } from 'apache-arrow';
import { writeFileSync } from 'node:fs';

const dir = scratch();
const data = join(dir, 'groups.parquet');
const stream = join(dir, 'groups.arrows');

beforeAll(async () => {
  // 20,480 rows in 10 row groups whose means differ, so the order shows in an EMA.
  await query(`COPY (SELECT (i // 2048)::DOUBLE * 10 + (hash(i) % 1000)::DOUBLE / 1000 AS x, (i % 7)::DOUBLE AS y FROM range(20480) r(i)) TO '${data}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  const table = await parquetAsArrow(data);
  writeFileSync(stream, tableToIPC(table, 'stream'));
});

async function fit(args: string[], input?: Uint8Array) {
  const run = await bn1d(['fit', ...args, '-s', '-'], { input });
  expect([run.code, run.stderr]).toEqual([0, '']);
  return { text: run.stdout.toString(), state: parseState(run.stdout.toString()) };
}
const numbers = (text: string) => text.slice(0, text.indexOf('"fit"'));

describe('fit --shuffle', () => {
  test('the same seed gives the same state bit for bit; another seed, another order', async () => {
    const a = await fit([data, '--shuffle', '--seed', '7', '-e', '2', '--shuffle-buffer', '3000']);
    const b = await fit([data, '--shuffle', '--seed', '7', '-e', '2', '--shuffle-buffer', '3000']);
    const c = await fit([data, '--shuffle', '--seed', '8', '-e', '2', '--shuffle-buffer', '3000']);
    const ordered = await fit([data, '-e', '2']);
    expect(numbers(b.text)).toBe(numbers(a.text));
    expect(numbers(c.text)).not.toBe(numbers(a.text));
    expect(numbers(ordered.text)).not.toBe(numbers(a.text));
    expect(a.state.fit).toMatchObject({ shuffle: { seed: 7, buffer: 3000 }, rows: 20480, batches: 160 });
  });

  test('every row is seen once per epoch: one batch of all rows gives the unshuffled mean', async () => {
    const shuffled = await fit([data, '--shuffle', '-b', '20480', '-m', '1']);
    const ordered = await fit([data, '-b', '20480', '-m', '1']);
    expect(shuffled.state.numBatchesTracked).toBe(1);
    shuffled.state.runningMean!.forEach((m, c) => expect(Math.abs(m - ordered.state.runningMean![c]!)).toBeLessThan(1e-12 * Math.abs(m) + 1e-12));
    expect(typeof (shuffled.state.fit!.shuffle as { seed: number }).seed).toBe('number');
  });

  test('the row groups are visited in a new order each epoch: the EMA differs from epoch to epoch order', async () => {
    // With momentum 1 the state is the last batch's: in file order always the last row group (mean ~ 95).
    const last = async (seed: string) => (await fit([data, '--shuffle', '--seed', seed, '-b', '2048', '-m', '1', '--shuffle-buffer', '2'])).state.runningMean![0]!;
    const means = await Promise.all(['1', '2', '3', '4', '5', '6'].map(last));
    expect(new Set(means.map((m) => Math.round(m / 10))).size).toBeGreaterThan(2);
  });

  test('an Arrow stream on stdin is copied to a temporary file once, read in random order, and removed', async () => {
    const tmp = scratch();
    const run = await bn1d(['fit', '-', '--shuffle', '--seed', '3', '-e', '3', '-s', '-'], { input: readFileSync(stream), env: { TMPDIR: tmp } });
    expect([run.code, run.stderr]).toEqual([0, '']);
    const fromFile = await fit([data, '--shuffle', '--seed', '3', '-e', '3']);
    expect(parseState(run.stdout.toString()).numBatchesTracked).toBe(fromFile.state.numBatchesTracked);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test('NaN still names where it is, before rows are shuffled', async () => {
    const nan = join(dir, 'nan.parquet');
    await query(`COPY (SELECT CASE WHEN i = 5000 THEN 'nan'::DOUBLE ELSE i END AS x FROM range(8192) r(i)) TO '${nan}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const run = await bn1d(['fit', nan, '--shuffle', '-s', join(dir, 'never.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bn1d: error: column "x" has NaN at row 904 of row group 2 of .*nan\.parquet; /);
  });

  test('--seed and --shuffle-buffer need --shuffle', async () => {
    const run = await bn1d(['fit', data, '--seed', '3']);
    expect([run.code, run.stderr]).toEqual([2, 'bn1d: error: --seed and --shuffle-buffer need --shuffle\n']);
  });
});
