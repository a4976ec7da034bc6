/**
 * Every Parquet file under fixtures/ (apache/parquet-testing and
 * arrow-testing, DuckDB's real tables) copied chunk by chunk, row groups in
 * reverse order after a gap of 0xFF bytes, so that no chunk keeps its
 * offset: each reader that reads the input (bn1d, DuckDB, hyparquet,
 * Polars) reads the same rows from the copy, and every chunk's pages are the
 * input's bytes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { openFileRange } from '../../../src/io/files/file-range.js';
import { readFooter } from '../../../src/io/parquet/footer.js';
import { ROOT } from '../../helpers/cli.js';
import { pl } from '../../helpers/polars-table.js';
import { copyParquet, hyparquetRows, inputOrder, metadataOf, reversed, sameChunkBytes } from './chunk-copy-helpers.js';
import { duckDifference, duckdb, queryText, readParquet, removeTempDirs, tableImage, tempDir } from './helpers.js';

afterAll(removeTempDirs);

function parquetFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? parquetFiles(path) : name.endsWith('.parquet') ? [path] : [];
  });
}

const files = parquetFiles(join(ROOT, 'fixtures')).map((path) => relative(ROOT, path));
let dir: string;
beforeAll(() => {
  dir = tempDir();
});

/** What `read` gives for a file, or undefined when it cannot read it. */
async function attempt<T>(read: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

async function footerReads(path: string): Promise<boolean> {
  const file = await openFileRange(path);
  try {
    await readFooter(file, path);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return false;
  } finally {
    await file.close();
  }
}

const counts = { copied: 0, refused: 0, bn1d: 0, duckdb: 0, hyparquet: 0, polars: 0 };

/** Files whose pages inflate to more than the readers decode in a test's time: their copies are compared by their bytes and footers only. */
const TOO_LARGE: Record<string, string> = {
  'large_string_map.brotli.parquet': 'a page of 1 GiB of strings',
};

test.each(files)('%s', async (name) => {
  const input = join(ROOT, name);
  if (!(await footerReads(input))) return;
  const output = join(dir, name.replaceAll('/', '_'));
  const order = reversed(input);
  const result = await attempt(() => copyParquet(input, output, { groups: order, gap: 97 }));
  if (!result) {
    // Refused only where a chunk's pages do not fit in it, which bn1d's reader refuses too.
    await expect(copyParquet(input, output, { groups: order })).rejects.toThrow(/pages do not fill/);
    await expect(readParquet(input)).rejects.toThrow(DataError);
    counts.refused++;
    return;
  }
  counts.copied++;
  expect(result.moved.filter(({ from, to }) => from === to)).toEqual([]);
  expect(sameChunkBytes(input, output, result.moved, order)).toBe(true);
  const db = await duckdb();
  if (TOO_LARGE[name.split('/').pop()!]) {
    const metadata = (path: string) => queryText(db, `SELECT * EXCLUDE (file_name, row_group_id, file_offset, data_page_offset, dictionary_page_offset, bloom_filter_offset) FROM parquet_metadata('${path}')`);
    expect(await metadata(output)).toEqual(await metadata(input));
    return;
  }
  // Row groups without rows yield no batch.
  const withRows = (path: string, g: number) => Number(metadataOf(path).row_groups[g]!.num_rows) > 0;

  const before = await attempt(() => readParquet(input));
  if (before) {
    const after = await readParquet(output);
    const kept = order.filter((g) => withRows(input, g));
    const batches: RecordBatch[] = [...kept].sort((a, b) => a - b).map((g) => after.batches[kept.indexOf(g)]!);
    expect(tableImage(batches, after.schema)).toEqual(tableImage(before.batches, before.schema));
    counts.bn1d++;
  }

  if (await attempt(() => queryText(db, `SELECT count(*) FROM (SELECT * FROM read_parquet('${input}') EXCEPT ALL SELECT * FROM read_parquet('${input}'))`))) {
    expect(await duckDifference(db, input, output)).toEqual([0, 0]);
    counts.duckdb++;
  }

  const rows = await attempt(() => hyparquetRows(input));
  if (rows) {
    const copied = await hyparquetRows(output);
    expect(inputOrder(output, order, (at, length) => copied.slice(at, at + length)).flat()).toEqual(rows);
    counts.hyparquet++;
  }

  const frame = await attempt(() => pl.readParquet(readFileSync(input)));
  if (frame) {
    const copied = pl.readParquet(readFileSync(output));
    const parts = inputOrder(output, order, (at, length) => copied.slice(at, length));
    expect(parts.reduce((a, b) => a.vstack(b)).frameEqual(frame, true)).toBe(true);
    counts.polars++;
  }
});

test('most files were copied and compared by every reader', () => {
  expect(counts.copied).toBeGreaterThan(70);
  expect(counts.refused).toBeLessThan(3);
  expect(counts.bn1d).toBeGreaterThan(60);
  expect(counts.duckdb).toBeGreaterThan(55);
  expect(counts.hyparquet).toBeGreaterThan(55);
  expect(counts.polars).toBeGreaterThan(40);
});
