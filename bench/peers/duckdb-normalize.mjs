/**
 * Peer of `bn1d apply` Parquet to Parquet: DuckDB writes (x - mean) / sqrt(var + eps) of every float column, id passed through,
 * with the codec given after the output (default snappy).
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [input, statePath, output, codec = 'snappy'] = process.argv.slice(2);
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const columns = state.features.map((f, i) => `(("${f}" - ${state.running_mean[i]}) / sqrt(${state.running_var[i]} + ${state.eps}))::FLOAT AS "${f}"`);
await connection.run(`COPY (SELECT id, ${columns.join(', ')} FROM read_parquet('${input}')) TO '${output}' (FORMAT parquet, COMPRESSION ${codec})`);
