/**
 * Large pages read in parts (page-stream.ts, page-bytes.ts): every page of
 * PLAIN values that real writers (DuckDB, Polars, hyparquet-writer,
 * parquet-testing's files) wrote, read in parts of any size from blocks of
 * any size, is what the page decoded whole is; a part of a list column
 * ends where a row starts; a SNAPPY page with a copy from beyond the window
 * is read on from its whole decoding; and a corrupt large page read in
 * pieces fails with readChunk's error.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageHeader } from 'hyparquet';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { SNAPPY_WINDOW } from '../../../src/io/codecs/snappy-decode.js';
import { type FileRange, openFileRange } from '../../../src/io/files/file-range.js';
import { chunkSpec, type ChunkSpec, joinPages, type LeafChunk } from '../../../src/io/parquet/decode.js';
import { readFooter } from '../../../src/io/parquet/footer.js';
import type { StreamSizes } from '../../../src/io/parquet/page-bytes.js';
import { PageDecoder } from '../../../src/io/parquet/page-decode.js';
import { streamPage, streamsPage } from '../../../src/io/parquet/page-stream.js';
import { openParquet } from '../../../src/io/parquet/read.js';
import { leavesOf, planColumns } from '../../../src/io/parquet/schema.js';
import { pl } from '../../helpers/polars-table.js';
import { duckdb, PARQUET_TESTING, removeTempDirs, tempDir } from './helpers.js';
import { walkPages } from './page-walk.js';

afterAll(removeTempDirs);

const dir = tempDir();

/** A LeafChunk as text: entries, values, levels and value bytes. */
function image(chunk: LeafChunk): string {
  const { values } = chunk;
  const data = values.kind === 'bytes' ? values.data.map((v) => Buffer.from(v).toString('hex')).join(',')
    : Buffer.from(values.data.buffer, values.data.byteOffset, values.data.byteLength).toString('hex');
  return JSON.stringify([chunk.length, chunk.full, values.kind, chunk.def && [...chunk.def].join(''), chunk.rep && [...chunk.rep].join(''), data]);
}

async function collect(parts: AsyncIterable<LeafChunk>): Promise<LeafChunk[]> {
  const out: LeafChunk[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

/**
 * Reads every data page of the file's chunks whole and, where streamsPage
 * takes it, in parts of `entries` entries with `sizes`; asserts they agree.
 * Returns how many pages were read in parts.
 */
async function comparePages(path: string, entries: number, sizes: StreamSizes): Promise<number> {
  const file = await openFileRange(path);
  let streamed = 0;
  try {
    const footer = await readFooter(file, path);
    const leaves = planColumns(footer.root).flatMap((plan) => (plan.node ? leavesOf(plan.node) : []));
    const perGroup = footer.index.leaves;
    // walkPages lists each row group's chunks in order: chunk i is leaf i % perGroup.
    for (const [i, chunk] of (await walkPages(path)).chunks.entries()) {
      const leaf = leaves.find((l) => l.leaf === i % perGroup);
      if (!leaf) continue;
      const spec = chunkSpec(chunk.chunk, leaf);
      let decoder: PageDecoder;
      try {
        decoder = new PageDecoder(spec);
      } catch {
        continue;
      }
      for (const page of chunk.pages) {
        const where = `${path} ${chunk.path} page at ${page.start}`;
        const left = decoder.left;
        const streams = streamsPage(page.header, spec, 0);
        const parts = streams ? await collect(streamPage(file, page.bodyStart, page.header, spec, left, entries, sizes)).catch((e: unknown) => e as Error) : undefined;
        let whole: LeafChunk | undefined;
        try {
          whole = decoder.page(page.header, page.body);
        } catch (error) {
          // A page that does not decode whole does not in parts either; the chunk's later pages depend on it.
          if (streams) expect(parts, where).toBeInstanceOf(Error);
          break;
        }
        if (!parts) continue;
        if (parts instanceof Error) throw parts;
        expect(image(joinPages(parts, spec)), where).toBe(image(whole!));
        const rowStarts = parts.slice(1).filter((part) => !part.rep || part.rep[0] === 0).length;
        expect(rowStarts, `${where}: parts start rows`).toBe(parts.length - 1);
        if (parts.length > 1) expect(Math.min(...parts.slice(0, -1).map((p) => p.length)), where).toBeGreaterThanOrEqual(entries);
        streamed++;
      }
    }
  } finally {
    await file.close();
  }
  return streamed;
}

const SIZES: [string, number, StreamSizes][] = [
  ['parts of 1 entry, 7-byte blocks', 1, { minPage: 0, block: 7, window: SNAPPY_WINDOW }],
  ['parts of 100 entries, 1000-byte blocks', 100, { minPage: 0, block: 1000, window: SNAPPY_WINDOW }],
  ['parts of 5000 entries, a 64-byte window', 5000, { minPage: 0, block: 4096, window: 64 }],
];

const DUCK_SELECT = `SELECT
  CASE WHEN i % 7 = 3 THEN NULL ELSE i * 3 END::INTEGER AS i32,
  (i - 2500)::BIGINT * 1234567890123 AS i64,
  CASE WHEN i % 9 = 1 THEN NULL ELSE i / 7 END AS f64,
  ((i - 2500) * 1234567.123456)::DECIMAL(18, 6) AS dec18,
  ((i - 2500)::VARCHAR || '2345678901234567.1234567891')::DECIMAL(38, 10) AS dec38,
  CASE WHEN i % 11 = 0 THEN NULL ELSE list_transform(range(16), k -> CASE WHEN (i + k) % 13 = 0 THEN NULL ELSE (i + k / 16)::FLOAT END) END::FLOAT[16] AS arr,
  CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN [] ELSE list_transform(range(i % 9), k -> (i * 1.5 + k)::DOUBLE) END AS lst
  FROM range(6000) r(i)`;

describe('pages of real writers, in parts and whole', () => {
  const files: [string, (path: string) => Promise<void>][] = [
    ['DuckDB, snappy', (path) => duckdb().then((db) => db.run(`COPY (${DUCK_SELECT}) TO '${path}' (FORMAT parquet, DICTIONARY_SIZE_LIMIT 1)`)).then(() => undefined)],
    ['DuckDB, uncompressed', (path) => duckdb().then((db) => db.run(`COPY (${DUCK_SELECT}) TO '${path}' (FORMAT parquet, DICTIONARY_SIZE_LIMIT 1, COMPRESSION uncompressed)`)).then(() => undefined)],
    ['Polars, snappy, 8 KiB pages', async (path) => {
      const rows = 20_000;
      pl.DataFrame([
        pl.Series('x', Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : Math.sin(i))), pl.Float64),
        pl.Series('l', Array.from({ length: rows }, (_, i) => (i % 6 === 0 ? null : Array.from({ length: i % 5 }, (_, k) => i + k))), pl.List(pl.Int64)),
      ]).lazy().sinkParquet(path, { compression: 'snappy', dataPagesizeLimit: 8192, rowGroupSize: rows }).collectSync();
    }],
  ];
  test.each(files)('%s', async (name, write) => {
    const path = join(dir, `${name}.parquet`);
    await write(path);
    for (const [how, entries, sizes] of SIZES) expect(await comparePages(path, entries, sizes), how).toBeGreaterThan(2);
  });

  test("parquet-testing's files", async () => {
    let streamed = 0;
    for (const name of readdirSync(PARQUET_TESTING).filter((f) => f.endsWith('.parquet'))) {
      const path = join(PARQUET_TESTING, name);
      // Files the reader does not open (encrypted ones) have no pages to compare.
      if (!(await openParquet(path, name).then(async (reader) => (await reader.close(), true), () => false))) continue;
      for (const [, entries, sizes] of SIZES) streamed += await comparePages(path, entries, sizes);
    }
    expect(streamed).toBeGreaterThan(300);
  });
});

/** A file range over bytes in memory. */
function memoryFile(bytes: Uint8Array): FileRange {
  const readInto = async (target: Uint8Array, position: number) => {
    const n = Math.max(0, Math.min(target.length, bytes.length - position));
    target.set(bytes.subarray(position, position + n));
    return n;
  };
  return {
    byteLength: bytes.length,
    readInto,
    read: async (start, end) => bytes.slice(start, end),
    slice: async (start, end) => bytes.slice(start, end).buffer,
    close: async () => {},
  };
}

describe('a SNAPPY page with a copy from beyond the window', () => {
  test('is read on from its whole decoding, and gives the values it holds', async () => {
    // 8,750 doubles, then the first 8 again, copied from 70,000 bytes back: no 64 KiB encoder writes that.
    const values = Float64Array.from({ length: 8750 }, (_, i) => Math.sqrt(i) - 17);
    const head = new Uint8Array(values.buffer);
    const n = head.length - 1;
    const size = head.length + 64;
    // The length 70,064 as a varint; a literal of 70,000 bytes (its length - 1 in 3 bytes); a copy of 64 bytes from 70,000 back.
    const body = Uint8Array.from([0xb0, 0xa3, 0x04, 62 << 2, n & 255, (n >> 8) & 255, n >> 16, ...head, (63 << 2) | 3, 0x70, 0x11, 0x01, 0x00]);
    expect(size).toBe(70_064);
    const header: PageHeader = {
      type: 'DATA_PAGE', uncompressed_page_size: size, compressed_page_size: body.length,
      data_page_header: { num_values: 8758, encoding: 'PLAIN', definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' },
    };
    const spec: ChunkSpec = { column: { type: 'DOUBLE', width: 0 }, maxDef: 0, maxRep: 0, codec: 'SNAPPY', numValues: 8758 };
    expect(streamsPage(header, spec, 1000)).toBe(true);
    const parts = await collect(streamPage(memoryFile(body), 0, header, spec, 8758, 1000, { minPage: 0, block: 500, window: SNAPPY_WINDOW }));
    expect(parts.map((p) => p.length)).toEqual([...Array<number>(8).fill(1000), 758]);
    const expected = Float64Array.from([...values, ...values.subarray(0, 8)]);
    expect(image(joinPages(parts, spec))).toBe(image({ length: 8758, full: 8758, def: undefined, rep: undefined, values: { kind: 'numeric', data: expected } }));
  });
});

describe('a corrupt page read in pieces', () => {
  test.each([['snappy', 'SNAPPY'], ['uncompressed', 'UNCOMPRESSED']])('%s: the error is readChunk\'s, after the pieces before it', async (compression) => {
    const path = join(dir, `corrupt-${compression}.parquet`);
    const select = 'SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE i / 3 END AS x FROM range(200000) r(i)';
    await (await duckdb()).run(`COPY (${select}) TO '${path}' (FORMAT parquet, DICTIONARY_SIZE_LIMIT 1, COMPRESSION ${compression}, ROW_GROUP_SIZE 200000)`);
    const page = (await walkPages(path)).chunks[0]!.pages.at(-1)!;
    expect(page.header.data_page_header!.num_values).toBe(200_000);
    const bytes = readFileSync(path);
    // The end of the compressed stream; the length of the levels of an uncompressed page.
    if (compression === 'snappy') bytes.fill(0xff, page.bodyStart + page.body.length - 40, page.bodyStart + page.body.length);
    else bytes.fill(0xff, page.bodyStart, page.bodyStart + 4);
    writeFileSync(path, bytes);
    const reader = await openParquet(path, 'corrupt.parquet');
    try {
      const whole = await reader.readChunk(0, ['x']).then(() => undefined, (e: unknown) => e);
      expect(whole).toBeInstanceOf(DataError);
      let before = 0;
      const error = await (async () => {
        for await (const piece of reader.columnPieces(0, 'x', { targetBytes: 4096, stream: { minPage: 0, block: 999, window: SNAPPY_WINDOW } })) before += piece.length;
      })().then(() => undefined, (e: unknown) => e);
      expect((error as Error).message).toBe((whole as Error).message);
      if (compression === 'snappy') expect(before, 'rows before the error').toBeGreaterThan(100_000);
    } finally {
      await reader.close();
    }
  });
});
