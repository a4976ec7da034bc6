/** DuckDB as an independent reader and writer of Parquet in tests. */
import { DuckDBInstance } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

/** Rows of a query as plain objects (DuckDB's JSON-friendly values). */
export async function query(sql: string): Promise<Record<string, unknown>[]> {
  instance ??= DuckDBInstance.create(':memory:');
  const connection = await (await instance).connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
  }
}

/** Column names and DuckDB types of a Parquet file. */
export async function describeParquet(path: string): Promise<[string, string][]> {
  const rows = await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  return rows.map((r) => [String(r.column_name), String(r.column_type)]);
}
