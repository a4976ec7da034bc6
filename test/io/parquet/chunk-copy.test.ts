/**
 * Column chunks copied as their stored bytes into files that ParquetFrame
 * writes, read back by DuckDB, Polars and hyparquet: the same rows, the same
 * footer statistics, working bloom filters and page indexes, and the input's
 * page bytes at the output's offsets. The row groups are written in reverse
 * order, so every chunk lands elsewhere than in the input and only moved
 * offsets read right. A row group can hold copied and encoded chunks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parquetMetadata, readColumnIndex, readOffsetIndex } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readPageHeader } from '../../../src/io/parquet/page-header-read.js';
import { ThriftReader } from '../../../src/io/parquet/thrift-read.js';
import { pl, polarsTable, writePolarsParquet } from '../../helpers/polars-table.js';
import { copyParquet, type CopyResult, hyparquetRows, inputOrder, reversed, sameChunkBytes } from './chunk-copy-helpers.js';
import { duckDifference, duckdb, PARQUET_TESTING, queryText, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

let db: DuckDBConnection;
let dir: string;
beforeAll(async () => {
  db = await duckdb();
  dir = tempDir();
});

const ROWS = 20000;
const COLUMNS = `i::BIGINT AS id,
  CASE WHEN i % 11 = 0 THEN NULL ELSE 'word ' || (i % 40) END AS s,
  (i % 25)::INTEGER AS k,
  CASE WHEN i % 3 = 0 THEN NULL ELSE i / 7 END AS d,
  CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN [] ELSE [i, NULL, -i] END::INTEGER[] AS l,
  CASE WHEN i % 4 = 1 THEN NULL ELSE {'a': CASE WHEN i % 2 = 0 THEN NULL ELSE i END, 'b': 'x' || (i % 9)} END AS st,
  CASE WHEN i % 4 = 2 THEN NULL ELSE MAP {'k' || (i % 3): i} END AS m,
  ((i - 10000) * 1.125)::DECIMAL(18, 3) AS dec,
  TIMESTAMP '2020-01-01' + i * INTERVAL 1 MINUTE AS ts`;

/** A DuckDB-written file of several row groups. */
async function duckFile(name: string, codec: string): Promise<string> {
  const path = join(dir, `${name}.parquet`);
  await db.run(`COPY (SELECT ${COLUMNS} FROM range(${ROWS}) r(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 6000, COMPRESSION ${codec})`);
  return path;
}

/** Every chunk's footer entry as DuckDB shows it (where the dictionary and data pages are relative to the chunk's start), by row group. */
async function chunkMetadata(path: string): Promise<string[][]> {
  const rows = await queryText(db, `SELECT row_group_id, column_id, path_in_schema, type, num_values, stats_min, stats_max, stats_null_count, stats_distinct_count,
      stats_min_value, stats_max_value, min_is_exact, max_is_exact, compression, encodings, total_compressed_size, total_uncompressed_size,
      key_value_metadata::VARCHAR, bloom_filter_length, bloom_filter_offset IS NULL,
      CASE WHEN dictionary_page_offset IS NULL THEN 'no dictionary offset' WHEN dictionary_page_offset = 0 THEN 'dictionary offset 0' ELSE 'dictionary offset' END,
      data_page_offset - CASE WHEN dictionary_page_offset > 0 THEN least(dictionary_page_offset, data_page_offset) ELSE data_page_offset END
    FROM parquet_metadata('${path}') ORDER BY row_group_id, column_id`);
  const groups: string[][] = [];
  for (const [g, ...rest] of rows) (groups[Number(g)] ??= []).push(rest.join(' | '));
  return groups;
}

/** The input's row groups in `order` have the same footer entries as the output's. */
async function expectSameMetadata(input: string, output: string, order: readonly number[]): Promise<void> {
  const before = await chunkMetadata(input);
  const after = await chunkMetadata(output);
  expect(after).toEqual(order.map((g) => before[g]));
}

/** Every chunk moved: none is at its input offset. */
function expectAllMoved(result: CopyResult): void {
  expect(result.moved.length).toBeGreaterThan(0);
  expect(result.moved.filter(({ from, to }) => from === to)).toEqual([]);
}

async function rowCount(path: string): Promise<number> {
  return Number((await queryText(db, `SELECT count(*) FROM read_parquet('${path}')`))[0]![0]);
}

describe('a DuckDB file: row groups, bloom filters, nested columns, nulls', () => {
  let input: string;
  let output: string;
  let order: number[];
  let result: CopyResult;
  beforeAll(async () => {
    input = await duckFile('duck', 'zstd');
    output = join(dir, 'duck-copy.parquet');
    order = reversed(input);
    result = await copyParquet(input, output, { groups: order });
  });

  test('every chunk lands elsewhere, and holds the input pages, byte for byte', async () => {
    expect(order.length).toBe(4);
    expectAllMoved(result);
    expect(result.dropped).toEqual([]);
    expect(sameChunkBytes(input, output, result.moved, order)).toBe(true);
  });

  test('DuckDB reads the same rows and the same footer entries: statistics, encodings, sizes, bloom filters', async () => {
    expect(await rowCount(output)).toBe(ROWS);
    expect(await duckDifference(db, input, output)).toEqual([0, 0]);
    expect((await queryText(db, `SELECT count(*) FROM (SELECT * EXCLUDE (l) FROM read_parquet('${input}') EXCEPT SELECT * EXCLUDE (l) FROM read_parquet('${output}'))`))[0]![0]).toBe('0');
    await expectSameMetadata(input, output, order);
    const bloom = await queryText(db, `SELECT count(*) FROM parquet_metadata('${output}') WHERE bloom_filter_offset IS NOT NULL`);
    expect(Number(bloom[0]![0])).toBeGreaterThan(0);
  });

  test('the row groups\' sizes are the sums of their chunks\'', async () => {
    const rows = await queryText(db, `SELECT row_group_id, any_value(row_group_bytes), sum(total_uncompressed_size), any_value(row_group_num_rows) FROM parquet_metadata('${output}') GROUP BY ALL ORDER BY 1`);
    for (const [, bytes, sum] of rows) expect(bytes).toBe(sum);
    expect(rows.reduce((n, row) => n + Number(row[3]), 0)).toBe(ROWS);
  });

  test.each([['s', `'word 7'`, `'no such word'`], ['k', '3', '1000']])('bloom filters of %s answer as the input\'s', async (column, present, absent) => {
    const probe = async (path: string, value: string) =>
      (await queryText(db, `SELECT row_group_id, bloom_filter_excludes FROM parquet_bloom_probe('${path}', '${column}', ${value}) ORDER BY 1`)).map((row) => row[1]);
    for (const value of [present, absent]) {
      const before = await probe(input, value);
      expect(await probe(output, value)).toEqual(order.map((g) => before[g]));
    }
    expect(await probe(output, absent)).toEqual(order.map(() => 'true'));
    expect(await probe(output, present)).toEqual(order.map(() => 'false'));
    expect((await queryText(db, `SELECT count(*) FROM read_parquet('${output}') WHERE ${column} = ${present}`))[0]![0]).not.toBe('0');
  });

  test('Polars and hyparquet read the same rows (the output\'s row groups put back in order)', async () => {
    const rows = await hyparquetRows(output);
    expect(inputOrder(output, order, (at, length) => rows.slice(at, at + length)).flat()).toEqual(await hyparquetRows(input));
    const after = pl.readParquet(readFileSync(output));
    const parts = inputOrder(output, order, (at, length) => after.slice(at, length));
    expect(parts.reduce((a, b) => a.vstack(b)).frameEqual(pl.readParquet(readFileSync(input)), true)).toBe(true);
  });
});

describe.each(['snappy', 'gzip', 'brotli', 'lz4_raw', 'uncompressed'])('a DuckDB file compressed with %s', (codec) => {
  test('copies as its bytes, and DuckDB reads the same rows and footer entries', async () => {
    const input = await duckFile(`duck-${codec}`, codec);
    const output = join(dir, `duck-${codec}-copy.parquet`);
    const order = reversed(input);
    const result = await copyParquet(input, output, { groups: order });
    expectAllMoved(result);
    expect(sameChunkBytes(input, output, result.moved, order)).toBe(true);
    expect(await duckDifference(db, input, output)).toEqual([0, 0]);
    await expectSameMetadata(input, output, order);
  });
});

describe('copied and encoded chunks in one row group', () => {
  test('columns re-encoded by the writer beside copied ones: the copies keep their bytes, every reader reads the input', async () => {
    const input = await duckFile('duck-mixed', 'snappy');
    const output = join(dir, 'duck-mixed-copy.parquet');
    const result = await copyParquet(input, output, { encode: ['id', 'd', 'l'] });
    // The first chunk is encoded and longer than DuckDB's, so every copied chunk moves.
    expectAllMoved(result);
    expect(new Set(result.moved.map(({ leaf }) => leaf))).toEqual(new Set([1, 2, 5, 6, 7, 8, 9, 10]));
    expect(sameChunkBytes(input, output, result.moved)).toBe(true);
    expect(await duckDifference(db, input, output)).toEqual([0, 0]);
    const before = await chunkMetadata(input);
    const after = await chunkMetadata(output);
    const copied = (groups: string[][]) => groups.map((rows) => rows.filter((_, leaf) => ![0, 3, 4].includes(leaf)));
    expect(copied(after)).toEqual(copied(before));
    expect(await hyparquetRows(output)).toEqual(await hyparquetRows(input));
    // The writer's ARROW:schema makes Polars read m's null maps as nulls; without one (DuckDB's file) it reads them as empty maps.
    const polars = (path: string) => pl.readParquet(readFileSync(path)).drop('m');
    expect(polars(output).frameEqual(polars(input), true)).toBe(true);
  });
});

describe('page indexes', () => {
  /** Checks that each chunk's column index is the input's and its offset index the input's, moved with the pages. */
  async function expectMovedPageIndexes(input: string, output: string, result: CopyResult, order: readonly number[]): Promise<number> {
    const before = readFileSync(input);
    const after = readFileSync(output);
    const inMeta = parquetMetadata(before.buffer.slice(before.byteOffset, before.byteOffset + before.length) as ArrayBuffer);
    const outMeta = parquetMetadata(after.buffer.slice(after.byteOffset, after.byteOffset + after.length) as ArrayBuffer);
    const view = (bytes: Buffer, offset?: bigint, length?: number) => bytes.subarray(Number(offset), Number(offset) + length!);
    const reader = (bytes: Buffer) => ({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 });
    let pages = 0;
    for (const { group, leaf, from, to } of result.moved) {
      const a = inMeta.row_groups[group]!.columns[leaf]!;
      const b = outMeta.row_groups[order.indexOf(group)]!.columns[leaf]!;
      expect(b.column_index_offset === undefined).toBe(a.column_index_offset === undefined);
      expect(b.offset_index_offset === undefined).toBe(a.offset_index_offset === undefined);
      if (a.column_index_offset !== undefined) {
        expect(view(after, b.column_index_offset, b.column_index_length).equals(view(before, a.column_index_offset, a.column_index_length))).toBe(true);
        const schema = inMeta.schema.find((e) => e.name === a.meta_data!.path_in_schema.at(-1))!;
        expect(readColumnIndex(reader(view(after, b.column_index_offset, b.column_index_length)), schema)).toEqual(readColumnIndex(reader(view(before, a.column_index_offset, a.column_index_length)), schema));
      }
      if (a.offset_index_offset === undefined) continue;
      const inPages = readOffsetIndex(reader(view(before, a.offset_index_offset, a.offset_index_length))).page_locations;
      const outPages = readOffsetIndex(reader(view(after, b.offset_index_offset, b.offset_index_length))).page_locations;
      expect(outPages).toEqual(inPages.map((page) => ({ ...page, offset: page.offset + BigInt(to - from) })));
      for (const page of outPages) {
        // A page header starts at every location, its page ending where the location says.
        const r = new ThriftReader(after, Number(page.offset), after.length, 'page header');
        const header = readPageHeader(r);
        expect(r.pos - Number(page.offset) + header.compressed_page_size).toBe(page.compressed_page_size);
        pages++;
      }
    }
    return pages;
  }

  test.each([undefined, 700])('a Polars file (row groups of %s rows): the indexes point at the copied pages', async (rowGroupSize) => {
    const input = join(dir, `polars-${rowGroupSize}.parquet`);
    writePolarsParquet(polarsTable(4000), input, 'zstd', rowGroupSize);
    const output = join(dir, `polars-${rowGroupSize}-copy.parquet`);
    const order = reversed(input);
    const result = await copyParquet(input, output, { groups: order, gap: 100 });
    expectAllMoved(result);
    expect(result.dropped).toEqual([]);
    expect(await expectMovedPageIndexes(input, output, result, order)).toBeGreaterThan(0);
    expect(sameChunkBytes(input, output, result.moved, order)).toBe(true);
    expect(await duckDifference(db, input, output)).toEqual([0, 0]);
    await expectSameMetadata(input, output, order);
    const after = pl.readParquet(readFileSync(output));
    const parts = inputOrder(output, order, (at, length) => after.slice(at, length));
    expect(parts.reduce((a, b) => a.vstack(b)).frameEqual(pl.readParquet(readFileSync(input)), true)).toBe(true);
  });

  test.each(['alltypes_tiny_pages.parquet', 'alltypes_tiny_pages_plain.parquet', 'int32_with_null_pages.parquet', 'data_index_bloom_encoding_stats.parquet'])('%s: many small pages behind a moved offset index', async (name) => {
    const input = join(PARQUET_TESTING, name);
    const output = join(dir, `moved-${name}`);
    const result = await copyParquet(input, output, { gap: 1000 });
    expectAllMoved(result);
    expect(result.dropped).toEqual([]);
    expect(await expectMovedPageIndexes(input, output, result, [0])).toBeGreaterThan(0);
    expect(sameChunkBytes(input, output, result.moved)).toBe(true);
    expect(await duckDifference(db, input, output)).toEqual([0, 0]);
    await expectSameMetadata(input, output, [0]);
    expect(await hyparquetRows(output)).toEqual(await hyparquetRows(input));
  });
});

describe('bloom filters of other writers', () => {
  test.each(['data_index_bloom_encoding_stats.parquet', 'data_index_bloom_encoding_with_length.parquet'])('%s (with and without bloom_filter_length) probe as the input\'s', async (name) => {
    const input = join(PARQUET_TESTING, name);
    const output = join(dir, `bloom-${name}`);
    const result = await copyParquet(input, output, { gap: 333 });
    expect(result.dropped).toEqual([]);
    const probe = async (path: string, value: string) => (await queryText(db, `SELECT bloom_filter_excludes FROM parquet_bloom_probe('${path}', 'String', '${value}')`)).flat();
    for (const value of ['Hello', 'This is', 'not in the file']) expect(await probe(output, value)).toEqual(await probe(input, value));
    expect(await probe(output, 'not in the file')).toEqual(['true']);
    expect(await probe(output, 'Hello')).toEqual(['false']);
    await expectSameMetadata(input, output, [0]);
  });
});
