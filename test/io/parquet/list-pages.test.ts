/** Lists of numbers written from typed arrays, checked through DuckDB and the reader. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, FixedSizeList, Float32, Float64, Int64, LargeList, List, RecordBatch, Schema, Table, type Vector, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { query } from '../../helpers/duckdb.js';
import { readParquet, removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

const ROWS = 60_000;
/** Row i: null every 13th, empty every 7th, else 1..5 elements with a null every 11th element. */
function row(i: number): (number | null)[] | null {
  if (i % 13 === 5) return null;
  if (i % 7 === 3) return [];
  return Array.from({ length: 1 + (i % 5) }, (_, j) => ((i + j) % 11 === 0 ? null : (i * 31 + j) / 8));
}
const fixed = (i: number): (number | null)[] | null => (i % 17 === 2 ? null : [i, i % 9 === 0 ? null : -i, i / 2]);

function table(): Table {
  const l = vectorFromArray(Array.from({ length: ROWS }, (_, i) => row(i)), new List(new Field('item', new Float64(), true))) as Vector;
  const f = vectorFromArray(Array.from({ length: ROWS }, (_, i) => fixed(i)), new FixedSizeList(3, new Field('item', new Float32(), true))) as Vector;
  const b = vectorFromArray(Array.from({ length: ROWS }, (_, i) => (i % 3 ? [BigInt(i), BigInt(-i)] : [])), new LargeList(new Field('item', new Int64(), false))) as Vector;
  return new Table({ l, f, b });
}

describe('lists of numbers', () => {
  const t = table();
  const batches = t.batches.flatMap((batch: RecordBatch) => [batch.slice(0, 3), batch.slice(3, 40_001), batch.slice(40_001, batch.numRows)]);
  const schema = new Schema(t.schema.fields.map((f) => new Field(f.name, f.type, true)));

  test('DuckDB reads every row, null row, empty list and null element, across pages', async () => {
    const path = join(tempDir(), 'lists.parquet');
    writeFileSync(path, await writeParquet(schema, batches.map((b) => new RecordBatch(schema, b.data)), { rowGroupRows: batches.map((b) => b.numRows) }));
    const pages = await query(`SELECT count(*) AS n FROM parquet_metadata('${path}') WHERE path_in_schema LIKE 'l%'`);
    expect(Number(pages[0]!.n)).toBeGreaterThanOrEqual(3);
    const rows = await query(`SELECT l, f, b::VARCHAR[] AS b FROM read_parquet('${path}')`);
    expect(rows.length).toBe(ROWS);
    for (let i = 0; i < ROWS; i += 97) {
      expect(rows[i]!.l).toEqual(row(i));
      expect(rows[i]!.f).toEqual(fixed(i));
      expect(rows[i]!.b).toEqual(i % 3 ? [String(i), String(-i)] : []);
    }
  });

  test('the reader gets back every value, null and list boundary', async () => {
    const path = join(tempDir(), 'back.parquet');
    writeFileSync(path, await writeParquet(schema, [new RecordBatch(schema, t.batches[0]!.data)]));
    const back = await readParquet(path);
    const lists = back.batches.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => b.getChild('l')!.get(i)));
    lists.forEach((v, i) => {
      const want = row(i);
      if (want === null) expect(v).toBeNull();
      else expect(Array.from(v as ArrayLike<number | null>)).toEqual(want);
    });
  });
});
