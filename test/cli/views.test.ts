/**
 * bn1d apply on Arrow views, black box: Polars' string views (in columns,
 * structs, lists and dictionaries, in batches larger than apply's slices)
 * to every output, and Arrow C++'s list views; each output read back by
 * Polars, apache-arrow and DuckDB.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, test } from 'vitest';
import { ok, scratch, SHARED } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { operandRelativeError } from '../helpers/errors.js';
import { polarsRead, polarsValues, viewTable } from '../helpers/polars.js';
import { readGolden } from '../io/arrow/golden.js';

const dir = scratch();
const input = join(dir, 'views.arrow');
const statePath = join(dir, 'views.json');
const PASSTHROUGH = ['s', 'st', 'l', 'cat'];

interface StateJson {
  features: string[];
  eps: number;
  running_mean: number[];
  running_var: number[];
  weight: number[];
  bias: number[];
}

/** y = x * alpha + beta of feature `name`, as apply computes it. */
function affine(state: StateJson, name: string): { alpha: number; beta: number } {
  const c = state.features.indexOf(name);
  const alpha = state.weight[c]! / Math.sqrt(state.running_var[c]! + state.eps);
  return { alpha, beta: state.bias[c]! - state.running_mean[c]! * alpha };
}

/** The first row where two columns' values differ, or null. */
function firstDifference(got: readonly unknown[], want: readonly unknown[]): { row: number; got: string; want: string } | null {
  if (got.length !== want.length) return { row: -1, got: `${got.length} rows`, want: `${want.length} rows` };
  for (let row = 0; row < want.length; row++) {
    const [a, b] = [JSON.stringify(got[row]), JSON.stringify(want[row])];
    if (a !== b) return { row, got: a, want: b };
  }
  return null;
}

/** The worst error of a normalized column against its input (null where the input is null); float32 outputs to float32 rounding. */
function normalizationError(got: readonly unknown[], xs: readonly unknown[], { alpha, beta }: { alpha: number; beta: number }, float32: boolean): number {
  let worst = 0;
  xs.forEach((x, i) => {
    if (x === null) return void (got[i] !== null && (worst = Infinity));
    const y = got[i] as number;
    const want = float32 ? Math.fround((x as number) * alpha + beta) : (x as number) * alpha + beta;
    worst = Math.max(worst, operandRelativeError(y, want, x as number, alpha, beta) / (float32 ? 2 ** -23 : 1));
  });
  return worst;
}

const arrowValues = (table: Table, name: string): unknown[] => JSON.parse(JSON.stringify([...table.getChild(name)!]));

let state: StateJson;
/** The input as Polars and apache-arrow read it. */
let polarsIn: ReturnType<typeof polarsRead>;
let arrowIn: Table;
beforeAll(async () => {
  // Two record batches of 75,000 rows: apply cuts each into slices of 65,536 and 9,464.
  writeFileSync(input, viewTable(150_000, 2).writeIPC());
  await ok(['fit', input, '-s', statePath, '-q']);
  state = JSON.parse(readFileSync(statePath, 'utf8'));
  polarsIn = polarsRead(readFileSync(input));
  arrowIn = tableFromIPC(readFileSync(input));
});

describe('string views from Polars', () => {
  test.each(['arrow', 'arrows', 'stdout'])('to %s: every view column unchanged for Polars and apache-arrow, features normalized', async (kind) => {
    const out = join(dir, `out.${kind}`);
    const stdout = await ok(['apply', input, '-s', statePath, '-q', ...(kind === 'stdout' ? [] : ['-o', out])]);
    const bytes = kind === 'stdout' ? stdout : readFileSync(out);
    const polarsOut = polarsRead(bytes);
    const arrowOut = tableFromIPC(bytes);
    for (const name of PASSTHROUGH) {
      expect(firstDifference(polarsValues(polarsOut, name), polarsValues(polarsIn, name)), name).toBeNull();
      expect(firstDifference(arrowValues(arrowOut, name), arrowValues(arrowIn, name)), name).toBeNull();
      expect(String(arrowOut.schema.fields.find((f) => f.name === name)!.type)).toBe(String(arrowIn.schema.fields.find((f) => f.name === name)!.type));
    }
    expect(normalizationError(polarsValues(polarsOut, 'x'), polarsValues(polarsIn, 'x'), affine(state, 'x'), false)).toBeLessThan(1e-15);
    expect(normalizationError(arrowValues(arrowOut, 'n'), arrowValues(arrowIn, 'n'), affine(state, 'n'), true)).toBeLessThanOrEqual(1);
    // Each slice carries only its own strings: the output is about the size of the input, not a multiple of it.
    expect(bytes.length).toBeLessThan(1.1 * statSync(input).size);
  });

  test('to Parquet: strings as BYTE_ARRAY strings, read back exactly by DuckDB and Polars', async () => {
    const out = join(dir, 'out.parquet');
    await ok(['apply', input, '-s', statePath, '-o', out, '-q']);
    const polarsOut = pl.readParquet(out);
    const duck = await query(`SELECT * FROM read_parquet('${out}')`);
    const types = await query(`SELECT name, type, converted_type FROM parquet_schema('${out}') WHERE name IN ('s', 'a')`);
    expect(types).toEqual([{ name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8' }, { name: 'a', type: 'BYTE_ARRAY', converted_type: 'UTF8' }]);
    for (const name of PASSTHROUGH) {
      expect(firstDifference(polarsValues(polarsOut, name), polarsValues(polarsIn, name)), name).toBeNull();
      expect(firstDifference(duck.map((row) => row[name]), polarsValues(polarsIn, name)), name).toBeNull();
    }
    expect(normalizationError(duck.map((row) => row.x), polarsValues(polarsIn, 'x'), affine(state, 'x'), false)).toBeLessThan(1e-15);
  });
});

describe('list views from Arrow C++', () => {
  const base = join(SHARED, 'arrow-testing', 'integration', 'cpp-21.0.0', 'generated_list_view');
  const golden = readGolden(`${base}.json.gz`);

  /** The golden rows of a list view column: null, or its values (null where an element is null). */
  function goldenLists(name: string): (number | null)[][] | null[] {
    const c = golden.schema.fields.findIndex((f: { name: string }) => f.name === name);
    return golden.batches.flatMap((batch: any) => {
      const column = batch.columns[c];
      const child = column.children[0];
      return column.VALIDITY.map((valid: number, i: number) => {
        if (!valid) return null;
        const from = Number(column.OFFSET[i]);
        return Array.from({ length: Number(column.SIZE[i]) }, (_, k) => (child.VALIDITY[from + k] ? Math.fround(child.DATA[from + k]) : null));
      });
    });
  }

  test.each([['arrow_file', 'arrow'], ['stream', 'arrow'], ['arrow_file', 'parquet'], ['stream', 'parquet']])(
    '%s to %s: the lists of both columns, with their nulls, normalized',
    async (kind, format) => {
      const path = `${base}.${kind}`;
      const lvState = join(dir, `lv-${kind}.json`);
      const out = join(dir, `lv-${kind}.${format}`);
      await ok(['fit', path, '-s', lvState, '-q']);
      await ok(['apply', path, '-s', lvState, '-o', out, '-q']);
      const fitted: StateJson = JSON.parse(readFileSync(lvState, 'utf8'));
      const rows = format === 'arrow' ? tableFromIPC(readFileSync(out)).toArray().map((r) => r.toJSON()) : await query(`SELECT * FROM read_parquet('${out}')`);
      expect(fitted.features).toEqual(['lv', 'llv']);
      for (const name of ['lv', 'llv']) {
        const want = goldenLists(name);
        const got = rows.map((row) => (row[name] === null ? null : Array.from(row[name] as ArrayLike<number | null>)));
        expect(got.map((list) => list?.map((v) => v === null))).toEqual(want.map((list) => list?.map((v) => v === null)));
        expect(normalizationError(got.flat(), want.flat(), affine(fitted, name), true)).toBeLessThanOrEqual(1);
      }
    },
  );
});
