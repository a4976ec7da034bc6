/**
 * The table of the fit and apply tests of column chunks that are one page
 * of many pieces, as DuckDB writes them: 250,000 rows in row groups of
 * 122,880 of a nullable double, a nullable FLOAT[16] with null elements and
 * a nullable ragged list of doubles, with an `id` first when asked.
 */
import { query } from '../helpers/duckdb.js';

export async function writeOnePageTable(path: string, { id = false } = {}): Promise<void> {
  const select = `SELECT ${id ? 'i AS id,' : ''}
    CASE WHEN i % 9 = 4 THEN NULL ELSE sin(i) * 100 END AS x,
    CASE WHEN i % 11 = 0 THEN NULL ELSE list_transform(range(16), k -> CASE WHEN (i + k) % 13 = 0 THEN NULL ELSE (cos(i + k) * 10)::FLOAT END) END::FLOAT[16] AS arr,
    CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN [] ELSE list_transform(range(i % 9), k -> (i * 0.5 + k)::DOUBLE) END AS lst
    FROM range(250000) r(i)`;
  await query(`COPY (${select}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 122880)`);
}
