/**
 * Peak memory of reading every column of a wide one-row-group Parquet file
 * column chunk by column chunk (ParquetReader.readChunk) against piece by
 * piece (ParquetReader.columnPieces), and piece by piece into recycled
 * buffers (columnPieces' `recycle`, as fit and apply read), each read in a
 * process of its own.
 * The file is written by DuckDB, which puts each column chunk in one page,
 * and again by Polars, which writes pages of about 1 MB. Run after
 * `npm run build`:
 *
 *   node bench/column-pieces.mjs [--rows 1000000] [--columns 64] [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repeat } from './measure.mjs';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, columns: { type: 'string', default: '64' }, runs: { type: 'string', default: '3' }, read: { type: 'string' } },
  allowPositionals: true,
  strict: true,
});

if (args.read) {
  // A child: read every column of the file at positionals[0] the way args.read says.
  const { openParquet } = await import('../dist/io/parquet/read.js');
  const path = process.argv.at(-1);
  const reader = await openParquet(path, path);
  for (const { name } of reader.schema.fields) {
    if (args.read === 'chunk') await reader.readChunk(0, [name]);
    else for await (const piece of reader.columnPieces(0, name, { recycle: args.read === 'recycled' })) void piece;
  }
  await reader.close();
} else {
  const rows = Number(args.rows);
  const columns = Number(args.columns);
  const dir = mkdtempSync(join(tmpdir(), 'bn1d-pieces-'));
  try {
    const duck = join(dir, 'duckdb.parquet');
    const polars = join(dir, 'polars.parquet');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const select = Array.from({ length: columns }, (_, k) => `random() * ${k + 1} AS c${k}`).join(', ');
    await db.run(`COPY (SELECT ${select} FROM range(${rows})) TO '${duck}' (FORMAT parquet, ROW_GROUP_SIZE ${rows})`);
    const { default: pl } = await import('nodejs-polars');
    pl.scanParquet(duck).sinkParquet(polars, { compression: 'snappy', rowGroupSize: rows }).collectSync();
    console.log(`${rows} rows x ${columns} float64 columns, one row group, ${args.runs} runs each`);
    console.log('| file | read | median s | peak RSS MB |');
    console.log('| --- | --- | ---: | ---: |');
    for (const [label, file] of [['DuckDB (a page per chunk)', duck], ['Polars (1 MB pages)', polars]]) {
      for (const mode of ['chunk', 'pieces', 'recycled']) {
        const result = await repeat([process.execPath, new URL(import.meta.url).pathname, '--read', mode, file], Number(args.runs));
        const read = { chunk: 'readChunk', pieces: 'columnPieces', recycled: 'columnPieces, recycle' }[mode];
        console.log(`| ${label} | ${read} | ${result.median.toFixed(2)} | ${Math.round(result.rssMb)} |`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
