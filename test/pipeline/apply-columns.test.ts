/**
 * An apply of Parquet into Parquet column chunk by column chunk, over
 * DuckDB's one-page chunks of many pieces (read in parts, into buffers read
 * into again once a piece is normalized): every row as the row-wise apply
 * (`rowGroupSize`, which re-cuts row groups from whole batches) writes it,
 * by DuckDB's reading of both. A chunk's values are normalized into the
 * buffer the chunk before was, once it is written.
 */
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { stateDocument } from '../../src/core/state-json.js';
import { openFile } from '../../src/io/dataset/open-input.js';
import { outputSchema } from '../../src/io/dataset/features.js';
import { resolveFeatures } from '../../src/io/dataset/select-features.js';
import { apply } from '../../src/pipeline/apply.js';
import { normalizedPieces } from '../../src/pipeline/apply-columns.js';
import { DataWarnings } from '../../src/pipeline/warnings.js';
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

test('a chunk is normalized into the buffer of the chunk before, once that one is written', async () => {
  const state = await fitState([input], { columns: ['x'] });
  const reader = await openFile(input);
  try {
    const features = resolveFeatures(reader.schema, state.features, reader.name);
    const settings = { state, nan: 'error' as const, features, schema: outputSchema(reader.schema, features), warnings: new DataWarnings() };
    const file = { reader, path: input, startRow: 0, groups: reader.parquetLayout!.rowGroupRows };
    expect(file.groups.length).toBeGreaterThanOrEqual(2);
    const c = reader.schema.fields.findIndex((field) => field.name === 'x');
    const buffers = async (g: number, written: boolean) => {
      const out: ArrayBufferLike[] = [];
      for await (const piece of normalizedPieces(file, g, c, 0, settings, (row) => `row ${row}`, () => written)) out.push(piece.values.buffer);
      return out;
    };
    const first = await buffers(0, true);
    const second = await buffers(1, true);
    expect(second[0]).toBe(first.at(-1));
    // A chunk whose stream keeps views of its pieces (until their pages are written) does not give its buffer back.
    const kept = await buffers(0, false);
    expect(kept[0]).toBe(second.at(-1));
    const after = await buffers(1, true);
    expect(kept).not.toContain(after[0]);
  } finally {
    await reader.close();
  }
});
