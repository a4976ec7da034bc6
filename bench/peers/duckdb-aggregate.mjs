/** Peer of `bn1d fit`: DuckDB computes avg and var_samp of every float column of a Parquet file. */
import { DuckDBInstance } from '@duckdb/node-api';

const [path, ...columns] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const select = columns.map((c) => `avg("${c}"), var_samp("${c}")`).join(', ');
const result = await connection.runAndReadAll(`SELECT ${select} FROM read_parquet('${path}')`);
if (result.getRows()[0].length !== columns.length * 2) throw new Error('unexpected result');
