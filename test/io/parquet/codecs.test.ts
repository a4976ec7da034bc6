/**
 * Codecs of the Parquet writer: every page of every column chunk (typed-array
 * columns, lists of numbers, strings with a dictionary page, structs) is
 * compressed with the asked codec and reads back exactly; and the codec an
 * output takes from its input's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codecOf, COMPRESSION_NAMES, followCodec } from '../../../src/io/parquet/codecs.js';
import { duckdb, duckDifference, queryText, readParquet, type ReadResult, removeTempDirs, tableImage, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

let dir: string;
let source: string;
let original: ReadResult;

beforeAll(async () => {
  dir = tempDir();
  source = join(dir, 'source.parquet');
  const db = await duckdb();
  await db.run(`COPY (SELECT i::DOUBLE AS x, CASE WHEN i % 3 = 0 THEN NULL ELSE i END::INTEGER AS n, 'name ' || (i % 20) AS s,
    [i / 2, NULL]::FLOAT[] AS l, {'a': i, 'b': 'b' || i} AS st FROM range(30000) r(i)) TO '${source}' (FORMAT parquet)`);
  original = await readParquet(source);
});

describe('every codec', () => {
  test.each(COMPRESSION_NAMES)('%s: every chunk carries the codec, and this reader and DuckDB read every value', async (name) => {
    const codec = codecOf(name);
    const bytes = await writeParquet(original.schema, original.batches, { parquetColumns: original.parquetColumns, compression: codec });
    const chunks = parquetMetadata(bytes).row_groups.flatMap((group) => group.columns);
    expect(chunks.length).toBe(6);
    expect(new Set(chunks.map((chunk) => chunk.meta_data!.codec))).toEqual(new Set([codec]));
    expect(chunks.some((chunk) => chunk.meta_data!.dictionary_page_offset !== undefined)).toBe(true);
    const out = join(dir, `${name}.parquet`);
    writeFileSync(out, bytes);
    const again = await readParquet(out);
    expect(tableImage(again.batches, again.schema)).toEqual(tableImage(original.batches, original.schema));
    const db = await duckdb();
    expect(await duckDifference(db, source, out)).toEqual([0, 0]);
    expect(await queryText(db, `SELECT DISTINCT compression FROM parquet_metadata('${out}')`)).toEqual([[codec]]);
  });

  test('compressed outputs are smaller than uncompressed ones', async () => {
    const size = async (name: (typeof COMPRESSION_NAMES)[number]) =>
      (await writeParquet(original.schema, original.batches, { parquetColumns: original.parquetColumns, compression: codecOf(name) })).length;
    const none = await size('none');
    for (const name of COMPRESSION_NAMES.filter((n) => n !== 'none')) expect(await size(name), name).toBeLessThan(none);
  });
});

test("an output follows its input's codec where it can: LZ4 becomes LZ4_RAW, LZO becomes SNAPPY", () => {
  const codecs = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD', 'LZ4', 'LZ4_RAW', 'LZO'] as const;
  expect(Object.fromEntries(codecs.map((codec) => [codec, followCodec(codec)]))).toEqual({
    UNCOMPRESSED: 'UNCOMPRESSED', SNAPPY: 'SNAPPY', GZIP: 'GZIP', BROTLI: 'BROTLI', ZSTD: 'ZSTD', LZ4: 'LZ4_RAW', LZ4_RAW: 'LZ4_RAW', LZO: 'SNAPPY',
  });
});
