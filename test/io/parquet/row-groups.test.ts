/**
 * Row groups of the Parquet writer: RowGroupCutter cuts any stream of batches
 * into exactly the asked row counts, and a row group gathered from batches
 * sliced at odd offsets holds every value, null, list and struct exactly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Int32, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { RowGroupCutter, type RowGroupRows } from '../../../src/io/parquet/row-groups.js';
import { query } from '../../helpers/duckdb.js';
import { rowGroupRows } from '../../helpers/parquet-meta.js';
import { duckdb, duckDifference, readParquet, removeTempDirs, tableImage, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

const schema = new Schema([new Field('i', new Int32(), false)]);
function counting(from: number, rows: number): RecordBatch {
  const data = makeData({ type: new Int32(), length: rows, nullCount: 0, data: Int32Array.from({ length: rows }, (_, k) => from + k) });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children: [data] }));
}

/** The row groups the cutter makes of batches of these sizes, as the values each holds. */
function cut(sizes: RowGroupRows, batches: number[]): number[][] {
  const cutter = new RowGroupCutter(sizes);
  const groups: RecordBatch[][] = [];
  let from = 0;
  for (const rows of batches) {
    groups.push(...cutter.push(counting(from, rows)));
    from += rows;
  }
  const last = cutter.finish();
  if (last) groups.push(last);
  return groups.map((parts) => parts.flatMap((batch) => Array.from(batch.getChild('i')!.toArray() as Int32Array)));
}

describe('RowGroupCutter', () => {
  test('groups of exactly the given rows, the last shorter, every row once and in order, whatever the batches', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 30 }), (size, batches) => {
        const groups = cut(size, batches);
        const total = batches.reduce((n, b) => n + b, 0);
        expect(groups.flat()).toEqual(Array.from({ length: total }, (_, k) => k));
        expect(groups.map((g) => g.length)).toEqual(Array.from({ length: Math.ceil(total / size) }, (_, g) => Math.min(size, total - g * size)));
      }),
    );
  });

  test('a list of sizes gives one group each, then repeats the last', () => {
    expect(cut([2, 5, 3], [4, 4, 4, 4]).map((g) => g.length)).toEqual([2, 5, 3, 3, 3]);
  });
});

describe('a row group gathered from sliced batches', () => {
  test('holds every value, null, list, map and struct of a DuckDB table exactly, in row groups of the asked rows', async () => {
    const dir = tempDir();
    const source = join(dir, 'source.parquet');
    await query(`COPY (SELECT i AS id, CASE WHEN i % 7 = 3 THEN NULL ELSE i * 0.5 END AS f, CASE WHEN i % 5 = 0 THEN NULL ELSE 's' || i END AS s,
      CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b, CASE WHEN i % 5 = 1 THEN NULL ELSE [i, NULL] END::DOUBLE[] AS l,
      CASE WHEN i % 4 = 1 THEN NULL ELSE [[i], NULL, []] END::BIGINT[][] AS ll, CASE WHEN i % 6 = 2 THEN NULL ELSE {'a': i, 'b': 'x' || i} END AS st,
      MAP {'k' || i: i} AS m FROM range(5000) r(i)) TO '${source}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const original = await readParquet(source);
    const slices = original.batches.flatMap((batch) => [batch.slice(0, 3), batch.slice(3, 701), batch.slice(701, batch.numRows)]);
    const out = join(dir, 'gathered.parquet');
    writeFileSync(out, await writeParquet(original.schema, slices, { parquetColumns: original.parquetColumns, rowGroupRows: 1500 }));
    expect(await rowGroupRows(out)).toEqual([1500, 1500, 1500, 500]);
    const again = await readParquet(out);
    expect(tableImage(again.batches, again.schema)).toEqual(tableImage(original.batches, original.schema));
    expect(await duckDifference(await duckdb(), source, out)).toEqual([0, 0]);
  });
});
