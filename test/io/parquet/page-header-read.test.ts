/**
 * The page headers of real files, read with the reader's Thrift
 * compact-protocol decoder, against what their footers (read by hyparquet)
 * and the bytes themselves say: pages tile each column chunk exactly, their
 * sizes add up to the chunk's totals, the values to the chunk's count, the
 * page types and encodings to the encoding stats, the offsets to the offset
 * index, and the CRCs match the page bodies. Hand-built and broken headers
 * are in thrift-read.test.ts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { asyncBufferFromFile, readOffsetIndex } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../helpers/duckdb.js';
import { pl } from '../../helpers/polars-table.js';
import { walkPages } from './page-walk.js';
import { PARQUET_TESTING, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const dir = tempDir();

/** The page CRCs these files get wrong on purpose (README of parquet-testing): chunk path → page index. */
const BAD_CRCS: Record<string, Record<string, number>> = {
  'datapage_v1-corrupt-checksum.parquet': { a: 0, b: 1 },
  'rle-dict-uncompressed-corrupt-checksum.parquet': { long_field: 0, binary_field: 0 },
};

/** Files whose footer departs from their pages, as written, and how. */
const FOOTER_DEPARTS: Record<string, string> = {
  // The reader refuses this file (testing.test.ts).
  'nation.dict-malformed.parquet': 'the pages of column "name" run past its chunk\'s total_compressed_size',
};

/** Writers that record DATA_PAGE_V2 pages as DATA_PAGE in encoding_stats (parquet-cpp-arrow 14.0.2 here). */
const V2_STATS_AS_V1 = new Set(['page_v2_empty_compressed.parquet']);

/** Files of DuckDB (V1 and V2 pages) and Polars, in `dir`. */
const OTHER_WRITERS = ['duckdb-v1.parquet', 'duckdb-v2.parquet', 'polars.parquet'];

beforeAll(async () => {
  const [duckV1, duckV2, polars] = OTHER_WRITERS.map((name) => join(dir, name));
  const select = `SELECT i::INTEGER AS a, (i * 7919 % 1000)::BIGINT AS b, random()::FLOAT AS f, CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || (i % 300) END AS s
    FROM range(30000) r(i)`;
  await query(`COPY (${select}) TO '${duckV1}' (FORMAT parquet, ROW_GROUP_SIZE 10000)`);
  await query(`COPY (${select}) TO '${duckV2}' (FORMAT parquet, PARQUET_VERSION V2, ROW_GROUP_SIZE 10000)`);
  pl.DataFrame({ a: Array.from({ length: 5000 }, (_, i) => i), s: Array.from({ length: 5000 }, (_, i) => (i % 3 ? `s${i % 70}` : null)) })
    .writeParquet(polars!, { compression: 'zstd' });
});

describe('page headers of real files agree with their footers', () => {
  const files = [
    ...readdirSync(PARQUET_TESTING).filter((f) => f.endsWith('.parquet') && !FOOTER_DEPARTS[f]).map((f) => join(PARQUET_TESTING, f)),
    ...OTHER_WRITERS.map((name) => join(dir, name)),
  ];

  test.each(files.map((path) => [path.split('/').pop()!, path]))('%s', async (name, path) => {
    const { metadata, chunks } = await walkPages(path);
    const file = await asyncBufferFromFile(path);
    expect(chunks.length).toBeGreaterThan(0);
    for (const { group, chunk, path: column, end, pages } of chunks) {
      const meta = chunk.meta_data!;
      const at = `${column}, row group ${group}`;
      const last = pages.at(-1)!;
      expect(last.bodyStart + last.header.compressed_page_size, at).toBe(end);
      const headerBytes = (page: (typeof pages)[number]) => page.bodyStart - page.start;
      expect(pages.reduce((sum, p) => sum + headerBytes(p) + p.header.uncompressed_page_size, 0), at).toBe(Number(meta.total_uncompressed_size));
      const data = pages.filter((p) => p.header.type === 'DATA_PAGE' || p.header.type === 'DATA_PAGE_V2');
      const count = (p: (typeof pages)[number]) => (p.header.data_page_header ?? p.header.data_page_header_v2)!.num_values;
      expect(data.reduce((sum, p) => sum + count(p), 0), at).toBe(Number(meta.num_values));
      for (const p of pages) {
        if (p.header.type === 'DICTIONARY_PAGE') expect(p.header.dictionary_page_header, at).toBeDefined();
        if (p.header.type === 'DATA_PAGE_V2') expect(typeof p.header.data_page_header_v2!.is_compressed, at).toBe('boolean');
      }

      if (meta.encoding_stats) {
        const tally = (entries: [string, string][]) => entries.map(([t, e]) => `${t}/${e}`).sort();
        const stats = meta.encoding_stats.flatMap((s) => Array<[string, string]>(s.count).fill([s.page_type, s.encoding]));
        const seen = pages.map((p): [string, string] => [
          p.header.type === 'DATA_PAGE_V2' && V2_STATS_AS_V1.has(path.split('/').pop()!) ? 'DATA_PAGE' : p.header.type,
          (p.header.data_page_header ?? p.header.data_page_header_v2 ?? p.header.dictionary_page_header)!.encoding,
        ]);
        expect(tally(seen), at).toEqual(tally(stats));
      }

      if (chunk.offset_index_offset !== undefined) {
        const offset = Number(chunk.offset_index_offset);
        const index = readOffsetIndex({ view: new DataView(await file.slice(offset, offset + chunk.offset_index_length!)), offset: 0 });
        expect(index.page_locations.map((l) => [Number(l.offset), l.compressed_page_size]), at)
          .toEqual(data.map((p) => [p.start, headerBytes(p) + p.header.compressed_page_size]));
        const v2 = data.every((p) => p.header.type === 'DATA_PAGE_V2');
        const element = metadata.schema.find((e) => e.name === meta.path_in_schema[0])!;
        if (v2 || (meta.path_in_schema.length === 1 && element.repetition_type !== 'REPEATED')) {
          let rows = 0;
          const firstRows = data.map((p) => {
            const first = rows;
            rows += p.header.data_page_header_v2?.num_rows ?? count(p);
            return first;
          });
          expect(index.page_locations.map((l) => Number(l.first_row_index)), at).toEqual(firstRows);
        }
      }

      pages.forEach((p, k) => {
        if (p.header.crc === undefined) return;
        const bad = BAD_CRCS[path.split('/').pop()!]?.[column] === k;
        expect((p.header.crc >>> 0) === crc32(p.body), `${at}, page ${k}`).toBe(!bad);
      });
    }
  });

  test('a file whose pages run past its column chunk is one the walk notices', async () => {
    const path = join(PARQUET_TESTING, 'nation.dict-malformed.parquet');
    const { chunks } = await walkPages(path);
    const name = chunks.find((c) => c.path === 'name')!;
    const last = name.pages.at(-1)!;
    expect(last.bodyStart + last.header.compressed_page_size).toBeGreaterThan(name.end);
  });

  test('the checksum files hold the CRCs their README describes', async () => {
    const crcs = async (name: string) => (await walkPages(join(PARQUET_TESTING, name))).chunks.flatMap((c) => c.pages.map((p) => p.header.crc !== undefined));
    expect(await crcs('datapage_v1-uncompressed-checksum.parquet')).toEqual([true, true, true, true]);
    expect(await crcs('plain-dict-uncompressed-checksum.parquet')).toEqual([true, true, true, true]);
  });
});
