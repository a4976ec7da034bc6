/**
 * Polars-written Parquet (zstd and snappy, several row groups or one of
 * more than 65,536 rows, which apply cuts into slices, nulls in every
 * column) through `bn1d fit` and `bn1d apply`
 * into Parquet, Arrow IPC files and streams: Polars reads every output with
 * the dtypes it reads the input with (Categorical, Array, time zones,
 * durations...), passthrough columns equal, features normalized with the
 * state's statistics; DuckDB still reads the Parquet outputs, whose
 * key-value metadata holds an ARROW:schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { duckdb, queryText, readParquet } from '../io/parquet/helpers.js';
import { ok, scratch } from '../helpers/cli.js';
import { pl, polarsTable, polarsTypes, readWithPolars, writePolarsParquet } from '../helpers/polars-table.js';

const ROWS = 70_000;
const GROUP = 30_000;
const FEATURES = ['x', 'fsl', 'li'];
const OUTPUT_TYPES: Record<string, string> = {
  x: 'DataType(Float32)',
  fsl: 'DataType(FixedSizeList(DataType(Float32),3))',
  li: 'DataType(List(DataType(Float32)))',
};

/** Inputs: name, codec, row group size (undefined: one row group, written by DataFrame.writeParquet). */
const INPUTS: [string, 'zstd' | 'snappy', number | undefined][] = [
  ['sink-zstd', 'zstd', GROUP],
  ['sink-snappy', 'snappy', GROUP],
  ['write-zstd', 'zstd', undefined],
];

let dir: string;
let table: pl.DataFrame;

beforeAll(() => {
  dir = scratch();
  table = polarsTable(ROWS);
  for (const [name, codec, group] of INPUTS) writePolarsParquet(table, join(dir, `${name}.parquet`), codec, group);
});

interface State {
  features: string[];
  running_mean: number[];
  running_var: number[];
  eps: number;
}

/** Every value of a feature column, flattened (null rows and null elements as null). */
function flatValues(df: pl.DataFrame, name: string): (number | null)[] {
  const column = df.getColumn(name);
  const rows = column.toArray() as unknown[];
  const list = column.dtype.variant === 'List' || column.dtype.variant === 'FixedSizeList';
  return rows.flatMap((row) => {
    if (!list) return [row === null ? null : Number(row)];
    if (row === null) return column.dtype.variant === 'FixedSizeList' ? [null, null, null] : [];
    return Array.from(row as ArrayLike<unknown>, (v) => (v === null ? null : Number(v)));
  });
}

describe.each(INPUTS)('a Polars Parquet file (%s)', (codec, _, group) => {
  let input: string;
  let state: State;

  beforeAll(async () => {
    input = join(dir, `${codec}.parquet`);
    const statePath = join(dir, `${codec}.json`);
    await ok(['fit', input, '-c', FEATURES.join(','), '-m', 'none', '-s', statePath, '-q']);
    state = JSON.parse(readFileSync(statePath, 'utf8')) as State;
  });

  test.each(['parquet', 'arrow', 'arrows'])('normalized into .%s reads back in Polars with the same dtypes and values', async (format) => {
    const output = join(dir, `${codec}-out.${format}`);
    await ok(['apply', input, '-s', join(dir, `${codec}.json`), '-o', output, '-q']);
    const before = readWithPolars(input);
    const after = readWithPolars(output);
    expect(polarsTypes(after)).toEqual({ ...polarsTypes(before), ...OUTPUT_TYPES });
    expect(after.height).toBe(ROWS);
    const passthrough = before.columns.filter((name) => !FEATURES.includes(name));
    for (const name of passthrough) expect(after.select(name).frameEqual(before.select(name), true), name).toBe(true);
    state.features.forEach((name, c) => {
      const alpha = 1 / Math.sqrt(state.running_var[c]! + state.eps);
      const expected = flatValues(before, name).map((v) => (v === null ? null : (v - state.running_mean[c]!) * alpha));
      const got = flatValues(after, name);
      expect(got.length, name).toBe(expected.length);
      expect(got.map((v) => v === null), name).toEqual(expected.map((v) => v === null));
      const worst = got.reduce<number>((max, v, i) => Math.max(max, v === null ? 0 : Math.abs(v - expected[i]!) / Math.max(1, Math.abs(expected[i]!))), 0);
      expect(worst, name).toBeLessThan(1e-6);
    });
  });

  test("bn1d's reader reads the Parquet output with the Arrow types it reads the input with", async () => {
    const types = async (path: string) => (await readParquet(path)).schema.fields.map((f) => `${f.name}: ${f.type}`);
    const expected = (await types(input)).map((t) => {
      const name = t.split(':')[0]!;
      return FEATURES.includes(name) ? `${name}: ${{ x: 'Float32', fsl: 'FixedSizeList[3]<Float32>', li: 'LargeList<Float32>' }[name]}` : t;
    });
    expect(await types(join(dir, `${codec}-out.parquet`))).toEqual(expected);
  });

  test('the Parquet output reads in DuckDB, with the ARROW:schema in its key-value metadata', async () => {
    const output = join(dir, `${codec}-out.parquet`);
    const db = await duckdb();
    expect(await queryText(db, `SELECT count(*), count(cat), count(fsl), count(dt_us_tz) FROM read_parquet('${output}')`)).toEqual([
      [String(ROWS), String(ROWS - ROWS / 5), String(Math.ceil((ROWS * 5) / 6)), String(ROWS - ROWS / 4)],
    ]);
    const keys = await queryText(db, `SELECT decode(key) FROM parquet_kv_metadata('${output}')`);
    expect(keys).toEqual([['ARROW:schema']]);
    const groups = await queryText(db, `SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${output}')`);
    // The input's row groups stay row groups (one when Polars wrote one).
    expect(groups).toEqual([[String(group ? Math.ceil(ROWS / group) : 1)]]);
  });
});
