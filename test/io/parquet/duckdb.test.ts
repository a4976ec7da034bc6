/**
 * A Parquet file DuckDB writes with many column types (every integer width
 * and signedness, floats with NaN, -0 and infinities, strings, blobs, dates,
 * timestamps, decimals up to 38 digits, UUIDs, intervals, nested lists,
 * structs, maps and fixed-size arrays (whose null rows DuckDB writes as one
 * level entry per slot), nulls everywhere, several row groups) goes through this
 * reader and writer and back to DuckDB unchanged. Then normalized feature
 * columns (their numbers replaced by floats) keep their names, repetition and
 * list structure.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Float32, Float64, List, makeData, RecordBatch, Schema, Struct, type Data, type Vector, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { columnImage, duckDifference, duckdb, duckTypes, queryText, readParquet, type ReadResult, removeTempDirs, tableImage, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

const ROWS = 5000;

const COLUMNS = `
  i AS id,
  CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 37 % 256 - 128)::TINYINT END AS i8,
  ((i * 7919) % 65536 - 32768)::SMALLINT AS i16,
  ((i::BIGINT * 1000003 * 997) % 4294967296 - 2147483648)::INTEGER AS i32,
  CASE WHEN i % 5 = 0 THEN NULL ELSE (i - 2500)::BIGINT * 1234567890123456 + 1 END AS i64,
  (i * 5 % 256)::UTINYINT AS u8, (65535 - i)::USMALLINT AS u16, (4294967295 - i)::UINTEGER AS u32,
  CASE WHEN i % 2 = 0 THEN i::UBIGINT ELSE 18446744073709551615 - i::UBIGINT END AS u64,
  CASE i % 6 WHEN 0 THEN '-0.0'::FLOAT WHEN 1 THEN 'nan'::FLOAT WHEN 2 THEN 'inf'::FLOAT WHEN 3 THEN NULL ELSE (i / 3)::FLOAT END AS f32,
  CASE i % 6 WHEN 0 THEN '-0.0'::DOUBLE WHEN 1 THEN 'nan'::DOUBLE WHEN 2 THEN '-inf'::DOUBLE WHEN 3 THEN NULL ELSE i / 7 END AS f64,
  CASE WHEN i % 4 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
  CASE WHEN i % 9 = 4 THEN NULL ELSE 'héllo ' || i || ' 日本 🎉' END AS s,
  CASE WHEN i % 8 = 5 THEN NULL ELSE ('\\x00\\xFF' || i)::BLOB END AS blob,
  DATE '1969-12-25' + i * 4 AS d,
  TIMESTAMP '1960-01-01 00:00:00.123456' + i * INTERVAL 10 DAY AS ts,
  (TIMESTAMP '2000-01-01 00:00:00.123' + i * INTERVAL 1 DAY)::TIMESTAMP_MS AS ts_ms,
  (TIMESTAMP '2000-01-01 00:00:01' + i * INTERVAL 1 DAY)::TIMESTAMP_S AS ts_s,
  TIMESTAMPTZ '2001-02-03 04:05:06.789+00' + i * INTERVAL 1 HOUR AS tstz,
  TIME '01:02:03.456789' + i * INTERVAL 1 SECOND AS t,
  ((i % 100 - 50) * 1.25)::DECIMAL(4, 2) AS dec4,
  ((i - 2500) * 123.457)::DECIMAL(9, 3) AS dec9,
  ((i - 2500) * 1234567.123456)::DECIMAL(18, 6) AS dec18,
  ((i - 2500)::VARCHAR || '2345678901234567.1234567891')::DECIMAL(38, 10) AS dec38,
  ('00000000-0000-4000-8000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS uuid,
  INTERVAL (i) DAY + INTERVAL (i % 13) MONTH AS iv,
  CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN [] ELSE [i, NULL, -i] END::INTEGER[] AS list_i,
  CASE WHEN i % 4 = 0 THEN NULL ELSE [i / 3, NULL, 'nan'::DOUBLE] END::DOUBLE[] AS list_d,
  CASE WHEN i % 3 = 0 THEN NULL ELSE [[i], NULL, []] END::BIGINT[][] AS list_list,
  CASE WHEN i % 4 = 1 THEN NULL ELSE {'a': CASE WHEN i % 2 = 0 THEN NULL ELSE i END, 'b': 'x' || i} END AS st,
  CASE WHEN i % 4 = 2 THEN NULL ELSE MAP {'k' || i: i, 'z': NULL} END AS m,
  (CASE WHEN i % 6 = 2 THEN NULL ELSE [i / 4, NULL, -i] END)::FLOAT[3] AS arr3`;

const ARROW_TYPES: Record<string, string> = {
  id: 'Int32', i8: 'Int8', i16: 'Int16', i32: 'Int32', i64: 'Int64', u8: 'Uint8', u16: 'Uint16', u32: 'Uint32', u64: 'Uint64',
  f32: 'Float32', f64: 'Float64', b: 'Bool', s: 'Utf8', blob: 'Binary', d: 'Date32<DAY>',
  ts: 'Timestamp<MICROSECOND>', ts_ms: 'Timestamp<MILLISECOND>', ts_s: 'Timestamp<MICROSECOND>', tstz: 'Timestamp<MICROSECOND, UTC>',
  t: 'Time64<MICROSECOND>', dec4: 'Decimal[4e+2]', dec9: 'Decimal[9e+3]', dec18: 'Decimal[18e+6]', dec38: 'Decimal[38e+10]',
  uuid: 'FixedSizeBinary[16]', iv: 'FixedSizeBinary[12]', list_i: 'List<Int32>', list_d: 'List<Float64>', list_list: 'List<List<Int64>>',
  st: 'Struct<{a:Int32, b:Utf8}>', m: 'Map<{key:Utf8, value:Int32}>', arr3: 'List<Float32>',
};

let dir: string;
let source: string;
let original: ReadResult;

beforeAll(async () => {
  dir = tempDir();
  source = join(dir, 'duckdb.parquet');
  const db = await duckdb();
  await db.run(`COPY (SELECT ${COLUMNS} FROM (SELECT range::INTEGER AS i FROM range(0, ${ROWS}))) TO '${source}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  original = await readParquet(source);
});

describe('a DuckDB-written file of many types', () => {
  test('reads with exact Arrow types, one batch per row group', () => {
    expect(Object.fromEntries(original.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual(ARROW_TYPES);
    expect(original.numRows).toBe(ROWS);
    expect(original.batches.map((b) => b.numRows)).toEqual([2048, 2048, 904]);
  });

  test('reads the values DuckDB wrote, INT64 beyond 2^53 and UINT64 near 2^64 exact', async () => {
    const db = await duckdb();
    for (const column of ['i64', 'u64', 'i8', 'u32', 's']) {
      const expected = (await queryText(db, `SELECT ${column}::VARCHAR FROM read_parquet('${source}')`)).map((row) => row[0]);
      const got = original.batches.flatMap((b) => {
        const vector = b.getChild(column)!;
        return Array.from({ length: vector.length }, (_, i) => (vector.get(i) === null ? 'NULL' : String(vector.get(i))));
      });
      expect(got, column).toEqual(expected);
    }
    const f32 = columnImage(original.batches, 'f32').slice(0, 4);
    expect(f32).toEqual(['00000080', '0000c07f', '0000807f', 'null']);
  });

  test('written back, DuckDB sees the same column types and the same rows', async () => {
    const out = join(dir, 'copy.parquet');
    writeFileSync(out, await writeParquet(original.schema, original.batches, { parquetColumns: original.parquetColumns, rowGroupRows: 2048 }));
    const db = await duckdb();
    expect(await duckTypes(db, out)).toEqual(await duckTypes(db, source));
    expect(await duckDifference(db, source, out)).toEqual([0, 0]);
    const copy = await readParquet(out);
    expect(tableImage(copy.batches, copy.schema)).toEqual(tableImage(original.batches, original.schema));
    expect(copy.batches.map((b) => b.numRows)).toEqual([2048, 2048, 904]);
  });

  test('batches sliced at odd offsets are written exactly (validity, bits, offsets and children follow the slice)', async () => {
    const slices = original.batches.flatMap((batch) => {
      const cuts = [0, 3, 700, 701, batch.numRows];
      return cuts.slice(1).map((end, k) => batch.slice(cuts[k]!, end));
    });
    expect(slices.reduce((n, s) => n + s.numRows, 0)).toBe(ROWS);
    const out = join(dir, 'sliced.parquet');
    writeFileSync(out, await writeParquet(original.schema, slices, { parquetColumns: original.parquetColumns, rowGroupRows: slices.map((s) => s.numRows) }));
    const again = await readParquet(out);
    expect(again.batches.map((b) => b.numRows)).toEqual(slices.map((s) => s.numRows));
    expect(tableImage(again.batches, again.schema)).toEqual(tableImage(original.batches, original.schema));
  });

  test('the copy statistics let DuckDB filter row groups correctly (unsigned and decimal orders included)', async () => {
    const out = join(dir, 'copy-stats.parquet');
    writeFileSync(out, await writeParquet(original.schema, original.batches, { parquetColumns: original.parquetColumns }));
    const db = await duckdb();
    const filters = [
      'u64 > 18446744073709550000', 'u64 < 1000', 'u32 < 4294963000', 'u16 > 65000', 'i64 < -1000000000000000000', 'i32 > 2000000000',
      "s > 'héllo 4'", 'dec38 < 0', 'dec4 > 20', "ts > TIMESTAMP '2000-01-01'", 'f64 > 500', "blob < '\\x00\\xFF2'::BLOB",
    ];
    for (const filter of filters) {
      const count = async (path: string) => (await queryText(db, `SELECT count(*) FROM read_parquet('${path}') WHERE ${filter}`))[0]![0];
      const expected = await count(source);
      expect(Number(expected), filter).toBeGreaterThan(0);
      expect(await count(out), filter).toBe(expected);
    }
  });
});

/** The batches with some columns replaced (same rows). */
function replaceColumns(batches: RecordBatch[], schema: Schema, replace: Record<string, (column: Vector) => Vector>): [Schema, RecordBatch[]] {
  const fields = schema.fields.map((f) => (replace[f.name] ? new Field(f.name, replace[f.name]!(batches[0]!.getChild(f.name)!.slice(0, 1)).type, f.nullable) : f));
  const newSchema = new Schema(fields);
  const newBatches = batches.map((batch) => {
    const children: Data[] = schema.fields.map((f, c) => (replace[f.name] ? replace[f.name]!(batch.getChild(f.name)!).data[0]! : batch.data.children[c]!));
    return new RecordBatch(newSchema, makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children }));
  });
  return [newSchema, newBatches];
}

const toFloats = (type: Float32 | Float64) => (column: Vector) =>
  vectorFromArray(Array.from({ length: column.length }, (_, i) => (column.get(i) === null ? null : Number(column.get(i)) / 2)), type);

const listToFloats = (column: Vector) =>
  vectorFromArray(
    Array.from({ length: column.length }, (_, i) => {
      const list = column.get(i) as Vector | null;
      return list === null ? null : Array.from(list as Iterable<number | null>, (v) => (v === null ? null : Number(v) + 0.5));
    }),
    new List(new Field('element', new Float64(), true)),
  );

describe('normalized feature columns', () => {
  test('keep their name, repetition and list structure, with FLOAT/DOUBLE leaves and no old annotation', async () => {
    const [schema, batches] = replaceColumns(original.batches, original.schema, {
      i8: toFloats(new Float64()), u64: toFloats(new Float32()), dec9: toFloats(new Float64()), list_i: listToFloats,
    });
    const out = join(dir, 'normalized.parquet');
    writeFileSync(out, await writeParquet(schema, batches, { parquetColumns: original.parquetColumns }));
    const copy = await readParquet(out);
    expect(copy.parquetColumns.get('i8')).toEqual([{ name: 'i8', repetition_type: 'OPTIONAL', type: 'DOUBLE' }]);
    expect(copy.parquetColumns.get('u64')).toEqual([{ name: 'u64', repetition_type: 'OPTIONAL', type: 'FLOAT' }]);
    expect(copy.parquetColumns.get('list_i')).toEqual([
      { name: 'list_i', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'OPTIONAL', type: 'DOUBLE' },
    ]);
    expect(copy.parquetColumns.get('s')).toEqual(original.parquetColumns.get('s'));
    const db = await duckdb();
    const types = await duckTypes(db, out);
    expect(types.filter((t) => /^(i8|u64|dec9|list_i|s) /.test(t))).toEqual(['i8 DOUBLE', 'u64 FLOAT', 's VARCHAR', 'dec9 DOUBLE', 'list_i DOUBLE[]']);
    const rows = await queryText(db, `SELECT i8, list_i FROM read_parquet('${out}') LIMIT 3`);
    const sourceRows = await queryText(db, `SELECT i8, list_i FROM read_parquet('${source}') LIMIT 3`);
    expect(rows.map((r) => r[0])).toEqual(sourceRows.map((r) => (r[0] === 'NULL' ? 'NULL' : String(Number(r[0]) / 2))));
    expect(rows.map((r) => r[1])).toEqual(['NULL', '[]', '[2.5, NULL, -1.5]']);
  });
});
