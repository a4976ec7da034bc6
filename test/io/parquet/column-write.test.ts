/**
 * Column chunks of the generic writer (every leaf that is not a flat number
 * or a list of numbers), read back by DuckDB, Polars and hyparquet value for
 * value, with the encodings, dictionary pages, statistics and page indexes
 * the footer claims checked against the pages themselves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bool, type DataType, Field, FixedSizeBinary, Float64, Int64, List, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import { type FileMetaData, parquetMetadata, parquetReadObjects, readOffsetIndex } from 'hyparquet';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WriterOptions } from '../../../src/io/dataset/dataset.js';
import { dictionaryOf, MAX_DICTIONARY_BYTES } from '../../../src/io/parquet/dictionary-out.js';
import { query } from '../../helpers/duckdb.js';
import { duckdb, duckDifference, PARQUET_TESTING, readParquet, removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

const ROWS = 5000;
const FRUIT = ['pear', 'äpfel', '🍐', 'fig'];
const EXTREMES = [-(2n ** 63n), 2n ** 63n - 1n, 0n, null];
const DOUBLES = [-0, NaN, Infinity, -Infinity, 1.5, null];

const at = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
const bools = (i: number) => (i % 5 === 0 ? null : i % 3 === 0);
const strings = (i: number) => (i % 7 === 0 ? null : i % 11 === 0 ? '' : FRUIT[i % 4]!);
const uniques = (i: number) => (i % 13 === 0 ? null : `unique ${i} ${'x'.repeat(i % 17)}`);
const fixed = (i: number) => (i % 6 === 0 ? null : Uint8Array.of(i % 4, 0xff, 7));

function batchOf(columns: [string, DataType, unknown[]][]): RecordBatch {
  const fields = columns.map(([name, type]) => new Field(name, type, true));
  const children = columns.map(([, type, values]) => vectorFromArray(values, type).data[0]!);
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: children[0]!.length, nullCount: 0, children }));
}

async function written(name: string, batch: RecordBatch, options: WriterOptions = {}): Promise<{ path: string; bytes: Uint8Array; meta: FileMetaData }> {
  const bytes = await writeParquet(batch.schema, [batch], options);
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return { path, bytes, meta: parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer) };
}

const chunksOf = (meta: FileMetaData, column: string) => meta.row_groups.flatMap((group) => group.columns.filter((chunk) => chunk.meta_data!.path_in_schema[0] === column));

describe('a file of every generic leaf type, in three row groups', () => {
  let file: Awaited<ReturnType<typeof written>>;
  beforeAll(async () => {
    file = await written(
      'types.parquet',
      batchOf([
        ['b', new Bool(), at(ROWS, bools)],
        ['s', new Utf8(), at(ROWS, strings)],
        ['u', new Utf8(), at(ROWS, uniques)],
        ['fixed', new FixedSizeBinary(3), at(ROWS, fixed)],
        ['st', new Struct([new Field('v', new Int64(), true)]), at(ROWS, (i) => (i % 9 === 0 ? null : { v: EXTREMES[i % 4] }))],
        ['dst', new Struct([new Field('d', new Float64(), true)]), at(ROWS, (i) => ({ d: DOUBLES[i % 6] }))],
      ]),
      { rowGroupRows: 2000 },
    );
  });

  test('DuckDB reads every value: booleans and strings with nulls, empty strings, FLBA, int64 extremes, -0.0, NaN and infinities', async () => {
    const rows = await query(
      `SELECT b, s, u, fixed::VARCHAR AS fixed, st.v::VARCHAR AS v, st IS NULL AS st_null, dst.d::VARCHAR AS d
       FROM read_parquet('${file.path}', file_row_number = true) ORDER BY file_row_number`,
    );
    const hex = (bytes: Uint8Array | null) => bytes && Array.from(bytes, (b) => (b < 0x20 || b > 0x7e ? `\\x${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
    const text = (d: number | null) => (d === null ? null : Number.isNaN(d) ? 'nan' : d === Infinity ? 'inf' : d === -Infinity ? '-inf' : Object.is(d, -0) ? '-0.0' : String(d));
    expect(rows).toEqual(
      at(ROWS, (i) => ({
        b: bools(i),
        s: strings(i),
        u: uniques(i),
        fixed: hex(fixed(i)),
        v: i % 9 === 0 || EXTREMES[i % 4] === null ? null : String(EXTREMES[i % 4]),
        st_null: i % 9 === 0,
        d: text(DOUBLES[i % 6]!),
      })),
    );
  });

  test('Polars reads the same values, -0.0 with its sign', () => {
    const frame = pl.readParquet(file.path);
    expect(frame.getColumn('b').toArray()).toEqual(at(ROWS, bools));
    expect(frame.getColumn('s').toArray()).toEqual(at(ROWS, strings));
    expect(frame.getColumn('u').toArray()).toEqual(at(ROWS, uniques));
    const d = frame.getColumn('dst').struct.field('d').toArray() as (number | null)[];
    expect(d.map((x) => (x === null ? 'null' : Object.is(x, -0) ? '-0' : String(x)))).toEqual(at(ROWS, (i) => (DOUBLES[i % 6] === null ? 'null' : Object.is(DOUBLES[i % 6], -0) ? '-0' : String(DOUBLES[i % 6]))));
    // As text: Polars hands 64-bit integers to JavaScript as doubles.
    const v = frame.select(pl.col('st').struct.field('v').cast(pl.Utf8)).getColumn('v').toArray();
    expect(v).toEqual(at(ROWS, (i) => (i % 9 === 0 || EXTREMES[i % 4] === null ? null : String(EXTREMES[i % 4]))));
  });

  test('encodings: few distinct strings, FLBA and int64 values get a dictionary page, unique strings and doubles are PLAIN, booleans RLE', () => {
    const encodings = (column: string) => chunksOf(file.meta, column).map((chunk) => [chunk.meta_data!.encodings, chunk.meta_data!.dictionary_page_offset !== undefined, chunk.meta_data!.encoding_stats]);
    const dictionary = (pages: number) => [['PLAIN', 'RLE', 'RLE_DICTIONARY'], true, [{ page_type: 'DICTIONARY_PAGE', encoding: 'PLAIN', count: 1 }, { page_type: 'DATA_PAGE_V2', encoding: 'RLE_DICTIONARY', count: pages }]];
    const plain = (encoding: string) => [['PLAIN', 'RLE'].filter((e) => e === 'RLE' || e === encoding), false, [{ page_type: 'DATA_PAGE_V2', encoding, count: 1 }]];
    for (const column of ['s', 'fixed', 'st']) expect(encodings(column), column).toEqual([dictionary(1), dictionary(1), dictionary(1)]);
    expect(encodings('u')).toEqual([plain('PLAIN'), plain('PLAIN'), plain('PLAIN')]);
    expect(encodings('dst')).toEqual([plain('PLAIN'), plain('PLAIN'), plain('PLAIN')]);
    expect(encodings('b')).toEqual([plain('RLE'), plain('RLE'), plain('RLE')]);
    for (const chunk of chunksOf(file.meta, 's')) expect(chunk.meta_data!.dictionary_page_offset).toBe(chunk.file_offset);
  });

  test('statistics are those of each row group, as DuckDB computes them', async () => {
    const stats = await query(`SELECT row_group_id AS g, path_in_schema AS p, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS n FROM parquet_metadata('${file.path}') ORDER BY g, column_id`);
    const want = await query(
      `SELECT file_row_number // 2000 AS g, min(b)::VARCHAR AS b0, max(b)::VARCHAR AS b1, count(*) - count(b) AS bn, min(s) AS s0, max(s) AS s1, count(*) - count(s) AS sn,
       min(st.v)::VARCHAR AS v0, max(st.v)::VARCHAR AS v1, count(*) - count(st.v) AS vn
       FROM read_parquet('${file.path}', file_row_number = true) GROUP BY g ORDER BY g`,
    );
    const of = (p: string) => stats.filter((s) => s.p === p).map((s) => [s.lo, s.hi, s.n]);
    expect(of('b')).toEqual(want.map((w) => [w.b0, w.b1, String(w.bn)]));
    expect(of('s')).toEqual(want.map((w) => [w.s0, w.s1, String(w.sn)]));
    expect(of('st, v')).toEqual(want.map((w) => [w.v0, w.v1, String(w.vn)]));
    expect(want.map((w) => [w.v0, w.v1])).toEqual([0, 1, 2].map(() => [String(-(2n ** 63n)), String(2n ** 63n - 1n)]));
  });
});

describe('pages', () => {
  const LONG = 30_000;
  const long = (i: number) => (i % 10 === 0 ? null : `${String(i).padStart(6, '0')} ${'long value '.repeat(9)}`);
  const lists = (i: number) => (i % 17 === 0 ? null : at(i % 4, (k) => `${i}:${k} ${'list element '.repeat(4)}`));
  let file: Awaited<ReturnType<typeof written>>;
  beforeAll(async () => {
    file = await written('pages.parquet', batchOf([
      ['long', new Utf8(), at(LONG, long)],
      ['list', new List(new Field('item', new Utf8(), true)), at(LONG, lists)],
    ]), { compression: 'UNCOMPRESSED' });
  });

  test('a chunk of several MiB is cut into pages of about 1 MiB (uncompressed here), back to back, and DuckDB reads every value', async () => {
    for (const column of ['long', 'list']) {
      const [chunk] = chunksOf(file.meta, column);
      const index = readOffsetIndex({ view: new DataView(file.bytes.buffer, file.bytes.byteOffset), offset: Number(chunk!.offset_index_offset) });
      const pages = index.page_locations;
      expect(pages.length, column).toBeGreaterThanOrEqual(3);
      expect(chunk!.meta_data!.encoding_stats).toEqual([{ page_type: 'DATA_PAGE_V2', encoding: 'PLAIN', count: pages.length }]);
      expect(pages[0]!.offset).toBe(chunk!.meta_data!.data_page_offset);
      for (let p = 1; p < pages.length; p++) expect(pages[p]!.offset).toBe(pages[p - 1]!.offset + BigInt(pages[p - 1]!.compressed_page_size));
      const last = pages.at(-1)!;
      expect(last.offset + BigInt(last.compressed_page_size)).toBe(chunk!.file_offset + chunk!.meta_data!.total_compressed_size);
      for (const page of pages.slice(0, -1)) expect(page.compressed_page_size / (1 << 20)).toBeGreaterThan(1);
      for (const page of pages) expect(page.compressed_page_size / (1 << 20)).toBeLessThan(1.01);
    }
    const rows = await query(`SELECT long, list FROM read_parquet('${file.path}', file_row_number = true) ORDER BY file_row_number`);
    expect(rows).toEqual(at(LONG, (i) => ({ long: long(i), list: lists(i) })));
  });

  test("the offset index's first rows are right: hyparquet reads the rows around every page boundary through it", async () => {
    const buffer = file.bytes.buffer.slice(file.bytes.byteOffset, file.bytes.byteOffset + file.bytes.length) as ArrayBuffer;
    for (const column of ['long', 'list']) {
      const [chunk] = chunksOf(file.meta, column);
      const pages = readOffsetIndex({ view: new DataView(buffer), offset: Number(chunk!.offset_index_offset) }).page_locations;
      const firsts = pages.map((page) => Number(page.first_row_index));
      expect(firsts[0]).toBe(0);
      for (let p = 1; p < firsts.length; p++) {
        const [rowStart, rowEnd] = [firsts[p]! - 2, firsts[p]! + 2];
        const rows = await parquetReadObjects({ file: buffer, columns: [column], rowStart, rowEnd, useOffsetIndex: true });
        const want = at(rowEnd - rowStart, (k) => (column === 'long' ? long(rowStart + k) : lists(rowStart + k)));
        // hyparquet gives undefined for a null list.
        expect(rows.map((row) => row[column] ?? null), `${column} around page ${p}`).toEqual(want);
      }
    }
  });
});

test('INT96 timestamps are written as INT96, and DuckDB reads the same instants', async () => {
  const source = join(PARQUET_TESTING, 'int96_from_spark.parquet');
  const read = await readParquet(source);
  const bytes = await writeParquet(read.schema, read.batches, { parquetColumns: read.parquetColumns });
  const out = join(tempDir(), 'int96.parquet');
  writeFileSync(out, bytes);
  const types = await query(`SELECT DISTINCT type FROM parquet_metadata('${out}')`);
  expect(types).toEqual([{ type: 'INT96' }]);
  expect(await duckDifference(await duckdb(), source, out)).toEqual([0, 0]);
  expect((await query(`SELECT count(*) AS n FROM read_parquet('${out}')`))[0]!.n).toBe(String(read.numRows));
});

test('a chunk of up to 16 booleans is PLAIN (bit-packed), and reads back', async () => {
  const values = [true, null, false, true, true, null, false, false, true, true];
  const file = await written('bools.parquet', batchOf([['b', new Bool(), values]]));
  expect(chunksOf(file.meta, 'b')[0]!.meta_data!.encoding_stats).toEqual([{ page_type: 'DATA_PAGE_V2', encoding: 'PLAIN', count: 1 }]);
  expect((await query(`SELECT b FROM read_parquet('${file.path}')`)).map((row) => row.b)).toEqual(values);
  expect(pl.readParquet(file.path).getColumn('b').toArray()).toEqual(values);
});

test('a file without rows: no row group, the schema, read by DuckDB and Polars', async () => {
  const batch = batchOf([['s', new Utf8(), []], ['b', new Bool(), []]]);
  const bytes = await writeParquet(batch.schema, []);
  const path = join(tempDir(), 'empty.parquet');
  writeFileSync(path, bytes);
  const read = readFileSync(path);
  expect(parquetMetadata(read.buffer.slice(read.byteOffset, read.byteOffset + read.length) as ArrayBuffer).row_groups).toEqual([]);
  expect(await query(`SELECT count(*) AS n FROM read_parquet('${path}')`)).toEqual([{ n: '0' }]);
  const frame = pl.readParquet(path);
  expect([frame.height, frame.columns]).toEqual([0, ['s', 'b']]);
});

describe('the dictionary decision', () => {
  const utf8 = new TextEncoder();
  test('a dictionary of repeated values; none for mostly distinct values, nor past the size limit', () => {
    const repeated = at(10_000, (i) => utf8.encode(`value ${i % 100}`));
    const dictionary = dictionaryOf('BYTE_ARRAY', repeated, 0)!;
    expect(dictionary.values.length).toBe(100);
    expect(dictionary.bitWidth).toBe(7);
    expect(Array.from(dictionary.indexes.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(dictionary.indexes[250]).toBe(50);
    expect(dictionaryOf('BYTE_ARRAY', at(10_000, (i) => utf8.encode(`value ${i}`)), 0)).toBeUndefined();
    expect(dictionaryOf('BYTE_ARRAY', repeated, 0, 500)).toBeUndefined();
    expect(MAX_DICTIONARY_BYTES).toBe(8 << 20);
  });

  test('INT32 and INT64 values are keyed by their bits; floats never get a dictionary', () => {
    const ints = dictionaryOf('INT64', BigInt64Array.from(at(4000, (i) => (i % 2 ? -(2n ** 63n) : 2n ** 32n + BigInt(i % 3)))), 0)!;
    expect(Array.from(ints.values as BigInt64Array)).toEqual([2n ** 32n, -(2n ** 63n), 2n ** 32n + 2n, 2n ** 32n + 1n]);
    const small = dictionaryOf('INT32', Int32Array.from(at(4000, (i) => i % 5 - 2)), 0)!;
    expect(Array.from(small.values as Int32Array)).toEqual([-2, -1, 0, 1, 2]);
    expect(dictionaryOf('DOUBLE', Float64Array.from(at(4000, (i) => (i % 2 ? -0 : 0))), 0)).toBeUndefined();
  });
});
