/** bn1d fit, black box: the real tables against PyTorch, every input format, streams and file splits. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseState } from '../../src/core/state-json.js';
import { bn1d, ROOT, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { relativeError } from '../helpers/errors.js';
import { fitFlags, realGolden } from '../helpers/real-goldens.js';
import { realAsArrow } from '../helpers/tables.js';

const dir = scratch();
const files: Record<string, { parquet: string; arrow: string; arrows: string }> = {};

beforeAll(async () => {
  files.wine = await realAsArrow('wine', dir);
  files.diabetes = await realAsArrow('diabetes', dir);
});

async function fit(args: string[], input?: Uint8Array) {
  const run = await bn1d(['fit', ...args, '-s', '-'], { input });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { state: parseState(run.stdout.toString('utf8')), text: run.stdout.toString('utf8') };
}

/** The state's numbers without its fit block (which names the inputs). */
const numbersOf = (text: string) => text.replace(/\n {2}"fit": .*\n/, '\n');

describe.each(['wine', 'diabetes'])('fit %s', (name) => {
  const golden = realGolden(name);

  test('matches PyTorch at 1e-12 on the Parquet table', async () => {
    const { state } = await fit([join(ROOT, golden.table), ...fitFlags(golden)]);
    expect(state.features).toEqual(golden.features);
    expect(state.numBatchesTracked).toBe(golden.fitted.num_batches_tracked);
    expect(state.momentum).toBe(golden.config.momentum);
    golden.features.forEach((_, c) => {
      expect(relativeError(state.runningMean![c]!, golden.fitted.running_mean[c]!)).toBeLessThanOrEqual(1e-12);
      expect(relativeError(state.runningVar![c]!, golden.fitted.running_var[c]!)).toBeLessThanOrEqual(1e-12);
    });
    expect(state.fit).toMatchObject({ batch_size: golden.config.batch_size, epochs: golden.config.epochs, rows: golden.eval_output[golden.features[0]!]!.length });
  });

  test('Arrow IPC file, IPC stream, and both on stdin give the same state bit for bit', async () => {
    const reference = numbersOf((await fit([files[name]!.parquet, ...fitFlags(golden)])).text);
    for (const path of [files[name]!.arrow, files[name]!.arrows]) {
      expect(numbersOf((await fit([path, ...fitFlags(golden)])).text)).toBe(reference);
      expect(numbersOf((await fit(['-', ...fitFlags(golden)], readFileSync(path))).text)).toBe(reference);
    }
    expect(numbersOf((await fit(['-', ...fitFlags(golden)], readFileSync(files[name]!.parquet))).text)).toBe(reference);
  });
});

describe('decimal columns', () => {
  test('fit as their float64 values: the same state as the same numbers stored as DOUBLE', async () => {
    const dec = join(dir, 'decimal.parquet');
    const dbl = join(dir, 'double.parquet');
    const values = `SELECT ((hash(i) % 2000000)::BIGINT - 1000000)::DECIMAL(18, 2) / 100 AS x, ((hash(i, 1) % 1000)::DECIMAL(38, 10) / 7)::DECIMAL(38, 10) AS y FROM range(1000) r(i)`;
    await query(`COPY (${values}) TO '${dec}' (FORMAT parquet)`);
    const asDouble = (await query(`SELECT x::VARCHAR AS x, y::VARCHAR AS y FROM read_parquet('${dec}')`)).map((r) => [Number(r.x), Number(r.y)]);
    await query(`COPY (SELECT * FROM (VALUES ${asDouble.map(([x, y]) => `(${x}::DOUBLE, ${y}::DOUBLE)`).join(', ')}) t(x, y)) TO '${dbl}' (FORMAT parquet)`);
    const a = await fit([dec, '-b', '100']);
    const b = await fit([dbl, '-b', '100']);
    expect(a.state.features).toEqual(['x', 'y']);
    expect(numbersOf(a.text)).toBe(numbersOf(b.text));
  });
});

describe('64-bit integers beyond 2^53', () => {
  test('are rounded to float64 as torch does, with one warning per column', async () => {
    const path = join(dir, 'big-ints.parquet');
    await query(`COPY (SELECT (2::BIGINT ** 60 + i)::BIGINT AS big, i AS small FROM range(600) r(i)) TO '${path}' (FORMAT parquet)`);
    const run = await bn1d(['fit', path, '-e', '2', '-s', '-']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`bn1d: warning: column "big" of ${path} holds integers beyond 2^53 (such as ${2n ** 60n}); float64 rounds them, as torch's .double() does\n`);
    const apply = await bn1d(['apply', path, '--mode', 'train']);
    expect(apply.code).toBe(0);
    expect(apply.stderr).toBe(run.stderr);
  });
});

describe('inputs as one stream', () => {
  const golden = realGolden('wine');

  test('the table split into files with other row groups gives the same state bit for bit', async () => {
    const src = join(ROOT, golden.table);
    const parts = [
      [0, 50, 7],
      [50, 61, 1000],
      [61, 178, 20],
    ].map(([from, to, groups], i) => {
      const path = join(dir, `part${i}.parquet`);
      return { path, sql: `COPY (SELECT * FROM read_parquet('${src}') LIMIT ${to! - from!} OFFSET ${from}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE ${groups})` };
    });
    for (const p of parts) await query(p.sql);
    const whole = await fit([src, ...fitFlags(golden)]);
    const split = await fit([...parts.map((p) => p.path), ...fitFlags(golden)]);
    expect(numbersOf(split.text)).toBe(numbersOf(whole.text));
    expect(split.state.fit!.inputs).toEqual(parts.map((p) => p.path));
  });

  test('several epochs over stdin read it again from a copy in TMPDIR, which is removed', async () => {
    const input = readFileSync(files.wine!.arrows);
    const tmp = scratch();
    const two = await bn1d(['fit', '-', '-x', 'target', '-e', '2', '-s', '-'], { input, env: { TMPDIR: tmp } });
    expect([two.code, two.stderr]).toEqual([0, '']);
    expect(readdirSync(tmp)).toEqual([]);
    const file = await fit([files.wine!.arrows, '-x', 'target', '-e', '2']);
    expect(numbersOf(two.stdout.toString())).toBe(numbersOf(file.text));
    expect(parseState(two.stdout.toString()).numBatchesTracked).toBe(2 * Math.ceil(178 / 256));
    // One pass over an Arrow stream reads it as it comes; a second one needs the copy, so a TMPDIR that is not there fails it.
    const missing = join(tmp, 'missing');
    expect((await bn1d(['fit', '-', '-x', 'target', '-s', '-'], { input, env: { TMPDIR: missing } })).code).toBe(0);
    const twice = await bn1d(['fit', '-', '-x', 'target', '-e', '2', '-s', '-'], { input, env: { TMPDIR: missing } });
    expect([twice.code, twice.stderr]).toEqual([1, 'bn1d: error: cannot copy stdin to a temporary file: no such file or directory\n']);
  });

  test('resume carries num_batches_tracked on: 1 + 1 epochs equal 2 epochs', async () => {
    const state = join(dir, 'resume.json');
    const first = await bn1d(['fit', files.wine!.parquet, '-x', 'target', '-b', '32', '-m', 'none', '-s', state]);
    expect(first.code).toBe(0);
    const resumed = await fit([files.wine!.parquet, '--resume', state, '-b', '32']);
    const both = await fit([files.wine!.parquet, '-x', 'target', '-b', '32', '-m', 'none', '-e', '2']);
    expect(resumed.state.numBatchesTracked).toBe(12);
    expect(numbersOf(resumed.text)).toBe(numbersOf(both.text));
    expect(resumed.state.fit).toMatchObject({ resumed_from: state });
  });
});
