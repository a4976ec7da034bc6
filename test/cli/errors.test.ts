/** Every error a user can cause: one line on stderr, the SPEC's exit code, nothing written. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bn1d, ROOT, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { realAsArrow } from '../helpers/tables.js';

const dir = scratch();
const wine = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const state = join(dir, 'stats.json');
const nan = join(dir, 'nan.parquet');
const empty = join(dir, 'empty.parquet');
const strings = join(dir, 'strings.parquet');
const WINE_COLUMNS = 'alcohol, malic_acid, ash, alcalinity_of_ash, magnesium, total_phenols, flavanoids, nonflavanoid_phenols, proanthocyanins, color_intensity, hue, od280/od315_of_diluted_wines, proline, target';

beforeAll(async () => {
  expect((await bn1d(['fit', wine, '-x', 'target', '-s', state])).code).toBe(0);
  await query(`COPY (SELECT i::DOUBLE AS x, CASE WHEN i = 7 THEN 'nan'::DOUBLE WHEN i = 9 THEN 'inf'::DOUBLE ELSE i * 2 END AS y FROM range(12) r(i)) TO '${nan}' (FORMAT parquet)`);
  await query(`COPY (SELECT 1.5::DOUBLE AS x WHERE false) TO '${empty}' (FORMAT parquet)`);
  await query(`COPY (SELECT 'a' || i AS s, i AS n FROM range(5) r(i)) TO '${strings}' (FORMAT parquet)`);
  writeFileSync(join(dir, 'data.csv'), 'x,y\n1,2\n');
  writeFileSync(join(dir, 'zero.parquet'), '');
  writeFileSync(join(dir, 'not-state.json'), '{"hello": 1}');
  mkdirSync(join(dir, 'no-data'));
  await realAsArrow('wine', dir);
});

/** Runs bn1d and checks the exit code and that stderr is exactly one `bn1d: error:` line matching `message`. */
async function fails(args: string[], code: 1 | 2, message: RegExp | string, input?: string) {
  const run = await bn1d(args, { cwd: dir, input });
  expect(run.stderr).toMatch(/^bn1d: error: [^\n]*\n$/);
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(code);
  expect(run.stdout.length).toBe(0);
  return run;
}

describe('bad usage exits 2', () => {
  test.each([
    [['fit'], /missing required argument 'input'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['fit', wine, '--bogus'], /unknown option '--bogus'/],
    [['fit', wine, '-b', '0'], /--batch-size <n>' argument '0' is invalid\. expected a positive integer/],
    [['fit', wine, '-b', '2.5'], /expected a positive integer/],
    [['fit', wine, '-e', 'many'], /--epochs <n>' argument 'many' is invalid/],
    [['fit', wine, '-m', '1.5'], /expected a number in \(0, 1\], or none/],
    [['fit', wine, '-m', 'sometimes'], /expected a number in \(0, 1\], or none/],
    [['fit', wine, '--eps', '-1'], /expected a number >= 0/],
    [['fit', wine, '-c', 'a,,b'], /expected comma-separated column names/],
    [['fit', wine, '-c', 'a,a'], /column "a" is listed twice/],
    [['fit', wine, '-c', 'alcohol', '-x', 'hue'], /with --columns, list only the columns you want/],
    [['fit', '-', '-'], /stdin \('-'\) can be given only once/],
    [['fit', wine, '--resume', 'stats.json', '-m', '0.5'], /--momentum cannot be combined with --resume/],
    [['fit', wine, '-s', 'not-state.json'], /not-state.json exists and is not a bn1d state file: not overwriting it/],
    [['fit', wine, '-s', wine], /is the input/],
    [['apply', wine], /--state is required in eval mode/],
    [['apply', wine, '-s', 'stats.json', '--mode', 'sideways'], /argument 'sideways' is invalid. Allowed choices are eval, train/],
    [['apply', wine, '-s', 'stats.json', '--format', 'csv'], /Allowed choices are parquet, arrow, arrows/],
    [['apply', wine, '-s', 'stats.json', '-o', 'out.dat'], /cannot tell the output format from "out.dat"/],
    [['apply', wine, '-s', 'stats.json', '-c', 'alcohol'], /--columns cannot be combined with --state/],
    [['apply', wine, '-s', 'stats.json', '-b', '10'], /--batch-size applies only to --mode train/],
    [['inspect'], /missing required argument 'state'/],
    [['fit', wine, '-c', 'alcohl'], /^bn1d: error: --columns: .*wine\.parquet has no column "alcohl" \(did you mean "alcohol"\?\); its columns are: COLUMNS\n$/],
    [['fit', wine, '-c', 'hue', '-c', 'Proline'], /--columns: .*wine\.parquet has no column "Proline" \(did you mean "proline"\?\)/],
    [['fit', wine, '-x', 'nope'], /^bn1d: error: --exclude: .*wine\.parquet has no column "nope"; its columns are: COLUMNS\n$/],
    [['apply', wine, '--mode', 'train', '-c', 'ash,hue,magnesum'], /--columns: .*wine\.parquet has no column "magnesum" \(did you mean "magnesium"\?\)/],
    [['apply', wine, '--mode', 'train', '-x', 'targte'], /--exclude: .*wine\.parquet has no column "targte" \(did you mean "target"\?\)/],
    [['inspect', wine], /^bn1d: error: .*wine\.parquet is a Parquet data file, not a state: expected a bn1d state \(JSON\) or a safetensors file\n$/],
    [['inspect', 'wine.arrow'], /^bn1d: error: wine\.arrow is an Arrow IPC data file, not a state: expected a bn1d state/],
    [['export', 'wine.arrows', '-o', 'never.safetensors'], /^bn1d: error: wine\.arrows is an Arrow IPC data stream, not a state: expected/],
    [['report', wine, '-o', 'never.html'], /wine\.parquet is a Parquet data file, not a state/],
    [['apply', wine, '-s', wine, '-o', 'never.parquet'], /wine\.parquet is a Parquet data file, not a state/],
    [['fit', wine, '--resume', 'wine.arrow', '-s', 'never.json'], /wine\.arrow is an Arrow IPC data file, not a state/],
    [['import', wine, '-o', 'never.json'], /wine\.parquet is a Parquet data file, not a safetensors file \(bn1d import reads a PyTorch state_dict saved as safetensors\)/],
  ])('%j', async (args, message) => {
    // COLUMNS stands for every column of the wine table, in schema order.
    await fails(args.map((a) => (a === 'stats.json' ? state : a)), 2, new RegExp(message.source.replace('COLUMNS', WINE_COLUMNS)));
  });
});

describe('bad data exits 1', () => {
  test.each([
    [['fit', 'missing.parquet'], 'bn1d: error: cannot read missing.parquet: no such file or directory'],
    [['fit', 'no-data'], /^bn1d: error: no-data: no Parquet or Arrow file in this folder or below/],
    [['fit', 'zero.parquet'], 'bn1d: error: zero.parquet: the input is empty (expected Parquet or Arrow IPC data)'],
    [['fit', 'data.csv'], /data.csv: not a Parquet or Arrow IPC file .*for CSV, convert it first/],
    [['fit', strings, '-c', 's'], /column "s" of .*strings.parquet has type Utf8: features must be integer, floating-point or decimal/],
    [['fit', empty], /no rows to fit in .*empty.parquet/],
    [['fit', nan], /column "y" has NaN at row 7 of .*nan.parquet; clean the data, or pass --nan skip/],
    [['fit', wine, '-b', '177', '-x', 'target'], /batch 1 \(row 177 of .*wine.parquet\) has only 1 value in column "alcohol".*--drop-last/],
    [['fit', wine, strings], /strings.parquet has no column "alcohol", which .*wine.parquet has: inputs must share the feature columns/],
    [['apply', wine, '-s', 'missing.json'], 'bn1d: error: cannot read state missing.json: no such file or directory'],
    [['apply', wine, '-s', 'not-state.json'], /not-state.json: not a bn1d state file/],
    [['apply', strings, '-s', 'stats.json'], /strings.parquet has no column "alcohol"/],
    [['apply', nan, '--mode', 'train'], /column "y" has NaN at row 7/],
    [['inspect', 'data.csv'], /data.csv: not valid JSON/],
  ])('%j', async (args, message) => {
    await fails(args.map((a) => (a === 'stats.json' ? state : a)), 1, message);
  });

  test('no temporary or partial file is left behind after a failure', async () => {
    const sub = scratch();
    await bn1d(['apply', nan, '--mode', 'train', '-o', join(sub, 'out.parquet')]);
    await bn1d(['fit', nan, '-s', join(sub, 'state.json')]);
    expect(readdirSync(sub)).toEqual([]);
  });

  test('--nan skip leaves NaN and infinity out of the statistics', async () => {
    const run = await bn1d(['fit', nan, '--nan', 'skip', '-s', '-']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout.toString());
    // y is 2i but NaN at row 7 and infinite at row 9; x (0 to 11) keeps those rows.
    const ys = [0, 2, 4, 6, 8, 10, 12, 16, 20, 22];
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const variance = ys.reduce((a, y) => a + (y - mean) ** 2, 0) / (ys.length - 1);
    expect(doc.running_mean[1]).toBeCloseTo(0.1 * mean, 12);
    expect(doc.running_var[1]).toBeCloseTo(0.9 + 0.1 * variance, 12);
    expect(doc.running_mean[0]).toBeCloseTo(0.1 * 5.5, 12);
    expect(doc.running_var[0]).toBeCloseTo(0.9 + 0.1 * 13, 12);
  });

  test('BN1D_DEBUG=1 adds the stack trace', async () => {
    const run = await bn1d(['fit', 'missing.parquet'], { cwd: dir, env: { BN1D_DEBUG: '1' } });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').length).toBeGreaterThan(3);
    // The package ships no source maps: the trace names the functions of the bundle.
    expect(run.stderr).toMatch(/at openFile /);
  });
});

describe('help', () => {
  test.each(['fit', 'apply', 'inspect'])('%s --help has examples and exits 0', async (command) => {
    const run = await bn1d([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toMatch(/Examples:\n {2}\$ bn1d /);
  });
});
