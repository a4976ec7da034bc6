/** Parquet row groups decoded by threads: the same batches, bit for bit, in order; errors and early stops. */
import { openSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openParquet } from '../../../src/io/parquet/read.js';
import { query } from '../../helpers/duckdb.js';
import { removeTempDirs, tempDir } from './helpers.js';

/** The bundled worker (npm test builds it first). */
const WORKER = new URL('../../../dist/parquet-worker.mjs', import.meta.url);
let path: string;

afterAll(removeTempDirs);
beforeAll(async () => {
  path = join(tempDir(), 'groups.parquet');
  // Over 8 MB in 49 row groups: enough for threads to be used.
  await query(`COPY (SELECT i AS id, CASE WHEN i % 11 = 0 THEN NULL ELSE (hash(i) % 100000)::DOUBLE / 7 END AS x,
    (hash(i, 2) % 1000)::FLOAT AS y, CASE WHEN i % 5 = 0 THEN NULL ELSE [i % 3, i % 7]::INTEGER[] END AS l, 'row ' || i AS s
    FROM range(1000000) r(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`);
});

async function read(file: string, threads: number, columns?: string[]): Promise<RecordBatch[]> {
  const reader = await openParquet(file, 'groups.parquet', { threads, workerScript: WORKER });
  expect(reader.decoderThreads).toBe(threads);
  try {
    const out: RecordBatch[] = [];
    for await (const batch of reader.batches(columns)) out.push(batch);
    return out;
  } finally {
    await reader.close();
  }
}

/** Every buffer of every column, as bytes, for bit-for-bit comparison. */
function image(batches: RecordBatch[]): string[] {
  return batches.flatMap((b) =>
    b.data.children.map((d) => {
      const walk = (x: typeof d): string =>
        [x.length, x.nullCount, ...[x.valueOffsets, x.values, x.nullCount ? x.nullBitmap : undefined].map((v) => (v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : '-')), ...x.children.map(walk)].join('|');
      return walk(d);
    }),
  );
}

describe('decoder threads', () => {
  test('give the same batches as the main thread, bit for bit and in order, for every column type', async () => {
    const reference = image(await read(path, 0));
    expect(reference.length).toBe(49 * 5);
    for (const threads of [1, 2]) expect(image(await read(path, threads))).toEqual(reference);
    expect(image(await read(path, 2, ['x', 'l']))).toEqual(image(await read(path, 0, ['x', 'l'])));
  });

  test('a corrupt row group is the same DataError from a thread as from the main thread', async () => {
    const bad = join(tempDir(), 'bad.parquet');
    const bytes = readFileSync(path);
    writeFileSync(bad, bytes);
    const fd = openSync(bad, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(bytes.length / 2));
    closeSync(fd);
    const inThread = await read(bad, 0).then(() => 'read', (e: Error) => `${e.constructor.name}: ${e.message}`);
    const inPool = await read(bad, 2).then(() => 'read', (e: Error) => `${e.constructor.name}: ${e.message}`);
    expect(inThread).toMatch(/^DataError: groups.parquet: corrupt Parquet data in column/);
    expect(inPool).toBe(inThread);
  });

  test('stopping early and closing stops the threads without stray errors', async () => {
    const reader = await openParquet(path, 'groups.parquet', { threads: 2, workerScript: WORKER });
    let seen = 0;
    for await (const batch of reader.batches()) {
      seen += batch.numRows;
      if (seen >= 40000) break;
    }
    await reader.close();
    expect(seen).toBeGreaterThanOrEqual(40000);
    expect(seen).toBeLessThan(1000000);
  });
});
