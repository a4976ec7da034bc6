/**
 * An apply of Parquet into Parquet column chunk by column chunk, over
 * DuckDB's one-page chunks of many pieces (read in parts, into buffers read
 * into again once a piece is normalized): every row as the row-wise apply
 * (`rowGroupSize`, which re-cuts row groups from whole batches) writes it,
 * by DuckDB's reading of both.
 */
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { stateDocument } from '../../src/core/state-json.js';
import { apply } from '../../src/pipeline/apply.js';
import { fitState } from '../../src/pipeline/fit.js';
import { scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { walkPages } from '../io/parquet/page-walk.js';
import { writeOnePageTable } from './one-page-table.js';

const dir = scratch();
const input = join(dir, 'big.parquet');

beforeAll(async () => {
  await writeOnePageTable(input, { id: true });
});

test('normalizes every row as the row-wise apply does', async () => {
  const arr = (await walkPages(input)).chunks.find((c) => c.path.startsWith('arr'))!;
  expect(arr.pages.at(-1)!.header.uncompressed_page_size, 'a one-page chunk of several pieces').toBeGreaterThan(4 << 20);
  const state = stateDocument(await fitState([input], { columns: ['x', 'arr', 'lst'] }));
  const byColumns = join(dir, 'columns.parquet');
  const rowWise = join(dir, 'rows.parquet');
  await apply(input, state, { output: byColumns });
  await apply(input, state, { output: rowWise, rowGroupSize: 100_000 });
  const counts = async (sql: string) => Object.values((await query(sql))[0]!).map(Number);
  const except = (a: string, b: string) => `SELECT count(*) FROM (SELECT * FROM read_parquet('${a}') EXCEPT ALL SELECT * FROM read_parquet('${b}'))`;
  expect(await counts(except(byColumns, rowWise))).toEqual([0]);
  expect(await counts(except(rowWise, byColumns))).toEqual([0]);
  // Every row, and its nulls, is there.
  const sql = (path: string) => `SELECT count(*), count(x), count(arr), count(lst), sum(len(lst)) FROM read_parquet('${path}')`;
  expect(await counts(sql(byColumns))).toEqual(await counts(sql(input)));
});
