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

  test('every row is seen once per epoch: one batch of all rows per epoch gives the unshuffled statistics', async () => {
    // A 3,000-row buffer passes rows on while the row groups are still being read, and momentum 0.1 keeps both epochs in the state.
    const shuffled = await fit([data, '--shuffle', '-b', '20480', '-e', '2', '--shuffle-buffer', '3000']);
    const ordered = await fit([data, '-b', '20480', '-e', '2']);
    expect(shuffled.state.numBatchesTracked).toBe(2);
    expect(shuffled.state.fit).toMatchObject({ rows: 20480, batches: 2 });
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.abs(b) + 1e-12;
    shuffled.state.runningMean!.forEach((m, c) => expect(close(m, ordered.state.runningMean![c]!), `running_mean[${c}]`).toBe(true));
    shuffled.state.runningVar!.forEach((v, c) => expect(close(v, ordered.state.runningVar![c]!), `running_var[${c}]`).toBe(true));
    expect(typeof (shuffled.state.fit!.shuffle as { seed: number }).seed).toBe('number');
  });

  test('the row groups are visited in a new order each epoch, each of them once', async () => {
    // 8 row groups of 2,048 rows holding 0, 10, ..., 70. With batches of 2,048 rows, momentum 1 and a 2-row buffer
    // (which carries one row into the next batch), running_mean after each batch is within 0.04 of the value of the
    // row group the batch came from, and the trajectory keeps every batch up to 16: the order of both epochs.
    const groups = join(dir, 'eight-groups.parquet');
    await query(`COPY (SELECT (i // 2048)::DOUBLE * 10 AS x FROM range(16384) r(i)) TO '${groups}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const inFileOrder = [0, 1, 2, 3, 4, 5, 6, 7];
    const visits = async (args: string[]) => {
      const { trajectory } = (await fit([groups, ...args, '-e', '2', '-b', '2048', '-m', '1'])).state;
      expect(trajectory!.batches).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(trajectory!.epochStarts).toEqual([1, 9]);
      const visited = trajectory!.runningMean[0]!.map((m) => Math.round(m / 10));
      return [visited.slice(0, 8), visited.slice(8)];
    };
    expect(await visits([])).toEqual([inFileOrder, inFileOrder]);
    for (const seed of ['1', '2', '3']) {
      const [first, second] = await visits(['--shuffle', '--seed', seed, '--shuffle-buffer', '2']);
      expect([first, second].map((order) => [...order!].sort((x, y) => x - y))).toEqual([inFileOrder, inFileOrder]);
      expect(first, `seed ${seed}`).not.toEqual(inFileOrder);
      expect(second, `seed ${seed}`).not.toEqual(first);
    }
  });

  test('an Arrow stream on stdin is read through a temporary file in TMPDIR, in a seeded random order, and the file is removed', async () => {
    const input = readFileSync(stream);
    const fromStdin = async (args: string[], tmp: string) => {
      const run = await bn1d(['fit', '-', ...args, '-e', '3', '-s', '-'], { input, env: { TMPDIR: tmp } });
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(readdirSync(tmp)).toEqual([]);
      return run.stdout.toString();
    };
    const tmp = scratch();
    const a = await fromStdin(['--shuffle', '--seed', '3'], tmp);
    const b = await fromStdin(['--shuffle', '--seed', '3'], tmp);
    const ordered = await fromStdin([], tmp);
    expect(numbers(b)).toBe(numbers(a));
    expect(numbers(a)).not.toBe(numbers(ordered));
    const fromFile = await fit([data, '--shuffle', '--seed', '3', '-e', '3']);
    expect(parseState(a).numBatchesTracked).toBe(fromFile.state.numBatchesTracked);
    // Without a TMPDIR to write the copy in, a shuffled stream cannot be read.
    const missing = await bn1d(['fit', '-', '--shuffle', '-s', '-'], { input, env: { TMPDIR: join(tmp, 'missing') } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(join(tmp, 'missing'));
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
