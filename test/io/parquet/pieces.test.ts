/**
 * ParquetReader.columnPieces: runs of whole rows of about the size asked
 * for, read from the file a page at a time (never the whole column chunk at
 * once), one piece for the columns it does not cut, and the errors
 * readChunk gives.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Data, Field, FixedSizeList, type FixedSizeList as FixedSizeListType, Int32, Schema, Type } from 'apache-arrow';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { type FileRange, openFileRange } from '../../../src/io/files/file-range.js';
import { encodeArrowSchema } from '../../../src/io/parquet/arrow-schema.js';
import { readFooter } from '../../../src/io/parquet/footer.js';
import { openParquet, ParquetReader } from '../../../src/io/parquet/read.js';
import { planColumns } from '../../../src/io/parquet/schema.js';
import { pl } from '../../helpers/polars-table.js';
import { duckdb, removeTempDirs, tempDir } from './helpers.js';
import { walkPages } from './page-walk.js';
import { expectSameColumn, piecesOf } from './pieces-compare.js';

afterAll(removeTempDirs);

const dir = tempDir();

/** A reader whose reads of the file are recorded as [start, end). */
async function watchedReader(path: string): Promise<{ reader: ParquetReader; reads: [number, number][] }> {
  const file = await openFileRange(path);
  const reads: [number, number][] = [];
  const watched: FileRange = {
    byteLength: file.byteLength,
    read: (start, end) => (reads.push([start, end]), file.read(start, end)),
    slice: (start, end) => (reads.push([start, end ?? file.byteLength]), file.slice(start, end)),
    readInto: (target, position) => (reads.push([position, position + target.length]), file.readInto(target, position)),
    close: () => file.close(),
  };
  const footer = await readFooter(watched, 'watched.parquet');
  const reader = new ParquetReader(watched, path, 'watched.parquet', footer, planColumns(footer.root), undefined);
  reads.length = 0;
  return { reader, reads };
}

/** A one-row-group file of one DuckDB column. */
async function duckFile(name: string, select: string, options = ''): Promise<string> {
  const path = join(dir, name);
  await (await duckdb()).run(`COPY (${select}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000${options})`);
  return path;
}

/** The message a piece read ends in, and the pieces it gave before. */
async function piecesFailure(reader: ParquetReader, column: string, targetBytes: number): Promise<{ message: string; before: number }> {
  let before = 0;
  try {
    for await (const piece of reader.columnPieces(0, column, { targetBytes })) before += piece.length ? 1 : 0;
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return { message: (error as Error).message, before };
  }
  throw new Error('the pieces read without an error');
}

/** readChunk's error message for column `column` of chunk 0. */
async function chunkFailure(reader: ParquetReader, column: string): Promise<string> {
  const error = await reader.readChunk(0, [column]).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  return (error as Error).message;
}

describe('the file is read a page at a time', () => {
  test('the largest read is about a page, about one a page, the first piece comes before most of the chunk is read', async () => {
    const path = join(dir, 'pages.parquet');
    const rows = 200_000;
    pl.DataFrame([pl.Series('x', Array.from({ length: rows }, (_, i) => Math.sin(i) * 1000), pl.Float64)])
      .lazy().sinkParquet(path, { compression: 'uncompressed', dataPagesizeLimit: 64 << 10, rowGroupSize: rows }).collectSync();
    const { chunks } = await walkPages(path);
    const chunk = chunks[0]!;
    const largestPage = Math.max(...chunk.pages.map((p) => p.body.length));
    expect(chunk.pages.length).toBeGreaterThan(20);
    const { reader, reads } = await watchedReader(path);
    try {
      const pieces: Data[] = [];
      let readBeforeFirst = -1;
      for await (const piece of reader.columnPieces(0, 'x', { targetBytes: 16 << 10 })) {
        if (readBeforeFirst < 0) readBeforeFirst = reads.reduce((n, [s, e]) => n + e - s, 0);
        pieces.push(piece);
      }
      const sizes = reads.map(([s, e]) => e - s);
      // A read is a page, its header and a kilobyte after it (for the next header).
      expect(Math.max(...sizes), 'largest read').toBeLessThanOrEqual(largestPage + (8 << 10));
      expect(readBeforeFirst, 'bytes read before the first piece').toBeLessThan((chunk.end - chunk.start) / 10);
      for (const [s, e] of reads) expect(s >= chunk.start && e <= chunk.end, 'reads inside the chunk').toBe(true);
      let covered = chunk.start;
      for (const [s, e] of [...reads].sort((a, b) => a[0] - b[0])) {
        expect(s, 'no byte of the chunk left unread').toBeLessThanOrEqual(covered);
        covered = Math.max(covered, e);
      }
      expect(covered).toBe(chunk.end);
      const read = sizes.reduce((n, s) => n + s, 0);
      expect(read, 'bytes read more than once: about a kilobyte a page').toBeLessThan(chunk.end - chunk.start + chunk.pages.length * (2 << 10));
      expect(reads.length, 'about one read a page').toBeLessThan(chunk.pages.length * 1.2);
      expect(pieces.length).toBeGreaterThanOrEqual(rows / 2048);
      reads.length = 0;
      const whole = (await reader.readChunk(0, ['x'])).data.children[0]!;
      expect(reads.map(([s, e]) => e - s), 'readChunk reads the whole chunk').toEqual([chunk.end - chunk.start]);
      expectSameColumn(pieces, whole, 'x');
    } finally {
      await reader.close();
    }
  });
  test('pages of a few hundred bytes are read several at a time', async () => {
    const path = join(dir, 'tiny-pages.parquet');
    const rows = 50_000;
    pl.DataFrame([pl.Series('x', Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : i * 3)), pl.Int64)])
      .lazy().sinkParquet(path, { compression: 'uncompressed', dataPagesizeLimit: 512, rowGroupSize: rows }).collectSync();
    const chunk = (await walkPages(path)).chunks[0]!;
    expect(chunk.pages.length).toBeGreaterThan(500);
    const { reader, reads } = await watchedReader(path);
    try {
      const pieces = await piecesOf(reader, 0, 'x', 4096);
      expect(reads.length, 'reads').toBeLessThan(chunk.pages.length / 10);
      expect(reads.reduce((n, [s, e]) => n + e - s, 0), 'bytes read').toBeLessThan((chunk.end - chunk.start) * 1.2);
      expectSameColumn(pieces, (await reader.readChunk(0, ['x'])).data.children[0]!, 'x');
    } finally {
      await reader.close();
    }
  });
  test('stopping after the first piece and closing the reader, with the next page being read, leaves no stray error', async () => {
    const path = join(dir, 'stop.parquet');
    const rows = 100_000;
    pl.DataFrame([pl.Series('x', Array.from({ length: rows }, (_, i) => i / 3), pl.Float64)])
      .lazy().sinkParquet(path, { compression: 'snappy', dataPagesizeLimit: 32 << 10, rowGroupSize: rows }).collectSync();
    const reader = await openParquet(path, 'stop.parquet');
    for await (const piece of reader.columnPieces(0, 'x', { targetBytes: 1024 })) {
      expect(piece.length).toBe(128);
      break;
    }
    await reader.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});

describe('pieces hold whole rows, about targetBytes of values', () => {
  test('a column of doubles: targetBytes / 8 rows a piece, the last one the rest', async () => {
    const path = await duckFile('flat.parquet', 'SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i / 7 END AS x FROM range(20000) r(i)');
    const reader = await openParquet(path, 'flat.parquet');
    try {
      const pieces = await piecesOf(reader, 0, 'x', 1024);
      expect(pieces.map((p) => p.length)).toEqual([...Array.from({ length: 156 }, () => 128), 20000 - 156 * 128]);
      expectSameColumn(pieces, (await reader.readChunk(0, ['x'])).data.children[0]!, 'x');
    } finally {
      await reader.close();
    }
  });

  test('a fixed-size list: whole rows of at least targetBytes, one row a piece when a row is larger', async () => {
    const stored = new Schema([new Field('a', new FixedSizeList(16, new Field('element', new Int32())))]);
    const select = 'SELECT CASE WHEN i % 9 = 0 THEN NULL ELSE list_transform(range(16), k -> CASE WHEN k = i % 16 THEN NULL ELSE (i * 16 + k)::INTEGER END) END::INTEGER[16] AS a FROM range(3000) r(i)';
    const path = await duckFile('fixed.parquet', select, `, KV_METADATA {'ARROW:schema': '${encodeArrowSchema(stored)}'}`);
    const reader = await openParquet(path, 'fixed.parquet');
    try {
      const whole = (await reader.readChunk(0, ['a'])).data.children[0]!;
      expect(whole.type.typeId).toBe(Type.FixedSizeList);
      expect((whole.type as FixedSizeListType).listSize).toBe(16);
      // 256 bytes are 64 int32 level entries: 4 rows of 16.
      const pieces = await piecesOf(reader, 0, 'a', 256);
      expect(pieces.slice(0, -1).every((p) => p.length === 4)).toBe(true);
      expectSameColumn(pieces, whole, 'a in pieces of 4 rows');
      const rows = await piecesOf(reader, 0, 'a', 8);
      expect(rows.length).toBe(3000);
      expectSameColumn(rows, whole, 'a in pieces of one row');
    } finally {
      await reader.close();
    }
  });

  test('a column of strings or structs is one piece: its readChunk column', async () => {
    const path = await duckFile('other.parquet', "SELECT 'v' || i AS s, {'a': i} AS st, i AS n FROM range(5000) r(i)");
    const reader = await openParquet(path, 'other.parquet');
    try {
      for (const column of ['s', 'st']) {
        const pieces = await piecesOf(reader, 0, column, 8);
        expect(pieces.length).toBe(1);
        expectSameColumn(pieces, (await reader.readChunk(0, [column])).data.children[0]!, column);
      }
      expect((await piecesOf(reader, 0, 'n', 8)).length).toBe(5000);
    } finally {
      await reader.close();
    }
  });
});

describe('errors are those of readChunk', () => {
  test('a list of another size than its stored fixed size, far into the chunk, names its row in the row group', async () => {
    const stored = new Schema([new Field('l', new FixedSizeList(3, new Field('element', new Int32())))]);
    const select = 'SELECT CASE WHEN i = 4321 THEN [1, 2] ELSE [i, i, i] END::INTEGER[] AS l FROM range(5000) r(i)';
    const path = await duckFile('size.parquet', select, `, KV_METADATA {'ARROW:schema': '${encodeArrowSchema(stored)}'}`);
    const reader = await openParquet(path, 'size.parquet');
    try {
      const expected = await chunkFailure(reader, 'l');
      expect(expected).toMatch(/^size\.parquet: corrupt Parquet data in column "l" \(row group 0\): row 4321 holds a list of 2 values/);
      const { message, before } = await piecesFailure(reader, 'l', 64);
      expect(message).toBe(expected);
      expect(before, 'pieces before the bad row').toBeGreaterThan(100);
    } finally {
      await reader.close();
    }
  });

  test('a corrupt page in the middle of a chunk', async () => {
    const path = join(dir, 'corrupt.parquet');
    const rows = 20_000;
    pl.DataFrame([pl.Series('x', Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : i / 3)), pl.Float64)])
      .lazy().sinkParquet(path, { compression: 'uncompressed', dataPagesizeLimit: 4096, rowGroupSize: rows }).collectSync();
    const page = (await walkPages(path)).chunks[0]!.pages.at(-10)!;
    const bytes = readFileSync(path);
    bytes.fill(0xff, page.bodyStart, page.bodyStart + 16);
    writeFileSync(path, bytes);
    const reader = await openParquet(path, 'corrupt.parquet');
    try {
      const expected = await chunkFailure(reader, 'x');
      expect(expected).toMatch(/^corrupt\.parquet: corrupt Parquet data in column "x" \(row group 0\): /);
      const { message, before } = await piecesFailure(reader, 'x', 1024);
      expect(message).toBe(expected);
      expect(before).toBeGreaterThan(10);
    } finally {
      await reader.close();
    }
  });

  test('an unsupported codec', async () => {
    const writer = new ByteWriter();
    parquetWrite({ writer, codec: 'LZO', compressors: { LZO: (input) => input }, columnData: [{ name: 'x', data: Float64Array.of(1, 2, 3), type: 'DOUBLE' }] });
    const path = join(dir, 'lzo.parquet');
    writeFileSync(path, writer.getBytes());
    const reader = await openParquet(path, 'lzo.parquet');
    try {
      const expected = await chunkFailure(reader, 'x');
      expect(expected).toBe('lzo.parquet: unsupported compression codec LZO in column "x" (row group 0)');
      expect((await piecesFailure(reader, 'x', 8)).message).toBe(expected);
    } finally {
      await reader.close();
    }
  });

  test('an unknown column, a targetBytes that is not a positive number, a closed reader', async () => {
    const path = await duckFile('n.parquet', 'SELECT i::DOUBLE AS n FROM range(10) r(i)');
    const reader = await openParquet(path, 'n.parquet');
    await expect(piecesOf(reader, 0, 'nope')).rejects.toThrow(new DataError('n.parquet: no column "nope"'));
    for (const bad of [0, -1, Number.NaN]) await expect(piecesOf(reader, 0, 'n', bad)).rejects.toThrow(RangeError);
    await reader.close();
    const closed = await reader.readChunk(0, ['n']).then(() => '', (e: Error) => e.message);
    expect(closed).toMatch(/closed/);
    await expect(piecesOf(reader, 0, 'n')).rejects.toThrow(closed);
  });
});
