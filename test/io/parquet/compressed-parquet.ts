/** Helper of the compressor tests: a Parquet file whose pages one of bn1d's compressors wrote, as DuckDB reads it. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { ids, normals } from '../../../bench/compressor-inputs.mjs';
import { query } from '../../helpers/duckdb.js';
import { duckdb, duckDifference, tempDir } from './helpers.js';

const ROWS = 150_000;

/** What DuckDB makes of the file. */
export interface DuckView {
  codecs: string[];
  rows: number;
  /** Rows only in the compressed file, and only in the same data written uncompressed. */
  differences: [number, number];
}

/** The two files of a comparison: the same columns, compressed and uncompressed. */
export interface PagesBothWays {
  compressed: string;
  plain: string;
}

/**
 * Writes float64, int64 and nullable string columns (pages over 1 MiB, so
 * frames of several blocks; a dictionary page for the strings) with
 * hyparquet-writer, once with `compress` as the `codec` compressor and once
 * uncompressed.
 */
export function writePagesBothWays(codec: 'ZSTD' | 'LZ4_RAW' | 'SNAPPY', compress: (input: Uint8Array) => Uint8Array): PagesBothWays {
  const columnData: ColumnSource[] = [
    { name: 'x', data: normals(ROWS, 7), type: 'DOUBLE' },
    { name: 'id', data: ids(ROWS, 8), type: 'INT64' },
    { name: 'label', data: Array.from({ length: ROWS }, (_, i) => (i % 11 === 0 ? null : `row ${(i * 7919) % 977}`)), type: 'STRING' },
  ];
  const dir = tempDir();
  const compressed = join(dir, `${codec}.parquet`);
  const plain = join(dir, 'plain.parquet');
  writeFileSync(compressed, new Uint8Array(parquetWriteBuffer({ columnData, codec, compressors: { [codec]: compress }, rowGroupSize: ROWS })));
  writeFileSync(plain, new Uint8Array(parquetWriteBuffer({ columnData, codec: 'UNCOMPRESSED', rowGroupSize: ROWS })));
  return { compressed, plain };
}

/** What DuckDB makes of the files of writePagesBothWays: the first's codecs and rows, and how it differs from the second. */
export async function duckView({ compressed, plain }: PagesBothWays): Promise<DuckView> {
  const codecs = await query(`SELECT DISTINCT compression FROM parquet_metadata('${compressed}')`);
  const count = await query(`SELECT count(*)::INTEGER AS n FROM read_parquet('${compressed}')`);
  const db = await duckdb();
  try {
    return { codecs: codecs.map((row) => String(row.compression)), rows: Number(count[0]!.n), differences: await duckDifference(db, compressed, plain) };
  } finally {
    db.closeSync();
  }
}

/** Writes the columns of writePagesBothWays and asks DuckDB what the compressed file holds and how it differs from the uncompressed one. */
export async function duckReadsPages(codec: 'ZSTD' | 'LZ4_RAW' | 'SNAPPY', compress: (input: Uint8Array) => Uint8Array): Promise<DuckView> {
  return duckView(writePagesBothWays(codec, compress));
}
