/**
 * The DELTA_BINARY_PACKED decoder on pages of parquet-mr and DuckDB decoded
 * directly, and the reader against hyparquet's and DuckDB's readings of
 * delta-encoded files (DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY
 * included, whose lengths are DELTA_BINARY_PACKED).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, describe, expect, test } from 'vitest';
import { query } from '../../helpers/duckdb.js';
import { decode, deltaHeader, firstBlockWidths } from './delta-reference.js';
import { v2Values, walkPages } from './page-walk.js';
import { columnValues, PARQUET_TESTING, readParquet, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('pages of other writers, decoded directly', () => {
  test('delta_binary_packed.parquet (parquet-mr): INT64 columns of every width 0 to 64 and an INT32 column, as its CSV says', async () => {
    const [names, ...rows] = readFileSync(join(PARQUET_TESTING, 'delta_binary_packed_expect.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const { chunks } = await walkPages(join(PARQUET_TESTING, 'delta_binary_packed.parquet'));
    expect(chunks.map((c) => c.path)).toEqual(names);
    const widths = new Set<number>();
    for (const [c, chunk] of chunks.entries()) {
      const bits = chunk.chunk.meta_data!.type === 'INT32' ? 32 : 64;
      const [page] = chunk.pages;
      expect(page!.header.data_page_header_v2!.encoding).toBe('DELTA_BINARY_PACKED');
      const body = v2Values(page!);
      const { values, end } = decode(body, rows.length, bits);
      expect(values, chunk.path).toEqual(rows.map((row) => BigInt(row[c]!)));
      expect(end).toBe(body.length);
      const match = /^bitwidth(\d+)$/.exec(chunk.path);
      if (match) expect(firstBlockWidths(body), chunk.path).toContain(Number(match[1]));
      for (const w of firstBlockWidths(body)) widths.add(w);
    }
    expect(widths).toContain(0);
    expect(widths).toContain(64);
  });

  test('DuckDB V2 pages: INT32 and INT64 with extremes, negative deltas and nulls, against DuckDB\'s reading', async () => {
    const path = join(tempDir(), 'delta.parquet');
    await query(`COPY (SELECT
        CASE WHEN i % 97 = 0 THEN NULL WHEN i % 5 = 0 THEN -2147483648 WHEN i % 7 = 0 THEN 2147483647 ELSE (hash(i) % 100000)::INTEGER - 50000 END AS a,
        CASE WHEN i % 89 = 0 THEN NULL WHEN i % 3 = 0 THEN -9223372036854775808 WHEN i % 11 = 0 THEN 9223372036854775807 ELSE (hash(i) >> 1)::BIGINT * (1 - 2 * (i % 2)) END AS b,
        (10000 - i * 3)::INTEGER AS c
      FROM range(20000) r(i)) TO '${path}' (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION uncompressed, ROW_GROUP_SIZE 8192)`);
    const { chunks } = await walkPages(path);
    for (const column of ['a', 'b', 'c']) {
      const expected = (await query(`SELECT ${column}::VARCHAR AS v FROM read_parquet('${path}')`)).map((r) => r.v).filter((v) => v !== null);
      const got: string[] = [];
      for (const chunk of chunks.filter((c) => c.path === column)) {
        const bits = chunk.chunk.meta_data!.type === 'INT32' ? 32 : 64;
        for (const page of chunk.pages.filter((p) => p.header.type !== 'DICTIONARY_PAGE')) {
          expect((page.header.data_page_header ?? page.header.data_page_header_v2)!.encoding, column).toBe('DELTA_BINARY_PACKED');
          // DuckDB writes V1 pages: the definition levels (of an optional column), then the values.
          const values = page.header.data_page_header_v2 ? v2Values(page) : page.body.subarray(4 + new DataView(page.body.buffer, page.body.byteOffset).getUint32(0, true));
          const { values: decoded, end } = decode(values, deltaHeader(values).count, bits);
          expect(end).toBe(values.length);
          got.push(...decoded.map(String));
        }
      }
      expect(got, column).toEqual(expected);
    }
  });
});

describe('through the reader, against hyparquet and DuckDB', () => {
  async function hyparquetColumns(path: string): Promise<Record<string, unknown>[]> {
    return parquetReadObjects({ file: await asyncBufferFromFile(path), compressors, utf8: true });
  }

  test.each([
    'delta_binary_packed.parquet', 'delta_byte_array.parquet', 'delta_length_byte_array.parquet',
    'delta_encoding_optional_column.parquet', 'delta_encoding_required_column.parquet',
  ])('%s reads as hyparquet reads it', async (name) => {
    const path = join(PARQUET_TESTING, name);
    const rows = await hyparquetColumns(path);
    const { schema, batches } = await readParquet(path);
    for (const field of schema.fields) expect(columnValues(batches, field.name), field.name).toEqual(rows.map((row) => row[field.name]));
  });

  test('DuckDB V2 strings (DELTA_LENGTH_BYTE_ARRAY), integers and nulls read as DuckDB reads them', async () => {
    const path = join(tempDir(), 'strings.parquet');
    await query(`COPY (SELECT
        CASE WHEN i % 13 = 0 THEN NULL ELSE 'prefix-' || (i // 7) || repeat('é', i % 5) END AS s,
        md5(i::VARCHAR) AS h,
        CASE WHEN i % 17 = 0 THEN NULL ELSE (i * i - 40000)::BIGINT END AS n
      FROM range(30000) r(i)) TO '${path}' (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION zstd)`);
    const { chunks } = await walkPages(path);
    const encodings = new Set(chunks.flatMap((c) => c.pages.map((p) => (p.header.data_page_header ?? p.header.data_page_header_v2)?.encoding)));
    expect(encodings).toContain('DELTA_LENGTH_BYTE_ARRAY');
    expect(encodings).toContain('DELTA_BINARY_PACKED');
    const { batches } = await readParquet(path);
    for (const column of ['s', 'h', 'n']) {
      const expected = (await query(`SELECT ${column}::VARCHAR AS v FROM read_parquet('${path}')`)).map((r) => r.v);
      expect(columnValues(batches, column).map((v) => (v === null ? null : String(v))), column).toEqual(expected);
    }
  });
});
