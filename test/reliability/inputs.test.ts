/** Inputs people actually hand over: tampered state files, empty tables, inputs that disagree. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { bn1d, ROOT, scratch } from '../helpers/cli.js';
import { describeParquet, query } from '../helpers/duckdb.js';

const wine = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const dir = scratch();
const statePath = join(dir, 'good.json');
let good: Record<string, unknown>;

beforeAll(async () => {
  expect((await bn1d(['fit', wine, '-c', 'alcohol,hue', '-s', statePath])).code).toBe(0);
  good = JSON.parse(readFileSync(statePath, 'utf8'));
});

describe('tampered state files are refused in one line, naming what is wrong', () => {
  const cases: [string, (s: Record<string, unknown>) => unknown, RegExp][] = [
    ['a vector of the wrong length', (s) => ({ ...s, running_var: [1] }), /"running_var" has 1 values, expected 2/],
    ['a NaN (not JSON)', () => '{"format": "bn1d-state", "version": 1, "running_mean": [NaN]}', /not valid JSON/],
    ['an infinite value', () => JSON.stringify(good).replace(/"running_mean":\[[^\]]*\]/, '"running_mean":[1e999, 0]'), /"running_mean" of feature "alcohol" is Infinity, not a finite number/],
    ['a negative variance', (s) => ({ ...s, running_var: [-1, 1] }), /"running_var" of feature "alcohol" is negative \(-1\)/],
    ['an unknown version', (s) => ({ ...s, version: 7 }), /state file version 7 is not supported: this bn1d reads version 1/],
    ['a missing field', (s) => ({ ...s, eps: undefined }), /field "eps" is missing/],
    ['a feature the input lacks', (s) => ({ ...s, features: ['alcohol', 'sugar'] }), /has no column "sugar"; its columns are: alcohol, malic_acid, .*, proline, target$/m],
    ['a string where a number belongs', (s) => ({ ...s, running_mean: ['13', '0.9'] }), /"running_mean" must be an array of numbers or null/],
    ['weight without affine', (s) => ({ ...s, affine: false }), /"weight" must be null when affine is false/],
    ['a momentum out of range', (s) => ({ ...s, momentum: 3 }), /"momentum" must be in \(0, 1\] or null \(got 3\)/],
    ['not a state at all', () => '[1, 2, 3]', /not a bn1d state file \(expected a JSON object\)/],
    ['an empty file', () => '', /not valid JSON/],
  ];
  test.each(cases)('%s', async (_what, tamper, message) => {
    const path = join(dir, `tampered-${_what.replace(/\W+/g, '-')}.json`);
    const doc = tamper(good);
    writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
    const out = join(dir, 'never.parquet');
    const run = await bn1d(['apply', wine, '-s', path, '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bn1d: error: [^\n]+\n$/);
    expect(run.stderr).toMatch(message);
    const inspect = await bn1d(['inspect', path]);
    if (!/has no column/.test(message.source)) expect(inspect.stderr).toMatch(message);
    expect(() => readFileSync(out)).toThrow();
  });
});

describe('empty inputs', () => {
  test('a zero-row table: fit refuses it, apply writes a zero-row table with the right schema', async () => {
    const empty = join(dir, 'empty.parquet');
    await query(`COPY (SELECT * FROM read_parquet('${wine}') WHERE false) TO '${empty}' (FORMAT parquet)`);
    const fit = await bn1d(['fit', empty, '-s', join(dir, 'x.json')]);
    expect([fit.code, fit.stderr]).toEqual([1, `bn1d: error: no rows to fit in ${empty}\n`]);
    const out = join(dir, 'empty-out.parquet');
    const apply = await bn1d(['apply', empty, '-s', statePath, '-o', out]);
    expect([apply.code, apply.stderr]).toEqual([0, '']);
    expect(await query(`SELECT count(*) AS n FROM read_parquet('${out}')`)).toEqual([{ n: '0' }]);
    const types = Object.fromEntries(await describeParquet(out));
    expect([types.alcohol, types.hue, types.malic_acid, types.target]).toEqual(['DOUBLE', 'DOUBLE', 'DOUBLE', 'BIGINT']);
    const stream = await bn1d(['apply', empty, '-s', statePath]);
    const table = tableFromIPC(stream.stdout);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual((await describeParquet(wine)).map(([n]) => n));
  });
});

describe('inputs that disagree', () => {
  test('a feature that is a number in one input and a list in another', async () => {
    const a = join(dir, 'a.parquet');
    const b = join(dir, 'b.parquet');
    await query(`COPY (SELECT i::DOUBLE AS x FROM range(10) r(i)) TO '${a}' (FORMAT parquet)`);
    await query(`COPY (SELECT [i::DOUBLE] AS x FROM range(10) r(i)) TO '${b}' (FORMAT parquet)`);
    const run = await bn1d(['fit', a, b, '-s', join(dir, 'ab.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`bn1d: error: column "x" is a list per row in ${b} but a number in ${a}: inputs must share the feature columns\n`);
  });
});
