/** DuckDB as an independent reader and writer of Parquet in tests. */
import { readFileSync, writeFileSync } from 'node:fs';
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

/**
 * A Parquet file whose columns x (DOUBLE), qa (INTEGER: 0, 10, 20...) and a
 * second qa (VARCHAR: "row 0", "row 1"...) repeat a name, as some writers
 * allow: DuckDB writes qb, renamed in the footer (same length, so no offset moves).
 */
export async function writeRepeatedNameParquet(path: string, rows = 5): Promise<void> {
  await query(`COPY (SELECT i::DOUBLE AS x, (i * 10)::INTEGER AS qa, 'row ' || i AS qb FROM range(${rows}) r(i)) TO '${path}' (FORMAT parquet)`);
  const bytes = readFileSync(path);
  const footerStart = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
  let renamed = 0;
  // Thrift compact strings: a length byte (2), then the bytes "qb" (schema element name and path_in_schema).
  for (let i = footerStart + 1; i + 1 < bytes.length - 8; i++) {
    if (bytes[i - 1] === 2 && bytes[i] === 0x71 && bytes[i + 1] === 0x62) (bytes[i + 1] = 0x61), renamed++;
  }
  if (renamed !== 2) throw new Error(`expected to rename 2 strings in the footer, renamed ${renamed}`);
  writeFileSync(path, bytes);
}
