/**
 * BYTE_STREAM_SPLIT: joining the streams against a splitter written here,
 * the files of parquet-testing (each split column beside its PLAIN twin,
 * and against hyparquet) and DuckDB's V2 floats against DuckDB's reading.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, describe, expect, test } from 'vitest';
import { joinByteStreams } from '../../../src/io/parquet/byte-stream-split.js';
import { CorruptParquet } from '../../../src/io/parquet/faults.js';
import { query } from '../../helpers/duckdb.js';
import { walkPages } from './page-walk.js';
import { columnImage, columnValues, PARQUET_TESTING, readParquet, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** The reference splitter: byte k of every value into stream k, the streams one after another. */
function split(values: Uint8Array, width: number): Uint8Array {
  const count = values.length / width;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < count; i++) for (let k = 0; k < width; k++) out[k * count + i] = values[i * width + k]!;
  return out;
}

describe('against the reference splitter', () => {
  test('property: values of any width join back exactly, from any offset, in an aligned buffer', () => {
    const widths = fc.oneof(fc.constantFrom(2, 4, 8), fc.integer({ min: 1, max: 17 }));
    fc.assert(
      fc.property(widths, fc.nat(300), fc.nat(7), fc.uint8Array({ maxLength: 5 }), (width, count, offset, tail) => {
        const values = Uint8Array.from({ length: count * width }, (_, i) => (i * 37 + width * 11 + (i >> 3)) & 0xff);
        const bytes = Uint8Array.from([...Array<number>(offset).fill(0xee), ...split(values, width), ...tail]);
        const joined = joinByteStreams(bytes, offset, bytes.length, count, width);
        expect(Buffer.from(joined).equals(values)).toBe(true);
        expect(joined.byteOffset).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  test('floats and doubles, NaN payloads and signed zeros included, keep every bit', () => {
    const floats = Float32Array.from([0, -0, 1.5, -3.25e-38, Infinity, -Infinity, 3.4e38, 1e-45]);
    const words = new Uint32Array(floats.buffer);
    words[6] = 0x7fc0_1234; // a NaN with a payload
    const joined = new Uint32Array(joinByteStreams(split(new Uint8Array(floats.buffer), 4), 0, 32, 8, 4).buffer);
    expect(Array.from(joined)).toEqual(Array.from(words));
    const doubles = Float64Array.from([Math.PI, -0, Number.MIN_VALUE, Number.MAX_VALUE, NaN]);
    const joined64 = new Float64Array(joinByteStreams(split(new Uint8Array(doubles.buffer), 8), 0, 40, 5, 8).buffer);
    expect(new Uint8Array(joined64.buffer)).toEqual(new Uint8Array(doubles.buffer));
  });

  test('too few bytes for the values, or no width, is a CorruptParquet', () => {
    const bytes = new Uint8Array(40);
    expect(() => joinByteStreams(bytes, 0, 39, 10, 4)).toThrow(CorruptParquet);
    expect(() => joinByteStreams(bytes, 4, 40, 10, 4)).toThrow(/BYTE_STREAM_SPLIT values need 40 bytes, only 36 are left/);
    expect(() => joinByteStreams(bytes, 0, 40, 3, 0)).toThrow(/BYTE_STREAM_SPLIT of 0-byte values/);
    expect(joinByteStreams(bytes, 0, 40, 0, 4)).toEqual(new Uint8Array(0));
  });
});

describe('files of other writers', () => {
  test('byte_stream_split_extended.gzip.parquet (Arrow C++): each split column reads as its PLAIN twin, for every type', async () => {
    const path = join(PARQUET_TESTING, 'byte_stream_split_extended.gzip.parquet');
    const { chunks } = await walkPages(path);
    const { schema, batches } = await readParquet(path);
    const pairs = schema.fields.map((f) => f.name).filter((n) => n.endsWith('_byte_stream_split'));
    expect(pairs.map((n) => n.replace('_byte_stream_split', ''))).toEqual(['float16', 'float', 'double', 'int32', 'int64', 'flba5', 'decimal']);
    for (const name of pairs) {
      const encodings = chunks.filter((c) => c.path === name).flatMap((c) => c.pages.map((p) => p.header.data_page_header?.encoding));
      expect(encodings, name).toEqual(['BYTE_STREAM_SPLIT']);
      const image = columnImage(batches, name);
      expect(image.some((v) => v !== image[0]), name).toBe(true);
      expect(image, name).toEqual(columnImage(batches, name.replace('_byte_stream_split', '_plain')));
    }
  });

  test.each(['byte_stream_split.zstd.parquet', 'byte_stream_split_extended.gzip.parquet'])('%s reads as hyparquet reads it', async (name) => {
    const path = join(PARQUET_TESTING, name);
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(path), compressors });
    const { schema, batches } = await readParquet(path);
    // hyparquet turns float16 and decimals into numbers; the other types are the same values in both.
    const compared = schema.fields.map((f) => f.name).filter((n) => !/^(float16|decimal)_/.test(n));
    expect(compared.length).toBeGreaterThan(1);
    for (const column of compared) expect(columnValues(batches, column), column).toEqual(rows.map((row) => row[column]));
  });

  test('DuckDB V2 floats and doubles, with nulls, read as DuckDB reads them', async () => {
    const path = join(tempDir(), 'floats.parquet');
    await query(`COPY (SELECT
        CASE WHEN i % 11 = 0 THEN NULL ELSE (sin(i) * 1e6)::FLOAT END AS f,
        CASE WHEN i % 13 = 0 THEN NULL ELSE cos(i) * i END AS d
      FROM range(50000) r(i)) TO '${path}' (FORMAT parquet, PARQUET_VERSION V2, ROW_GROUP_SIZE 20000)`);
    const { chunks } = await walkPages(path);
    const encodings = new Set(chunks.flatMap((c) => c.pages.map((p) => (p.header.data_page_header ?? p.header.data_page_header_v2)?.encoding)));
    expect([...encodings]).toEqual(['BYTE_STREAM_SPLIT']);
    const { batches } = await readParquet(path);
    const expected = await query(`SELECT f::DOUBLE AS f, d FROM read_parquet('${path}')`);
    expect(columnValues(batches, 'f')).toEqual(expected.map((r) => r.f));
    expect(columnValues(batches, 'd')).toEqual(expected.map((r) => r.d));
  });
});
