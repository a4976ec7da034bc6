/**
 * Peer of `bn1d apply` Parquet to Parquet: DuckDB writes (x - mean) / sqrt(var + eps) of every feature of the state,
 * each as the type bn1d writes it (DOUBLE for a DOUBLE column, else FLOAT), and every other column passed through,
 * in the input's column order, with the codec given after the output (default snappy).
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [input, statePath, output, codec = 'snappy'] = process.argv.slice(2);
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const from = `read_parquet('${input}')`;
const schema = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjects();
const quote = (name) => `"${name.replaceAll('"', '""')}"`;
const columns = schema.map(({ column_name: name, column_type: type }) => {
  const i = state.features.indexOf(name);
  if (i < 0) return quote(name);
  const cast = type === 'DOUBLE' ? 'DOUBLE' : 'FLOAT';
  return `((${quote(name)} - ${state.running_mean[i]}) / sqrt(${state.running_var[i]} + ${state.eps}))::${cast} AS ${quote(name)}`;
});
await connection.run(`COPY (SELECT ${columns.join(', ')} FROM ${from}) TO '${output}' (FORMAT parquet, COMPRESSION ${codec})`);
