/** The fast path for flat numeric columns, checked through DuckDB: values, nulls, pages and statistics. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Float32, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { query } from '../../helpers/duckdb.js';
import { readParquet, removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

const ROWS = 300_000; // several 1 MiB pages per column
const nullAt = (i: number) => i % 7 === 3 || (i >= 1000 && i < 1100);

function table() {
  const f64 = Float64Array.from({ length: ROWS }, (_, i) => (i === 5 ? NaN : i === 6 ? -0 : Math.sin(i) * 1e3));
  const f32 = Float32Array.from({ length: ROWS }, (_, i) => i - 150_000.5);
  const i32 = Int32Array.from({ length: ROWS }, (_, i) => (i * 7919) % 100_003 - 50_000);
  const i64 = BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i) * 3_000_000_000n - 2n ** 62n);
  const bitmap = new Uint8Array((ROWS + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < ROWS; i++) {
    if (nullAt(i)) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  const fields = [new Field('d', new Float64(), true), new Field('f', new Float32(), false), new Field('i', new Int32(), true), new Field('l', new Int64(), false)];
  const children = [
    makeData({ type: new Float64(), length: ROWS, nullCount: nulls, nullBitmap: bitmap, data: f64 }),
    makeData({ type: new Float32(), length: ROWS, nullCount: 0, data: f32 }),
    makeData({ type: new Int32(), length: ROWS, nullCount: nulls, nullBitmap: bitmap, data: i32 }),
    makeData({ type: new Int64(), length: ROWS, nullCount: 0, data: i64 }),
  ];
  const schema = new Schema(fields);
  return { schema, batch: new RecordBatch(schema, makeData({ type: new Struct(fields), length: ROWS, nullCount: 0, children })), f64, f32, i32, i64 };
}

describe('flat numeric column chunks', () => {
  const { schema, batch, f64, f32, i32, i64 } = table();

  test('DuckDB reads every value and null, from batches sliced at unaligned offsets, across many pages', async () => {
    const parts = [batch.slice(0, 3), batch.slice(3, 100_005), batch.slice(100_005, ROWS)];
    const path = join(tempDir(), 'flat.parquet');
    writeFileSync(path, await writeParquet(schema, parts, { rowGroupRows: parts.map((part) => part.numRows) }));
    const pages = await query(`SELECT count(*) AS n FROM parquet_metadata('${path}') WHERE path_in_schema = 'd'`);
    expect(pages).toEqual([{ n: '3' }]);
    const rows = await query(`SELECT d, f, i, l::VARCHAR AS l FROM read_parquet('${path}')`);
    expect(rows.length).toBe(ROWS);
    for (const i of [0, 3, 5, 6, 7, 999, 1000, 1099, 1100, 100_004, 100_005, ROWS - 1]) {
      const row = rows[i]!;
      expect(row.d).toEqual(nullAt(i) ? null : i === 5 ? 'NaN' : f64[i]);
      expect(row.f).toBe(f32[i]);
      expect(row.i).toBe(nullAt(i) ? null : i32[i]);
      expect(row.l).toBe(String(i64[i]));
    }
    if (!Object.is(f64[6], -0)) throw new Error('fixture');
  });

  test('statistics: min and max skip NaN and nulls; null counts per chunk', async () => {
    const path = join(tempDir(), 'stats.parquet');
    writeFileSync(path, await writeParquet(schema, [batch], { rowGroupRows: ROWS }));
    const stats = await query(`SELECT path_in_schema AS c, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata('${path}') ORDER BY c`);
    const valid = (a: ArrayLike<number>) => Array.from(a).filter((v, i) => !nullAt(i) && !Number.isNaN(v));
    const min = (a: number[]) => a.reduce((x, y) => Math.min(x, y));
    const max = (a: number[]) => a.reduce((x, y) => Math.max(x, y));
    const d = valid(f64);
    const nulls = Array.from({ length: ROWS }, (_, i) => nullAt(i)).filter(Boolean).length;
    expect(stats.map((s) => s.c)).toEqual(['d', 'f', 'i', 'l']);
    expect(Number(stats[0]!.lo)).toBe(min(d));
    expect(Number(stats[0]!.hi)).toBe(max(d));
    expect(Number(stats[0]!.nulls)).toBe(nulls);
    expect(Number(stats[1]!.lo)).toBe(f32[0]);
    expect(Number(stats[2]!.lo)).toBe(min(valid(i32)));
    expect(stats[3]!.lo).toBe(String(i64[0]));
    expect(stats[3]!.hi).toBe(String(i64[ROWS - 1]));
    const filtered = await query(`SELECT count(*) AS n FROM read_parquet('${path}') WHERE i > 40000`);
    expect(filtered).toEqual([{ n: String(valid(i32).filter((v) => v > 40000).length) }]);
  });

  test('our reader reads back every bit, nulls included', async () => {
    const path = join(tempDir(), 'back.parquet');
    writeFileSync(path, await writeParquet(schema, [batch]));
    const back = await readParquet(path);
    const d = back.batches.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => b.getChild('d')!.get(i)));
    expect(d.length).toBe(ROWS);
    d.forEach((v, i) => {
      if (nullAt(i)) expect(v).toBeNull();
      else expect(Object.is(v, f64[i])).toBe(true);
    });
  });
});
