/**
 * columnPieces with `recycle` (the caller is done with a piece when it asks
 * for the next): each piece, looked at as it comes, is what the pieces
 * without recycling are, bit for bit, for pages read in parts and pages
 * read whole and joined; the pieces are read into a few buffers again and
 * again (without recycling, every piece has its own); and columns read at
 * the same time from one reader, or left before their end, do not read
 * into each other's buffers.
 */
import { join } from 'node:path';
import type { Data } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openParquet, type ParquetReader } from '../../../src/io/parquet/read.js';
import { pl } from '../../helpers/polars-table.js';
import { duckdb, removeTempDirs, tempDir } from './helpers.js';
import { type Exact, exact, expectSameImages, readsInPieces, STREAMED } from './pieces-compare.js';

afterAll(removeTempDirs);

const dir = tempDir();
const duckPath = join(dir, 'duck.parquet');
const polarsPath = join(dir, 'polars.parquet');

beforeAll(async () => {
  const select = `SELECT
    CASE WHEN i % 9 = 4 THEN NULL ELSE i / 7 END AS x,
    (i * 7919 % 100000)::INTEGER AS n,
    CASE WHEN i % 5 = 2 THEN NULL ELSE i * 1000000007 END::BIGINT AS big,
    ((i - 2500) * 1234567.123456)::DECIMAL(18, 6) AS dec,
    CASE WHEN i % 11 = 0 THEN NULL ELSE list_transform(range(16), k -> CASE WHEN (i + k) % 13 = 0 THEN NULL ELSE (i + k / 16)::FLOAT END) END::FLOAT[16] AS arr,
    CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN [] ELSE list_transform(range(i % 9), k -> (i * 1.5 + k)::DOUBLE) END AS lst
    FROM range(20000) r(i)`;
  await (await duckdb()).run(`COPY (${select}) TO '${duckPath}' (FORMAT parquet, DICTIONARY_SIZE_LIMIT 1, ROW_GROUP_SIZE 10240)`);
  const rows = 30_000;
  pl.DataFrame([
    pl.Series('x', Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : Math.sin(i))), pl.Float64),
    pl.Series('l', Array.from({ length: rows }, (_, i) => (i % 6 === 0 ? null : Array.from({ length: i % 5 }, (_, k) => i + k))), pl.List(pl.Int64)),
  ]).lazy().sinkParquet(polarsPath, { compression: 'snappy', dataPagesizeLimit: 4096, rowGroupSize: rows }).collectSync();
});

interface Read {
  images: Exact[];
  /** The buffers of the pieces' values, in order. */
  buffers: ArrayBufferLike[];
}

/** The leaf Data of a piece (the list's child for a list). */
const leaf = (data: Data): Data => (data.children.length ? data.children[0]! : data);

/** Column `name` of chunk `k`, each piece looked at as it comes. */
async function read(reader: ParquetReader, k: number, name: string, options: Parameters<ParquetReader['columnPieces']>[2]): Promise<Read> {
  const images: Exact[] = [];
  const buffers: ArrayBufferLike[] = [];
  for await (const piece of reader.columnPieces(k, name, options)) {
    images.push(exact(piece));
    buffers.push((leaf(piece).values as ArrayBufferView).buffer);
  }
  return { images, buffers };
}

describe('recycled pieces are the pieces', () => {
  test.each([['DuckDB (one page a chunk)', duckPath], ['Polars (pages of 4 KiB)', polarsPath]])('%s', async (_, path) => {
    const reader = await openParquet(path, 'x.parquet');
    try {
      const names = reader.schema.fields.filter((f) => readsInPieces(f.type)).map((f) => f.name);
      expect(names.length).toBeGreaterThan(1);
      for (let k = 0; k < reader.chunkCount; k++) {
        for (const name of names) {
          const whole = (await reader.readChunk(k, [name])).data.children[0]!;
          for (const targetBytes of [100, 8192, undefined]) {
            for (const [how, stream] of [['default sizes', undefined], ...STREAMED] as const) {
              const { images } = await read(reader, k, name, { targetBytes, stream, recycle: true });
              expectSameImages(images, whole, `chunk ${k} column ${name} at ${targetBytes ?? 'default'} bytes, ${how}`);
            }
          }
        }
      }
    } finally {
      await reader.close();
    }
  });
});

describe('buffers are read into again', () => {
  test('a one-page column of many pieces is read into a few buffers, and without recycling into one a piece', async () => {
    const reader = await openParquet(duckPath, 'duck.parquet');
    try {
      const stream = { minPage: 0, block: 4096, window: 1 << 16 };
      const recycled = await read(reader, 0, 'x', { targetBytes: 2048, stream, recycle: true });
      expect(recycled.buffers.length).toBeGreaterThan(20);
      expect(new Set(recycled.buffers).size).toBeLessThanOrEqual(3);
      const fresh = await read(reader, 0, 'x', { targetBytes: 2048, stream });
      expect(new Set(fresh.buffers).size).toBe(fresh.buffers.length);
      expect(fresh.images).toEqual(recycled.images);
    } finally {
      await reader.close();
    }
  });

  test('recycle as a function is asked piece by piece: a piece it kept is never read into, the others are', async () => {
    const reader = await openParquet(duckPath, 'duck.parquet');
    try {
      const stream = { minPage: 0, block: 4096, window: 1 << 16 };
      const expected = await read(reader, 0, 'x', { targetBytes: 2048, stream });
      // Pieces 0 to 4 are kept (the function says no when asked for the next), later ones are not.
      const kept: Data[] = [];
      let asked = 0;
      const buffers: ArrayBufferLike[] = [];
      for await (const piece of reader.columnPieces(0, 'x', { targetBytes: 2048, stream, recycle: () => asked++ >= 5 })) {
        if (kept.length < 5) kept.push(piece);
        buffers.push((leaf(piece).values as ArrayBufferView).buffer);
      }
      expect(asked).toBe(expected.images.length);
      // The kept pieces still hold their own values after every later piece was read.
      expect(kept.map(exact)).toEqual(expected.images.slice(0, 5));
      expect(new Set(buffers.slice(0, 5)).size).toBe(5);
      expect(new Set(buffers.slice(5)).size).toBeLessThanOrEqual(3);
    } finally {
      await reader.close();
    }
  });

  test('columns read at the same time, and a column left after its first piece, keep to their own buffers', async () => {
    const reader = await openParquet(duckPath, 'duck.parquet');
    try {
      const options = { targetBytes: 4096, stream: { minPage: 0, block: 999, window: 1 << 16 }, recycle: true };
      const expected = { x: await read(reader, 0, 'x', options), arr: await read(reader, 0, 'arr', options) };
      for await (const piece of reader.columnPieces(0, 'lst', options)) if (piece.length) break;
      const got: Record<'x' | 'arr', Exact[]> = { x: [], arr: [] };
      const x = reader.columnPieces(0, 'x', options)[Symbol.asyncIterator]();
      const arr = reader.columnPieces(0, 'arr', options)[Symbol.asyncIterator]();
      for (let done = 0; done < 2;) {
        done = 0;
        for (const [name, pieces] of [['x', x], ['arr', arr]] as const) {
          const next = await pieces.next();
          if (next.done) done++;
          else got[name].push(exact(next.value));
        }
      }
      expect(got.x).toEqual(expected.x.images);
      expect(got.arr).toEqual(expected.arr.images);
    } finally {
      await reader.close();
    }
  });
});
