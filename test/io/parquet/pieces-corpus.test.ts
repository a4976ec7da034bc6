/**
 * Every column of every Parquet file the tests have (apache/parquet-testing,
 * its bad_data, arrow-testing's, the real data sets, and the interop
 * matrix's Polars and DuckDB inputs), read in pieces: the pieces one after
 * another are readChunk's column, bit for bit, in every row group, also
 * with every page of PLAIN values larger than a piece read in parts
 * (page-stream.ts); a column readChunk cannot read fails with readChunk's
 * error.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { openParquet, type ParquetReader } from '../../../src/io/parquet/read.js';
import { ROOT } from '../../helpers/cli.js';
import { INPUTS } from '../../interop/writers.js';
import { PARQUET_TESTING, removeTempDirs, TESTDATA, tempDir } from './helpers.js';
import { expectSameColumn, piecesOf, readsInPieces, STREAMED } from './pieces-compare.js';

afterAll(removeTempDirs);

const parquetIn = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet')).map((f) => join(dir, f));

const CORPUS = [
  ...parquetIn(PARQUET_TESTING),
  ...parquetIn(join(TESTDATA, 'arrow-testing', 'parquet')),
  ...parquetIn(join(ROOT, 'fixtures', 'real')),
];

/** Columns read in pieces (not as one piece) over the corpus, to show the test reaches them. */
let pieced = 0;

/** The error message of a promise, or undefined when it resolves. */
async function failure(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
}

/**
 * Compares every column (or every column of numbers) of every chunk, reading pages in parts (STREAMED)
 * in the first `streamedChunks`; returns how many columns it compared.
 */
async function compareFile(reader: ParquetReader, what: string, small = 64, onlyNumbers = false, streamedChunks = Infinity): Promise<number> {
  const fields = reader.schema.fields.filter((f) => !onlyNumbers || readsInPieces(f.type));
  const names = [...new Set(fields.map((f) => f.name))];
  let compared = 0;
  for (let k = 0; k < reader.chunkCount; k++) {
    const streamed = k < streamedChunks ? STREAMED : [];
    for (const name of names) {
      const where = `${what} chunk ${k} column ${name}`;
      let whole;
      try {
        whole = (await reader.readChunk(k, [name])).data.children[0]!;
      } catch (error) {
        expect(error, where).toBeInstanceOf(DataError);
        expect(await failure(piecesOf(reader, k, name, small)), where).toBe((error as Error).message);
        for (const [how, sizes] of streamed) expect(await failure(piecesOf(reader, k, name, small, sizes)), `${where}, ${how}`).toBe((error as Error).message);
        continue;
      }
      expectSameColumn(await piecesOf(reader, k, name), whole, where);
      const pieces = await piecesOf(reader, k, name, small);
      expectSameColumn(pieces, whole, `${where} (${small}-byte pieces)`);
      for (const [how, sizes] of streamed) expectSameColumn(await piecesOf(reader, k, name, small, sizes), whole, `${where} (${small}-byte pieces, ${how})`);
      if (readsInPieces(whole.type) && whole.length > small) {
        expect(pieces.length, `${where}: pieces of ${small} bytes`).toBeGreaterThan(1);
        pieced++;
      }
      compared++;
    }
  }
  return compared;
}

test.each(CORPUS.map((path) => [path.slice(ROOT.length), path]))('%s', async (_, path) => {
  let reader: ParquetReader;
  try {
    reader = await openParquet(path, path.split('/').pop()!);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return;
  }
  try {
    expect(await compareFile(reader, path)).toBeGreaterThanOrEqual(0);
  } finally {
    await reader.close();
  }
});

test('the corpus has columns of numbers that read in many pieces', () => {
  expect(pieced).toBeGreaterThan(100);
});

describe('the interop inputs', () => {
  const dir = tempDir();
  const inputs = INPUTS.filter((input) => input.format === 'parquet');
  beforeAll(async () => {
    for (const input of inputs) await input.write(join(dir, input.file));
  }, 300_000);

  // Pages read in parts from 61-byte blocks take thousands of reads a chunk: in the first row group only.
  test.each(inputs.map((input) => [input.file]))('%s', async (file) => {
    const reader = await openParquet(join(dir, file), file);
    try {
      expect(await compareFile(reader, file, 1 << 14, true, 1)).toBeGreaterThan(10);
    } finally {
      await reader.close();
    }
  });
});
