/**
 * apply copies passthrough column chunks as their stored bytes: DuckDB's
 * file in, and in the output every non-feature chunk's pages are the
 * input's bytes, its statistics and bloom filters are DuckDB's, and DuckDB
 * reads the same values; the features are normalized. Asking for another
 * codec re-encodes them instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ok, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';

const dir = scratch();
const input = join(dir, 'in.parquet');
const state = join(dir, 'state.json');

interface Chunk {
  row_group_id: number;
  path_in_schema: string;
  data_page_offset: bigint | number;
  dictionary_page_offset: bigint | number | null;
  total_compressed_size: bigint | number;
  compression: string;
  stats_min_value: string | null;
  stats_max_value: string | null;
  stats_null_count: bigint | number | null;
  bloom_filter_length: bigint | number | null;
}

const chunks = async (path: string) =>
  (await query(`SELECT row_group_id, path_in_schema, data_page_offset, dictionary_page_offset, total_compressed_size, compression,
     stats_min_value, stats_max_value, stats_null_count, bloom_filter_length FROM parquet_metadata('${path}') ORDER BY row_group_id, column_id`)) as unknown as Chunk[];

/** The bytes of a chunk's pages (dictionary page first). */
function pages(bytes: Buffer, chunk: Chunk): Buffer {
  const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
  return bytes.subarray(start, start + Number(chunk.total_compressed_size));
}

beforeAll(async () => {
  await query(`COPY (SELECT i AS id, 'city ' || (i % 97) AS city, CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 0.5)::DOUBLE END AS x,
      [i % 5, i % 7] AS pair, (hash(i) % 1000)::DOUBLE AS y, CASE WHEN i % 13 = 0 THEN NULL ELSE 'note ' || i END AS note
    FROM range(300000) r(i)) TO '${input}' (FORMAT parquet, ROW_GROUP_SIZE 122880)`);
  await ok(['fit', input, '-c', 'x,y', '-q', '-s', state]);
}, 120_000);

describe('apply of Parquet into Parquet', () => {
  test('copies every passthrough chunk as the input stores it, with its statistics and bloom filter', async () => {
    const output = join(dir, 'out.parquet');
    await ok(['apply', input, '-s', state, '-o', output, '-q']);
    const [before, after] = [await chunks(input), await chunks(output)];
    expect(after.map((c) => [c.row_group_id, c.path_in_schema])).toEqual(before.map((c) => [c.row_group_id, c.path_in_schema]));
    const [inBytes, outBytes] = [readFileSync(input), readFileSync(output)];
    const passthrough = before.filter((c) => !['x', 'y'].includes(c.path_in_schema));
    expect(passthrough.some((c) => c.bloom_filter_length !== null)).toBe(true);
    let moved = 0;
    for (const chunk of passthrough) {
      const copy = after.find((c) => c.row_group_id === chunk.row_group_id && c.path_in_schema === chunk.path_in_schema)!;
      expect(pages(outBytes, copy).equals(pages(inBytes, chunk))).toBe(true);
      expect([copy.stats_min_value, copy.stats_max_value, copy.stats_null_count, copy.compression, copy.bloom_filter_length])
        .toEqual([chunk.stats_min_value, chunk.stats_max_value, chunk.stats_null_count, chunk.compression, chunk.bloom_filter_length]);
      if (copy.data_page_offset !== chunk.data_page_offset) moved++;
    }
    expect(moved).toBeGreaterThan(0);
    const [diff] = await query(`SELECT count(*) AS n FROM (SELECT id, city, pair, note FROM '${output}' EXCEPT ALL SELECT id, city, pair, note FROM '${input}')`);
    expect(Number(diff!.n)).toBe(0);
    const [probe] = await query(`SELECT bool_and(bloom_filter_excludes) AS excluded FROM parquet_bloom_probe('${output}', 'city', 'no such city')`);
    expect(probe!.excluded).toBe(true);
    const s = JSON.parse(readFileSync(state, 'utf8')) as { running_mean: number[]; running_var: number[]; eps: number };
    const [err] = await query(`SELECT max(abs(o.x - (i.x - ${s.running_mean[0]}) / sqrt(${s.running_var[0]} + ${s.eps}))) AS e, count(o.x) AS n
      FROM '${output}' o POSITIONAL JOIN '${input}' i`);
    expect(Number(err!.e)).toBeLessThan(1e-12);
    expect(Number(err!.n)).toBe(300000 - Math.ceil(300000 / 11));
  });

  test('re-encodes passthrough columns when another codec is asked for', async () => {
    const output = join(dir, 'zstd.parquet');
    await ok(['apply', input, '-s', state, '-o', output, '-q', '--compression', 'zstd']);
    const after = await chunks(output);
    expect(new Set(after.map((c) => c.compression))).toEqual(new Set(['ZSTD']));
    const [diff] = await query(`SELECT count(*) AS n FROM (SELECT id, city, pair, note FROM '${output}' EXCEPT ALL SELECT id, city, pair, note FROM '${input}')`);
    expect(Number(diff!.n)).toBe(0);
  });
});
