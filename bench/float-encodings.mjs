/**
 * PLAIN or dictionary pages for normalized floats: 2M rows of 4 continuous
 * features (random doubles) and 4 discrete ones (integers of 3, 17, 100 and
 * 1,000 values, float32 once normalized), applied by bn1d (PLAIN pages),
 * then the same values written again by DuckDB (which dictionary-encodes a
 * column where that pays) and by Polars; for each file, its size, each
 * column's encodings and size, and the median of 5 reads of every column by
 * DuckDB (a sum of each) and by Polars (readParquet and a sum). Run after
 * `npm run build`:
 *
 *   node bench/float-encodings.mjs [--rows 2000000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import pl from 'nodejs-polars';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '2000000' } }, strict: true });
const rows = Number(args.rows);
const bin = new URL('../bin/bn1d.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bn1d-encodings-'));
const K = [0, 1, 2, 3];
const median = (runs) => runs.sort((a, b) => a - b)[runs.length >> 1];

try {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const columns = [
    ...K.map((k) => `(hash(i, ${k}) % 1000003)::DOUBLE / 1000003 * ${k + 1} AS c${k}`),
    ...K.map((k) => `(hash(i, ${k + 10}) % ${[3, 17, 100, 1000][k]})::INTEGER AS d${k}`),
  ];
  const input = join(dir, 'in.parquet');
  await db.run(`COPY (SELECT ${columns.join(', ')} FROM range(${rows}) r(i)) TO '${input}' (FORMAT parquet, ROW_GROUP_SIZE ${rows})`);
  execFileSync(process.execPath, [bin, 'fit', input, '-m', 'none', '-q', '-s', join(dir, 'state.json')]);
  const files = { 'bn1d (PLAIN)': join(dir, 'bn1d.parquet'), 'DuckDB COPY': join(dir, 'duckdb.parquet'), 'Polars writeParquet': join(dir, 'polars.parquet') };
  execFileSync(process.execPath, [bin, 'apply', input, '-s', join(dir, 'state.json'), '-o', files['bn1d (PLAIN)'], '-q']);
  await db.run(`COPY (SELECT * FROM read_parquet('${files['bn1d (PLAIN)']}')) TO '${files['DuckDB COPY']}' (FORMAT parquet, ROW_GROUP_SIZE ${rows})`);
  pl.readParquet(files['bn1d (PLAIN)']).writeParquet(files['Polars writeParquet'], { compression: 'snappy' });

  console.log(`${rows} rows: c0..c3 continuous float64, d0..d3 discrete (3, 17, 100, 1000 values) float32, all normalized`);
  console.log('| file | MB | DuckDB sum ms | Polars read+sum ms | column: encodings, MB |');
  console.log('|---|---:|---:|---:|---|');
  const sums = K.map((k) => `sum(c${k}), sum(d${k})`).join(', ');
  for (const [label, path] of Object.entries(files)) {
    const duck = [];
    const polars = [];
    for (let r = 0; r < 5; r++) {
      let start = performance.now();
      await db.runAndReadAll(`SELECT ${sums} FROM read_parquet('${path}')`);
      duck.push(performance.now() - start);
      start = performance.now();
      pl.readParquet(path).sum();
      polars.push(performance.now() - start);
    }
    const chunks = (await db.runAndReadAll(`SELECT path_in_schema, encodings, sum(total_compressed_size) FROM parquet_metadata('${path}') GROUP BY ALL ORDER BY 1`)).getRows();
    const layout = chunks.map(([column, encodings, bytes]) => `${column}: ${encodings}, ${(Number(bytes) / 2 ** 20).toFixed(1)}`).join('; ');
    console.log(`| ${label} | ${(statSync(path).size / 2 ** 20).toFixed(1)} | ${median(duck).toFixed(0)} | ${median(polars).toFixed(0)} | ${layout} |`);
  }
  db.closeSync();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
