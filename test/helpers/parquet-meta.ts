/**
 * What DuckDB's parquet_metadata says of a Parquet file (row groups, codecs,
 * statistics of every column chunk), and a copy of a file with the pages of
 * one row group destroyed, so that a reader that still answers a query has
 * skipped that row group.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { query } from './duckdb.js';

/** Rows of each row group, in file order. */
export async function rowGroupRows(path: string): Promise<number[]> {
  const rows = await query(`SELECT DISTINCT row_group_id AS g, row_group_num_rows AS n FROM parquet_metadata('${path}') ORDER BY g`);
  return rows.map((row) => Number(row.n));
}

/** The codecs of the file's column chunks, each named once (in the order first met). */
export async function chunkCodecs(path: string): Promise<string[]> {
  const rows = await query(`SELECT compression AS codec FROM parquet_metadata('${path}') ORDER BY row_group_id, column_id`);
  return [...new Set(rows.map((row) => String(row.codec)))];
}

/** The statistics of one column chunk, as DuckDB prints them. */
export interface ChunkStatistics {
  group: number;
  /** The leaf's path, dot-separated. */
  path: string;
  min: string | null;
  max: string | null;
  nulls: string | null;
  minExact: boolean | null;
  maxExact: boolean | null;
}

/** Every column chunk's statistics, by row group and then column. */
export async function chunkStatistics(path: string): Promise<ChunkStatistics[]> {
  const rows = await query(
    `SELECT row_group_id AS g, path_in_schema AS p, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls, min_is_exact, max_is_exact
     FROM parquet_metadata('${path}') ORDER BY row_group_id, column_id`,
  );
  return rows.map((row) => ({
    group: Number(row.g),
    path: String(row.p).split(', ').join('.'),
    min: row.lo as string | null,
    max: row.hi as string | null,
    nulls: row.nulls as string | null,
    minExact: row.min_is_exact as boolean | null,
    maxExact: row.max_is_exact as boolean | null,
  }));
}

/** The footer's column_orders, one per leaf. */
export async function columnOrders(path: string): Promise<string[]> {
  const rows = await query(`SELECT column_orders FROM parquet_file_metadata('${path}')`);
  return (rows[0]!.column_orders as string[] | null) ?? [];
}

/** Writes `path` to `out` with every page of row group `group` overwritten by 0xFF bytes. */
export async function destroyRowGroup(path: string, group: number, out: string): Promise<void> {
  const chunks = await query(
    `SELECT data_page_offset AS data, dictionary_page_offset AS dict, total_compressed_size AS size FROM parquet_metadata('${path}') WHERE row_group_id = ${group}`,
  );
  const bytes = readFileSync(path);
  for (const chunk of chunks) {
    const start = Math.min(...[chunk.data, chunk.dict].filter((offset) => offset !== null && Number(offset) > 0).map(Number));
    bytes.fill(0xff, start, start + Number(chunk.size));
  }
  writeFileSync(out, bytes);
}
