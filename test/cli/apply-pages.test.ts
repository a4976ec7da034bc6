/**
 * apply writes a feature's column chunk as a stream of pages: on a
 * DuckDB-written file of two row groups (one page per column chunk) with a
 * double with nulls, lists of 8 floats and lists of doubles with null rows,
 * empty lists and null elements, and on a Polars file of fixed-size lists,
 * the output is the same for --jobs 1, 2 and 3; DuckDB and Polars read it
 * with every value as the state's formula gives it, every null where it
 * was, passthrough columns unchanged, several pages per feature chunk and
 * statistics (min, max, null count) those of the values written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOffsetIndex } from 'hyparquet';
import { beforeAll, describe, expect, test } from 'vitest';
import { ok, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { rowGroupRows } from '../helpers/parquet-meta.js';
import { pl, readWithPolars } from '../helpers/polars-table.js';
import { walkPages } from '../io/parquet/page-walk.js';

const dir = scratch();
// Threads start from 1 MB of input per thread here, so every run with --jobs above 1 uses them.
const env = { env: { BN1D_JOB_BYTES: String(1 << 20) } };
const input = join(dir, 'in.parquet');
const state = join(dir, 'state.json');
const ROWS = 600_000;

interface State {
  features: string[];
  running_mean: number[];
  running_var: number[];
  eps: number;
}
const readState = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as State;

/** A feature's normalized value of input expression `x`, as SQL. */
function formula(s: State, name: string, x: string): string {
  const k = s.features.indexOf(name);
  return `((${x} - ${s.running_mean[k]}) / sqrt(${s.running_var[k]} + ${s.eps}))`;
}

/** The output of `--jobs n`. */
const output = (n: number) => join(dir, `out${n}.parquet`);

beforeAll(async () => {
  await query(`COPY (SELECT i AS id, 'n' || (i % 1000)::VARCHAR AS name,
      CASE WHEN i % 11 = 3 THEN NULL ELSE sin(i) * 100 + i / 1000 END AS x,
      [(cos(i + j) * 10)::FLOAT FOR j IN range(8)]::FLOAT[8] AS a,
      CASE WHEN i % 13 = 5 THEN NULL WHEN i % 7 = 2 THEN [] ELSE [CASE WHEN (i + j) % 9 = 0 THEN NULL ELSE (i - j) / 7.0::DOUBLE END FOR j IN range(1 + i % 6)] END AS v
    FROM range(${ROWS}) r(i)) TO '${input}' (FORMAT parquet, ROW_GROUP_SIZE 300000)`);
  await ok(['fit', input, '-x', 'id', '-m', 'none', '-q', '-s', state]);
  for (const jobs of [1, 2, 3]) await ok(['apply', input, '-s', state, '-o', output(jobs), '-q', '--jobs', String(jobs)], env);
}, 300_000);

describe('apply writes feature chunks page by page', () => {
  test('the same bytes for --jobs 1, 2 and 3', () => {
    const one = readFileSync(output(1));
    expect(readFileSync(output(2)).equals(one)).toBe(true);
    expect(readFileSync(output(3)).equals(one)).toBe(true);
  });

  test('DuckDB reads every value as the formula gives it, nulls where they were, passthrough columns unchanged', async () => {
    const s = readState(state);
    const [row] = await query(`SELECT count(*) AS n, bool_and(o.id = i.id AND o.name = i.name) AS passthrough,
        max(abs(o.x - ${formula(s, 'x', 'i.x')}) / greatest(1, abs(${formula(s, 'x', 'i.x')}))) AS x_err,
        bool_and((o.x IS NULL) = (i.x IS NULL)) AS x_nulls,
        bool_and((o.v IS NULL) = (i.v IS NULL) AND len(o.v) IS NOT DISTINCT FROM len(i.v) AND len(o.a) = 8) AS shapes
      FROM read_parquet('${output(1)}') o POSITIONAL JOIN read_parquet('${input}') i`);
    expect(Number(row!.n)).toBe(ROWS);
    expect(row!.passthrough).toBe(true);
    expect(row!.x_nulls).toBe(true);
    expect(row!.shapes).toBe(true);
    expect(Number(row!.x_err)).toBeLessThan(1e-12);
    // Elements side by side: unnest zips the two lists of a row.
    const [lists] = await query(`SELECT count(*) AS n, count(ov) AS values,
        max(abs(ov - ${formula(s, 'v', 'iv')}) / greatest(1, abs(${formula(s, 'v', 'iv')}))) AS v_err,
        bool_and((ov IS NULL) = (iv IS NULL)) AS v_nulls
      FROM (SELECT unnest(o.v) AS ov, unnest(i.v) AS iv FROM read_parquet('${output(1)}') o POSITIONAL JOIN read_parquet('${input}') i)`);
    expect(Number(lists!.values)).toBeGreaterThan(ROWS);
    expect(Number(lists!.values)).toBeLessThan(Number(lists!.n));
    expect(lists!.v_nulls).toBe(true);
    expect(Number(lists!.v_err)).toBeLessThan(1e-12);
    // Floats in, floats out: within a float32 rounding of the formula.
    const [floats] = await query(`SELECT max(abs(oa - ${formula(s, 'a', 'ia')}) / greatest(1, abs(${formula(s, 'a', 'ia')}))) AS a_err
      FROM (SELECT unnest(o.a) AS oa, unnest(i.a) AS ia FROM read_parquet('${output(1)}') o POSITIONAL JOIN read_parquet('${input}') i)`);
    expect(Number(floats!.a_err)).toBeLessThan(2 ** -23);
  });

  test('feature chunks have several pages, which their offset index lists; passthrough chunks are the input pages', async () => {
    const { chunks, bytes } = await walkPages(output(1));
    for (const chunk of chunks.filter((c) => c.path !== 'id' && c.path !== 'name')) {
      const at = Number(chunk.chunk.offset_index_offset);
      const index = readOffsetIndex({ view: new DataView(bytes.buffer, bytes.byteOffset + at, chunk.chunk.offset_index_length!), offset: 0 });
      expect(index.page_locations.map((p) => Number(p.offset))).toEqual(chunk.pages.map((page) => page.start));
      let row = 0;
      index.page_locations.forEach((location, p) => {
        expect(Number(location.first_row_index)).toBe(row);
        row += chunk.pages[p]!.header.data_page_header_v2!.num_rows;
      });
    }
    const pages = (path: string) => chunks.filter((chunk) => chunk.path === path).map((chunk) => chunk.pages.length);
    expect(pages('x')).toEqual([3, 3]); // 300,000 float64 rows: 131,072 to a page of 1 MiB
    expect(pages('a.list.element').every((n) => n >= 9)).toBe(true);
    expect(pages('v.list.element').every((n) => n > 3)).toBe(true);
    const input_ = await walkPages(input);
    expect(pages('id')).toEqual(input_.chunks.filter((chunk) => chunk.path === 'id').map((chunk) => chunk.pages.length));
  });

  test("every feature chunk's min, max and null count are those of its values", async () => {
    const stats = await query(`SELECT row_group_id AS g, path_in_schema AS p, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls
      FROM parquet_metadata('${output(1)}') ORDER BY g, column_id`);
    // DuckDB rounds row groups to its vectors of 2,048 rows: the groups' rows as written.
    const sizes = await rowGroupRows(output(1));
    expect(sizes.length).toBe(2);
    const rowsOf = (group: number) => `file_row_number >= ${group ? sizes[0] : 0} AND file_row_number < ${group ? ROWS : sizes[0]}`;
    const measured = async (group: number, values: string) => {
      const from = `(SELECT ${values} AS value FROM read_parquet('${output(1)}', file_row_number = true) WHERE ${rowsOf(group)})`;
      const [row] = await query(`SELECT min(value) AS lo, max(value) AS hi, count(*) - count(value) AS nulls FROM ${from}`);
      return [Number(row!.lo) + 0, Number(row!.hi), Number(row!.nulls)];
    };
    for (const group of [0, 1]) {
      const stat = (p: string) => stats.find((row) => Number(row.g) === group && row.p === p)!;
      const stored = (p: string) => [Number(stat(p).lo) + 0, Number(stat(p).hi), Number(stat(p).nulls)];
      expect(stored('x')).toEqual(await measured(group, 'x'));
      // Floats: DuckDB prints the statistics' float32 values in their shortest form.
      expect(stored('a, list, element').map(Math.fround)).toEqual((await measured(group, 'unnest(a)')).map(Math.fround));
      // A null row and an empty list each count one null entry in the leaf's chunk.
      const [lo, hi] = await measured(group, 'unnest(v)');
      const [nullEntries] = await query(`SELECT sum(CASE WHEN v IS NULL OR len(v) = 0 THEN 1 ELSE len(v) - len(list_filter(v, e -> e IS NOT NULL)) END) AS n
        FROM read_parquet('${output(1)}', file_row_number = true) WHERE ${rowsOf(group)}`);
      expect(stored('v, list, element')).toEqual([lo, hi, Number(nullEntries!.n)]);
    }
  });

  test('Polars reads it with the same values as DuckDB', async () => {
    const frame = readWithPolars(output(2));
    expect(frame.height).toBe(ROWS);
    const [duck] = await query(`SELECT sum(x) AS x, count(x) AS n, sum(list_sum(v)) AS v FROM read_parquet('${output(2)}')`);
    expect(frame.getColumn('x').nullCount()).toBe(ROWS - Number(duck!.n));
    expect(Math.abs(Number(frame.getColumn('x').sum()) - Number(duck!.x))).toBeLessThan(1e-6);
    const v = Number(frame.select(pl.col('v').explode().sum()).getColumn('v').toArray()[0]);
    expect(Math.abs(v - Number(duck!.v))).toBeLessThan(1e-6 * Math.max(1, Math.abs(v)));
  });
});

describe('fixed-size lists written by Polars', () => {
  const ARROW_ROWS = 250_000;
  const polars = join(dir, 'arrays.parquet');
  const polarsState = join(dir, 'arrays.json');
  const at = (i: number) => (i % 19 === 4 ? null : [Math.sin(i) * 3, i % 23 === 0 ? null : i / 1000, -i / 7, (i % 5) + 0.25]);

  beforeAll(async () => {
    const frame = pl.DataFrame([pl.Series('id', Array.from({ length: ARROW_ROWS }, (_, i) => i), pl.Int64), pl.Series('s', Array.from({ length: ARROW_ROWS }, (_, i) => at(i)), pl.FixedSizeList(pl.Float64, 4))]);
    frame.writeParquet(polars, { compression: 'zstd' });
    await ok(['fit', polars, '-x', 'id', '-m', 'none', '-q', '-s', polarsState]);
    for (const jobs of [1, 2]) await ok(['apply', polars, '-s', polarsState, '-o', join(dir, `arrays${jobs}.parquet`), '-q', '--jobs', String(jobs)], env);
  }, 300_000);

  test('stay fixed-size lists for Polars, every element normalized and every null kept, the same for 1 and 2 jobs', () => {
    const one = join(dir, 'arrays1.parquet');
    expect(readFileSync(join(dir, 'arrays2.parquet')).equals(readFileSync(one))).toBe(true);
    const s = readState(polarsState);
    const frame = readWithPolars(one);
    expect(String(frame.schema.s)).toBe('DataType(FixedSizeList(DataType(Float64),4))');
    const values = frame.getColumn('s').toArray() as unknown as (ArrayLike<number | null> | null)[];
    const [mean, variance] = [s.running_mean[0]!, s.running_var[0]!];
    let worst = 0;
    values.forEach((row, i) => {
      const want = at(i);
      if (want === null) return expect(row).toBeNull();
      Array.from(row!).forEach((v, j) => {
        if (want[j] === null) return expect(v).toBeNull();
        const expected = (want[j]! - mean) / Math.sqrt(variance + s.eps);
        worst = Math.max(worst, Math.abs(v! - expected) / Math.max(1, Math.abs(expected)));
      });
    });
    expect(worst).toBeLessThan(1e-12);
  });
});
