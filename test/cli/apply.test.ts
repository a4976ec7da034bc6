/** bn1d apply, black box: PyTorch parity, the format matrix, passthrough columns, pipelines. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseState } from '../../src/core/state-json.js';
import { bn1d, fails, ok, ROOT, scratch } from '../helpers/cli.js';
import { writeRepeatedNameParquet } from '../helpers/duckdb.js';
import { operandRelativeError } from '../helpers/errors.js';
import { fitFlags, realGolden } from '../helpers/real-goldens.js';
import { numbers, parquetAsArrow, readOutput, realAsArrow } from '../helpers/tables.js';

const dir = scratch();
const formats = ['parquet', 'arrow', 'arrows'] as const;
let wine: Record<(typeof formats)[number], string>;
const golden = realGolden('wine');
const statePath = join(dir, 'wine.json');

beforeAll(async () => {
  wine = await realAsArrow('wine', dir);
  const run = await bn1d(['fit', wine.parquet, ...fitFlags(golden), '-s', statePath]);
  expect(run.code).toBe(0);
});

/** Largest operand-relative error of an output against the golden eval output. */
function evalError(table: Awaited<ReturnType<typeof readOutput>>, input: Awaited<ReturnType<typeof parquetAsArrow>>): number {
  let worst = 0;
  golden.features.forEach((feature, c) => {
    const alpha = 1 / Math.sqrt(golden.fitted.running_var[c]! + golden.config.eps);
    const beta = -golden.fitted.running_mean[c]! * alpha;
    const got = numbers(table, feature);
    const xs = numbers(input, feature);
    golden.eval_output[feature]!.forEach((want, i) => (worst = Math.max(worst, operandRelativeError(got[i]!, want, xs[i]!, alpha, beta))));
  });
  return worst;
}

describe('eval mode', () => {
  test('matches PyTorch at 1e-12 and passes the target through', async () => {
    // magnesium and proline are int64: float64 output keeps every bit to compare.
    const out = join(dir, 'eval.parquet');
    const run = await bn1d(['apply', wine.parquet, '--state', statePath, '-o', out, '--dtype', 'float64']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const table = await readOutput(out);
    const input = await parquetAsArrow(wine.parquet);
    expect(table.schema.fields.map((f) => f.name)).toEqual(input.schema.fields.map((f) => f.name));
    expect(evalError(table, input)).toBeLessThanOrEqual(1e-12);
    expect(table.getChild('target')!.toArray()).toEqual(input.getChild('target')!.toArray());
  });

  test.each(formats.flatMap((i) => formats.map((o) => [i, o] as const)))('%s in, %s out: same columns, types and bits', async (inFormat, outFormat) => {
    const out = join(dir, `matrix-${inFormat}.${outFormat}`);
    const run = await bn1d(['apply', wine[inFormat], '-s', statePath, '-o', out, '--force', '--dtype', 'float64']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const table = await readOutput(out);
    const reference = await readOutput(join(dir, 'eval.parquet'));
    expect(table.numRows).toBe(178);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(reference.schema.fields.map((f) => `${f.name}:${f.type}`));
    for (const f of golden.features) expect(numbers(table, f)).toEqual(numbers(reference, f));
    expect(String(table.getChild('target')!.type)).toBe('Int64');
  });

  test('stdin to stdout is an Arrow IPC stream, and nothing else is written', async () => {
    for (const input of [wine.arrows, wine.parquet, wine.arrow]) {
      const run = await bn1d(['apply', '--state', statePath, '--dtype', 'float64'], { input: readFileSync(input) });
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout.readInt32LE(0)).toBe(-1);
      const table = await readOutput(run.stdout);
      expect(evalError(table, await parquetAsArrow(wine.parquet))).toBeLessThanOrEqual(1e-12);
    }
  });

  test('Parquet on stdin is copied to a temporary file that is removed afterwards, on success and on failure', async () => {
    const tmp = scratch();
    const ok = await bn1d(['apply', '-s', statePath], { input: readFileSync(wine.parquet), env: { TMPDIR: tmp } });
    expect(ok.code).toBe(0);
    const bad = await bn1d(['apply', '-s', statePath, '--mode', 'train', '-b', '177'], { input: readFileSync(wine.parquet), env: { TMPDIR: tmp } });
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/has only 1 value.*--batch-size that does not leave a single row/)]);
    const failed = await bn1d(['fit', '-', '-b', '177', '-x', 'target', '-s', '-'], { input: readFileSync(wine.parquet), env: { TMPDIR: tmp } });
    expect(failed.stderr).toMatch(/has only 1 value/);
    expect(readdirSync(tmp)).toEqual([]);
    // The copy goes to TMPDIR: without one there, Parquet on stdin cannot be read.
    const missing = join(tmp, 'missing');
    const nowhere = await bn1d(['apply', '-s', statePath], { input: readFileSync(wine.parquet), env: { TMPDIR: missing } });
    expect([nowhere.code, nowhere.stderr]).toEqual([1, 'bn1d: error: cannot copy stdin to a temporary file: no such file or directory\n']);
  });

  test('--dtype sets the type of normalized columns; the default follows the input', async () => {
    const as32 = await bn1d(['apply', wine.parquet, '-s', statePath, '--dtype', 'float32']);
    const table = await readOutput(as32.stdout);
    expect(String(table.getChild('alcohol')!.type)).toBe('Float32');
    const golden0 = golden.eval_output.alcohol!;
    expect(Array.from(numbers(table, 'alcohol'))).toEqual(golden0.map((v) => Math.fround(v)));
    const diabetes = await realAsArrow('diabetes', dir);
    const state = join(dir, 'diabetes.json');
    await bn1d(['fit', diabetes.parquet, '-x', 'target', '-s', state]);
    const out = await readOutput((await bn1d(['apply', diabetes.parquet, '-s', state])).stdout);
    expect(String(out.getChild('age')!.type)).toBe('Float32');
    expect(String(out.getChild('bmi')!.type)).toBe('Float64');
  });
});

describe('train mode', () => {
  test.each(['wine', 'diabetes'])('%s: each batch normalized with its own statistics, as PyTorch', async (name) => {
    const g = realGolden(name);
    const input = join(ROOT, g.table);
    const run = await bn1d(['apply', input, '--mode', 'train', '-x', g.exclude.join(','), '-b', String(g.config.train_batch_size), '--dtype', 'float64']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const table = await readOutput(run.stdout);
    // Outputs are standardized values of order 1, and these tables are well conditioned (mean/std < 10).
    let worst = 0;
    for (const feature of g.features) {
      const got = numbers(table, feature);
      g.train_output[feature]!.forEach((want, i) => (worst = Math.max(worst, Math.abs(got[i]! - want) / Math.max(Math.abs(want), 1))));
    }
    expect(worst).toBeLessThanOrEqual(1e-12);
  });
});

describe('passthrough', () => {
  test('non-feature columns keep name, type, order, values and nulls through Parquet', async () => {
    const src = join(dir, 'types.parquet');
    const { query } = await import('../helpers/duckdb.js');
    await query(`COPY (SELECT i AS id, (i * 0.5)::DOUBLE AS x, CASE WHEN i % 3 = 0 THEN NULL ELSE 'név ' || i END AS s,
      (i % 2 = 0) AS b, DATE '2020-01-01' + i::INTEGER AS d, TIMESTAMP '2021-03-04 05:06:07.123456' + INTERVAL (i) SECOND AS ts,
      (i * 1.25)::DECIMAL(9, 2) AS dec, [i, i + 1] AS li, i::TINYINT AS tiny, (i * 3)::FLOAT AS y
      FROM range(100) r(i)) TO '${src}' (FORMAT parquet)`);
    const state = join(dir, 'types.json');
    const fitted = await bn1d(['fit', src, '-c', 'x,y', '-s', state]);
    expect([fitted.code, fitted.stderr]).toEqual([0, '']);
    const out = join(dir, 'types-out.parquet');
    const run = await bn1d(['apply', src, '-s', state, '-o', out]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const { describeParquet } = await import('../helpers/duckdb.js');
    const before = await describeParquet(src);
    const after = await describeParquet(out);
    expect(after).toEqual(before.map(([n, t]) => [n, n === 'y' ? 'FLOAT' : t]));
    const cols = 'id, s, b, d, ts, dec, li, tiny';
    const diff = await query(`(SELECT ${cols} FROM read_parquet('${src}') EXCEPT ALL SELECT ${cols} FROM read_parquet('${out}'))
      UNION ALL (SELECT ${cols} FROM read_parquet('${out}') EXCEPT ALL SELECT ${cols} FROM read_parquet('${src}'))`);
    expect(diff).toEqual([]);
    const nulls = await query(`SELECT count(*) AS n FROM read_parquet('${out}') WHERE s IS NULL`);
    expect(nulls).toEqual([{ n: '34' }]);
  });
});

describe('outputs', () => {
  test('an existing output needs --force, and the input is never the output', async () => {
    const out = join(dir, 'exists.parquet');
    writeFileSync(out, 'keep me');
    const refused = await bn1d(['apply', wine.parquet, '-s', statePath, '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`bn1d: error: ${out} exists: pass --force to overwrite it\n`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const forced = await bn1d(['apply', wine.parquet, '-s', statePath, '-o', out, '--force']);
    expect([forced.code, forced.stderr]).toEqual([0, '']);
    expect((await readOutput(out)).numRows).toBe(178);
    const self = await bn1d(['apply', wine.parquet, '-s', statePath, '-o', wine.parquet, '--force']);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/is the input/);
  });
});

describe('a column name that appears twice', () => {
  test('apply refuses it in one line before writing anything; fit reads the other columns', async () => {
    const repeated = join(dir, 'repeated.parquet');
    await writeRepeatedNameParquet(repeated);
    const state = join(dir, 'repeated.json');
    await ok(['fit', repeated, '-c', 'x', '-s', state]);
    expect(parseState(readFileSync(state, 'utf8')).runningMean![0]).toBeCloseTo(0.2, 12); // 0.1 * mean(0, 1, 2, 3, 4)
    for (const format of formats) {
      const out = join(dir, `repeated-out.${format}`);
      await fails(['apply', repeated, '-s', state, '-o', out], 1, /repeated\.parquet: the column name "qa" appears twice; an apply copies every column to its output, and needs distinct names/);
      expect(readdirSync(dir).filter((n) => n.startsWith('repeated-out') || n.endsWith('.tmp'))).toEqual([]);
    }
  });
});
