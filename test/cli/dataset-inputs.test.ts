/**
 * Datasets as folders and globs, black box: a Spark-like folder written by
 * DuckDB (hive partitions, _SUCCESS, .crc files, _metadata...), and Arrow
 * files written by Polars, read as the sorted list of their data files.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseState } from '../../src/core/state-json.js';
import { bn1d, fails, ok, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { readOutput } from '../helpers/tables.js';

const dir = scratch();
const at = (path: string) => join(dir, path);
const run = (args: string[]) => bn1d(args, { cwd: dir });
const FIT = ['-b', '384', '-e', '2', '-m', 'none', '-x', 'id'];
/** The part files of events/, as find and LC_ALL=C sort list them. */
let parts: string[];

/** Rows whose x depends on the day, so the order of the files shows in the state. */
const rows = (from: number, to: number, label = `'row ' || i`) =>
  `SELECT i AS id, (i % 3) * 100 + (hash(i) % 1000)::DOUBLE / 100 AS x, (i % 11)::FLOAT AS y, ${label} AS label, DATE '2024-01-01' + (i % 3)::INT AS date FROM range(${from}, ${to}) r(i)`;

beforeAll(async () => {
  // Two writes into the same folder, as two Spark tasks would: two part files per day.
  for (const part of [0, 1]) {
    await query(`COPY (${rows(part * 3000, part * 3000 + 3000)}) TO '${at('events')}' (FORMAT parquet, PARTITION_BY (date), APPEND, FILENAME_PATTERN 'part-0000${part}-{uuid}.c000.snappy')`);
  }
  // What Spark and Hadoop leave beside the data, here holding a NaN that would fail the fit if it were read.
  const poison = at('poison.parquet');
  await query(`COPY (SELECT 0 AS id, 'nan'::DOUBLE AS x, 1::FLOAT AS y, 'bad' AS label) TO '${poison}' (FORMAT parquet)`);
  writeFileSync(at('events/_SUCCESS'), '');
  for (const litter of ['_metadata', '_common_metadata', '_temporary/0/part-00000-tmp.c000.snappy.parquet', '.spark-staging/part-00000.parquet', 'date=2024-01-01/.part-00000.c000.snappy.parquet.crc', 'date=2024-01-02/part-00000.c000.snappy.parquet.crc']) {
    mkdirSync(join(at('events'), litter, '..'), { recursive: true });
    copyFileSync(poison, join(at('events'), litter));
  }
  writeFileSync(at('events/README.txt'), 'Events, one folder per day.\n');
  mkdirSync(at('events/date=2024-01-03/empty/nested'), { recursive: true });
  parts = execFileSync('sh', ['-c', "find events -type f -name '*.parquet' ! -path '*/[._]*' | LC_ALL=C sort"], { cwd: dir }).toString().trim().split('\n');

  // Polars writes Arrow IPC files; Hive names a Parquet part file without an extension.
  mkdirSync(at('mixed/k=1'), { recursive: true });
  mkdirSync(at('mixed/k=2'), { recursive: true });
  const frame = (from: number) => pl.DataFrame({ x: Array.from({ length: 500 }, (_, i) => Math.sin(from + i) * 50), y: Array.from({ length: 500 }, (_, i) => (from + i) % 7) });
  frame(0).writeIPC(at('mixed/k=1/part-00000.arrow'));
  frame(500).writeIPC(at('mixed/k=2/part-00000.arrow'));
  await query(`COPY (SELECT (i % 13)::DOUBLE AS x, (i % 5)::DOUBLE AS y FROM range(700) r(i)) TO '${at('mixed/k=1/000000_0')}' (FORMAT parquet)`);

  // A folder with nothing to read, and a file whose name has glob characters.
  mkdirSync(at('nothing/date=2024-01-01'), { recursive: true });
  writeFileSync(at('nothing/_SUCCESS'), '');
  writeFileSync(at('nothing/README.txt'), 'Nothing yet.\n');
  copyFileSync(join(dir, parts[0]!), at('weird[1].parquet'));
  expect((await run(['fit', 'events/', '-x', 'id', '-s', 'events.json'])).code).toBe(0);
});

async function fit(args: string[]) {
  const stdout = await ok(['fit', ...args, '-s', '-'], { cwd: dir });
  return { text: stdout.toString(), state: parseState(stdout.toString()) };
}
/** A state's text without its fit block (which names the inputs). */
const numbers = (text: string) => text.replace(/\n {2}"fit": .*\n/, '\n');

describe('a dataset folder', () => {
  test('is its part files in sorted path order: the same state bit for bit as listing them', async () => {
    expect(parts).toHaveLength(6);
    const folder = await fit(['events/', ...FIT]);
    const listed = await fit([...parts, ...FIT]);
    expect(numbers(folder.text)).toBe(numbers(listed.text));
    expect(folder.state.fit).toMatchObject({ inputs: ['events/'], files: 6, rows: 6000 });
    expect(listed.state.fit!.files).toBeUndefined();
    // Another order of the same files gives another state: the order is what was checked.
    expect(numbers((await fit([...parts].reverse().concat(FIT))).text)).not.toBe(numbers(folder.text));
  });

  test('skips _ and . files and folders, .crc files and files that are not data, each of which would fail the fit', async () => {
    for (const litter of ['events/_metadata', 'events/_temporary/0/part-00000-tmp.c000.snappy.parquet', 'events/date=2024-01-02/part-00000.c000.snappy.parquet.crc']) {
      await fails(['fit', litter, '-s', '-'], 1, /column "x" has NaN at row 0/, { cwd: dir });
    }
    await fails(['fit', 'events/README.txt', '-s', '-'], 1, /README.txt: not a Parquet or Arrow IPC file/, { cwd: dir });
  });

  test('of Arrow files by Polars and Parquet files without an extension reads them all, in path order', async () => {
    const listed = ['mixed/k=1/000000_0', 'mixed/k=1/part-00000.arrow', 'mixed/k=2/part-00000.arrow'];
    expect(numbers((await fit(['mixed', '-b', '300'])).text)).toBe(numbers((await fit([...listed, '-b', '300'])).text));
  });

  test('mixes with files and globs, each expanded in the order given', async () => {
    const day = (d: number) => parts.filter((p) => p.includes(`date=2024-01-0${d}/`));
    const mixed = await fit(['events/date=2024-01-03', 'events/date=2024-01-01/*.parquet', day(2)[1]!, ...FIT]);
    expect(numbers(mixed.text)).toBe(numbers((await fit([...day(3), ...day(1), day(2)[1]!, ...FIT])).text));
    expect(mixed.state.fit).toMatchObject({ inputs: ['events/date=2024-01-03', 'events/date=2024-01-01/*.parquet', day(2)[1]], files: 5 });
  });

  test('without a data file is bad data (exit 1)', async () => {
    await fails(['fit', 'nothing', '-s', '-'], 1, /^bn1d: error: nothing: no Parquet or Arrow file in this folder or below \(names starting with _ or \. and \.crc files are skipped/, { cwd: dir });
  });

  test('with a corrupt part file names the file', async () => {
    cpSync(at('events'), at('broken'), { recursive: true });
    const victim = parts[3]!.replace(/^events/, 'broken');
    truncateSync(at(victim), 100);
    const escaped = victim.replace(/[.[\]]/g, '\\$&');
    await fails(['fit', 'broken/', '-s', 'never.json'], 1, new RegExp(`^bn1d: error: ${escaped}: `), { cwd: dir });
    await fails(['apply', 'broken/', '-s', 'events.json', '-o', 'never.parquet'], 1, new RegExp(`^bn1d: error: ${escaped}: `), { cwd: dir });
    expect(existsSync(at('never.json')) || existsSync(at('never.parquet'))).toBe(false);
  });
});

describe('a glob', () => {
  test.each(['events/*/*.parquet', 'events/**/*.parquet', 'events/**/part-*', 'events/date=2024-01-0?/*', 'events/date=2024-01-0[1-3]', 'events/{date=2024-01-01,date=2024-01-02,date=2024-01-03}', 'events/*'])(
    "'%s' expands to the same files in the same order as the folder",
    async (pattern) => {
      const globbed = await fit([pattern, ...FIT]);
      expect(numbers(globbed.text)).toBe(numbers((await fit(['events', ...FIT])).text));
      expect(globbed.state.fit).toMatchObject({ inputs: [pattern], files: 6 });
    },
  );

  test('that matches no data file is bad usage (exit 2) naming it, in every command', async () => {
    await fails(['fit', 'events/*.csv', '-s', '-'], 2, /^bn1d: error: no Parquet or Arrow file matches events\/\*\.csv\n$/, { cwd: dir });
    await fails(['apply', 'nowhere/**/*.parquet', '-s', 'events.json'], 2, /no Parquet or Arrow file matches nowhere\/\*\*\/\*\.parquet/, { cwd: dir });
    await fails(['report', 'events.json', 'nothing/*', '-o', 'never.html'], 2, /no Parquet or Arrow file matches nothing\/\*/, { cwd: dir });
  });

  test('is not expanded when a file has that name', async () => {
    expect((await fit(['weird[1].parquet'])).state.fit).toMatchObject({ inputs: ['weird[1].parquet'], rows: 1000 });
  });
});

describe('URLs other than http(s)', () => {
  test.each([
    ['fit', 's3://bucket/events/', '-s', '-'],
    ['apply', 'gs://bucket/part-0.parquet', '-s', 'events.json'],
    ['report', 'events.json', 'abfss://c@account.dfs.core.windows.net/events', '-o', 'never.html'],
  ])('%s %s is bad usage', async (...args) => {
    const url = args.find((a) => a.includes('://'))!;
    await fails(args, 2, new RegExp(`^bn1d: error: ${url.replace(/[.]/g, '\\.')}: only http:// and https:// URLs are read; download the data`), { cwd: dir });
  });
});

describe('apply to a folder', () => {
  test('writes every row of its files in their order, as DuckDB reads the same files', async () => {
    await ok(['apply', 'events/', '-s', 'events.json', '-o', 'events-out.parquet', '--dtype', 'float64'], { cwd: dir });
    const list = parts.map((p) => `'${at(p)}'`).join(', ');
    const want = await query(`SELECT id, x, y, label FROM read_parquet([${list}], hive_partitioning = false)`);
    const got = await query(`SELECT * FROM read_parquet('${at('events-out.parquet')}')`);
    expect(got).toHaveLength(6000);
    expect(Object.keys(got[0]!)).toEqual(['id', 'x', 'y', 'label']);
    expect(got.map((r) => [r.id, r.label])).toEqual(want.map((r) => [r.id, r.label]));
    const state = parseState(readFileSync(at('events.json'), 'utf8'));
    (['x', 'y'] as const).forEach((column, c) => {
      const scale = 1 / Math.sqrt(state.runningVar![c]! + state.eps);
      want.forEach((r, i) => expect(got[i]![column] as number).toBeCloseTo((Number(r[column]) - state.runningMean![c]!) * scale, 12));
    });
  });

  test('refuses, before writing anything, a file whose schema differs from the first, naming both', async () => {
    cpSync(at('events'), at('drifted'), { recursive: true });
    await query(`COPY (${rows(0, 10, 'i::INTEGER')}) TO '${at('drifted')}' (FORMAT parquet, PARTITION_BY (date), APPEND, FILENAME_PATTERN 'part-00009-{uuid}.c000.snappy')`);
    const first = parts[0]!.replace(/^events/, 'drifted');
    const message = new RegExp(`^bn1d: error: column "label" is Int32 in drifted/date=2024-01-01/part-00009-[^ ]+ but Utf8 in ${first.replace(/[.]/g, '\\.')}: the files of drifted/ are read as one table`);
    await fails(['apply', 'drifted/', '-s', 'events.json', '-o', 'drifted.parquet'], 1, message, { cwd: dir });
    expect(existsSync(at('drifted.parquet'))).toBe(false);
    const piped = await run(['apply', 'drifted/', '-s', 'events.json']);
    expect([piped.code, piped.stdout.length]).toEqual([1, 0]);
    // The file that differs is the third of nine: streaming would have written the first two. fit needs only the features to agree.
    expect((await fit(['drifted/', '-x', 'id'])).state.fit).toMatchObject({ rows: 6010 });
  });

  test('never writes over one of its files, even with --force', async () => {
    await fails(['apply', 'events/', '-s', 'events.json', '-o', parts[2]!, '--force'], 2, new RegExp(`the output ${parts[2]!.replace(/[.]/g, '\\.')} is the input`), { cwd: dir });
  });

  test('to stdout is one Arrow stream of all the rows', async () => {
    const stdout = await ok(['apply', 'events/date=2024-01-0[12]', '-s', 'events.json'], { cwd: dir });
    expect((await readOutput(stdout)).numRows).toBe(4000);
  });
});

describe('fit --shuffle on a folder', () => {
  const shuffled = (input: string[], seed: string) => fit([...input, '--shuffle', '--seed', seed, '--shuffle-buffer', '700', ...FIT]);

  test('is deterministic per seed, and reads the row groups of the same files as the list does', async () => {
    const a = await shuffled(['events/'], '5');
    expect(numbers((await shuffled(['events/'], '5')).text)).toBe(numbers(a.text));
    expect(numbers((await shuffled(parts, '5')).text)).toBe(numbers(a.text));
    expect(numbers((await shuffled(['events/**/*.parquet'], '5')).text)).toBe(numbers(a.text));
    expect(numbers((await shuffled(['events/'], '6')).text)).not.toBe(numbers(a.text));
    expect(numbers(a.text)).not.toBe(numbers((await fit(['events/', ...FIT])).text));
    expect(a.state.fit).toMatchObject({ inputs: ['events/'], files: 6, rows: 6000, shuffle: { seed: 5, buffer: 700 } });
  });

  test('sees every row once per epoch: one batch of all rows per epoch has the statistics of the folder', async () => {
    // A 700-row buffer passes rows on while the files are still being read; momentum none averages both epochs.
    const all = ['-b', '6000', '-e', '2', '-m', 'none', '-x', 'id'];
    const a = await fit(['events/', '--shuffle', '--shuffle-buffer', '700', ...all]);
    const b = await fit(['events/', ...all]);
    expect(a.state.numBatchesTracked).toBe(2);
    const close = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.abs(y) + 1e-12;
    a.state.runningMean!.forEach((m, c) => expect(close(m, b.state.runningMean![c]!), `running_mean[${c}]`).toBe(true));
    a.state.runningVar!.forEach((v, c) => expect(close(v, b.state.runningVar![c]!), `running_var[${c}]`).toBe(true));
  });
});

describe('report on a folder', () => {
  test('samples the same values as the files listed', async () => {
    await ok(['report', 'events.json', 'events/', '-o', 'folder.html'], { cwd: dir });
    await ok(['report', 'events.json', ...parts, '-o', 'listed.html'], { cwd: dir });
    const body = (file: string) => readFileSync(at(file), 'utf8').replace(/<title>.*?<\/title>|<h1>.*?<\/h1>|<time .*?<\/time>/g, '');
    expect(body('folder.html')).toBe(body('listed.html'));
    // The histograms are what the folder adds: without an input the page has none.
    await ok(['report', 'events.json', '-o', 'bare.html'], { cwd: dir });
    expect(body('bare.html')).not.toBe(body('folder.html'));
    expect(readFileSync(at('folder.html'), 'utf8')).toContain('bn1d report of events.json over events/');
  });
});
