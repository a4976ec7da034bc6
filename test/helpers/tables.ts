/** Test tables: the real fixtures as Arrow IPC (made with DuckDB and apache-arrow, not bn1d), and readers of outputs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DataType, Float32, Float64, Int32, Int64, Table, tableFromIPC, tableToIPC, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { ROOT } from './cli.js';
import { describeParquet, query } from './duckdb.js';

const ARROW_TYPES: Record<string, () => DataType> = {
  BIGINT: () => new Int64(),
  INTEGER: () => new Int32(),
  DOUBLE: () => new Float64(),
  FLOAT: () => new Float32(),
  VARCHAR: () => new Utf8(),
};

/** A Parquet file's rows as an Arrow table, read by DuckDB. */
export async function parquetAsArrow(path: string): Promise<Table> {
  const types = await describeParquet(path);
  const rows = await query(`SELECT * FROM read_parquet('${path}')`);
  const columns: Record<string, Vector> = {};
  for (const [name, duck] of types) {
    const make = ARROW_TYPES[duck];
    if (!make) throw new Error(`no Arrow type for DuckDB ${duck}`);
    const type = make();
    const values = rows.map((r) => {
      const v = r[name];
      if (v === null || v === undefined) return null;
      return type instanceof Int64 ? BigInt(v as string) : v;
    });
    columns[name] = vectorFromArray(values as never[], type) as Vector;
  }
  return new Table(columns);
}

/** Writes the real fixture `name` (e.g. "wine") as an Arrow IPC file and stream into `dir`; returns their paths. */
export async function realAsArrow(name: string, dir: string): Promise<{ parquet: string; arrow: string; arrows: string }> {
  const parquet = join(ROOT, 'fixtures', 'real', `${name}.parquet`);
  const table = await parquetAsArrow(parquet);
  const arrow = join(dir, `${name}.arrow`);
  const arrows = join(dir, `${name}.arrows`);
  writeFileSync(arrow, tableToIPC(table, 'file'));
  writeFileSync(arrows, tableToIPC(table, 'stream'));
  return { parquet, arrow, arrows };
}

/** An output file or stdout bytes as an Arrow table (apache-arrow for IPC, DuckDB for Parquet). */
export async function readOutput(pathOrBytes: string | Uint8Array): Promise<Table> {
  if (typeof pathOrBytes !== 'string') return tableFromIPC(pathOrBytes);
  const head = readFileSync(pathOrBytes).subarray(0, 4).toString('latin1');
  return head === 'PAR1' ? parquetAsArrow(pathOrBytes) : tableFromIPC(readFileSync(pathOrBytes));
}

/** The numbers of a column, as float64. */
export function numbers(table: Table, name: string): Float64Array {
  const column = table.getChild(name);
  if (!column) throw new Error(`no column ${name}`);
  return Float64Array.from(column.toArray() as ArrayLike<number>, Number);
}
