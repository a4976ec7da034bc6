/**
 * A reader's stored chunks (chunk-copier.ts), read for a copy row group
 * after row group: the bytes DuckDB wrote at the offsets its own metadata
 * gives, read into the buffers of the call before (its chunks are written
 * by then), one buffer for each leaf of a column of several.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openFile } from '../../../src/io/dataset/open-input.js';
import { duckdb, queryText, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

let db: DuckDBConnection;
let path: string;
beforeAll(async () => {
  db = await duckdb();
  path = join(tempDir(), 'groups.parquet');
  // Row groups of 2,048 rows and a last one of 856, so that chunks differ in length.
  await db.run(`COPY (SELECT i::BIGINT AS id, CASE WHEN i % 4 = 1 THEN NULL ELSE {'a': i * 3, 'b': 'x' || (i % 97)} END AS st
    FROM range(7000) r(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION snappy)`);
});

/** DuckDB's byte range of the chunk of leaf `leaf` in row group `g`. */
async function chunkBytes(g: number, leaf: number): Promise<Uint8Array> {
  const [[start, size]] = (await queryText(db, `SELECT coalesce(least(nullif(dictionary_page_offset, 0), data_page_offset), data_page_offset), total_compressed_size
    FROM parquet_metadata('${path}') WHERE row_group_id = ${g} AND column_id = ${leaf}`)) as [[string, string]];
  return new Uint8Array(readFileSync(path).subarray(Number(start), Number(start) + Number(size)));
}

test('each row group\'s chunks are the stored bytes, read into the buffers of the call before', async () => {
  const reader = await openFile(path);
  try {
    const groups = Number((await queryText(db, `SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${path}')`))[0]![0]);
    expect(groups).toBe(4);
    expect(reader.parquetLayout!.rowGroupRows).toEqual([2048, 2048, 2048, 856]);
    let before: ArrayBufferLike | undefined;
    for (let g = 0; g < groups; g++) {
      const ids = (await reader.storedChunks!(g, 0))!;
      expect(ids).toHaveLength(1);
      expect(ids[0]!.bytes).toEqual(await chunkBytes(g, 0));
      if (before) expect(ids[0]!.bytes.buffer).toBe(before);
      // The struct's two leaves: a call's chunks are valid until the next, so each has a buffer of its own.
      const leaves = (await reader.storedChunks!(g, 1))!;
      expect(leaves).toHaveLength(2);
      expect(leaves[0]!.bytes).toEqual(await chunkBytes(g, 1));
      expect(leaves[1]!.bytes).toEqual(await chunkBytes(g, 2));
      expect(leaves[0]!.bytes.buffer).not.toBe(leaves[1]!.bytes.buffer);
      before = (await reader.storedChunks!(g, 0))![0]!.bytes.buffer;
    }
  } finally {
    await reader.close();
  }
});
