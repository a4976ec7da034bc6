/**
 * The inputs of the writer × reader matrix: the same kind of table written by
 * Polars, DuckDB and apache-arrow in each format they write, one line per
 * input. Each is written once per run, into the folder given. DuckDB writes
 * Parquet only: its Arrow IPC support is an extension it downloads.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, tableToIPC } from 'apache-arrow';
import pl, { type DataFrame } from 'nodejs-polars';
import { query } from '../helpers/duckdb.js';
import { generatedTable } from './arrow-table.js';
import { BATCH_ROWS, ROWS, TABLE_COLUMNS } from './columns.js';
import { DUCK_COLUMNS, DUCK_SETUP, duckSelect } from './duckdb-columns.js';

export type Format = 'parquet' | 'arrow' | 'arrows';
export type Writer = 'polars' | 'duckdb' | 'apache-arrow';

export interface Input {
  writer: Writer;
  /** The format as the test names say it: "parquet(zstd)", "arrow file", "arrow stream". */
  label: string;
  format: Format;
  file: string;
  write: (path: string) => Promise<void>;
  /** Types Parquet has no form for (unions, Arrow intervals): a Parquet output must be refused in one line. */
  noParquet?: true;
  /** The readers that can read the input, when not all can. */
  readBy?: string[];
}

let polarsFrame: DataFrame | undefined;
/**
 * Polars' frame of the generated table, in one chunk: Polars writes an IPC
 * file of a Categorical in several chunks as dictionary replacements, which
 * it then refuses, so its IPC files and streams are one record batch of
 * 100,000 rows (its Parquet files have several row groups).
 */
function frame(): DataFrame {
  polarsFrame ??= pl.readIPC(Buffer.from(tableToIPC(generatedTable('polars'), 'file')));
  return polarsFrame;
}

let arrowTable: Table | undefined;
const arrowIPC = (kind: 'file' | 'stream') => tableToIPC((arrowTable ??= generatedTable('arrow')), kind);
const arrowOnlyIPC = () => tableToIPC(generatedTable('arrow-only'), 'file');

let duckTable: Promise<void> | undefined;
/** DuckDB's table, made once; COPY writes it with each codec. */
async function duckCopy(path: string, options: string): Promise<void> {
  duckTable ??= (async () => {
    for (const sql of DUCK_SETUP) await query(sql);
    await query(`CREATE OR REPLACE TABLE matrix AS ${duckSelect(ROWS)}`);
  })();
  await duckTable;
  await query(`COPY matrix TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE ${BATCH_ROWS}${options})`);
}

const sinkParquet = async (path: string, compression: 'zstd' | 'snappy') =>
  void (await frame().lazy().sinkParquet(path, { compression, rowGroupSize: BATCH_ROWS }).collect());

export const INPUTS: Input[] = [
  // nodejs-polars' writeParquet defaults to uncompressed and one row group; sinkParquet is Polars' own default (zstd).
  { writer: 'polars', label: 'parquet(zstd)', format: 'parquet', file: 'polars-zstd.parquet', write: (p) => sinkParquet(p, 'zstd') },
  { writer: 'polars', label: 'parquet(snappy)', format: 'parquet', file: 'polars-snappy.parquet', write: (p) => sinkParquet(p, 'snappy') },
  { writer: 'polars', label: 'arrow file', format: 'arrow', file: 'polars.arrow', write: async (p) => frame().writeIPC(p) },
  { writer: 'polars', label: 'arrow stream', format: 'arrows', file: 'polars.arrows', write: async (p) => frame().writeIPCStream(p) },
  { writer: 'duckdb', label: 'parquet(snappy)', format: 'parquet', file: 'duckdb-snappy.parquet', write: (p) => duckCopy(p, '') },
  { writer: 'duckdb', label: 'parquet(zstd)', format: 'parquet', file: 'duckdb-zstd.parquet', write: (p) => duckCopy(p, ', COMPRESSION zstd') },
  { writer: 'apache-arrow', label: 'arrow file', format: 'arrow', file: 'apache-arrow.arrow', write: async (p) => writeFileSync(p, arrowIPC('file')) },
  { writer: 'apache-arrow', label: 'arrow stream', format: 'arrows', file: 'apache-arrow.arrows', write: async (p) => writeFileSync(p, arrowIPC('stream')) },
  // Polars cannot read a file with a sparse union at all (it asserts that a union it skips is dense).
  { writer: 'apache-arrow', label: 'arrow file of Arrow-only types', format: 'arrow', file: 'apache-arrow-only.arrow', write: async (p) => writeFileSync(p, arrowOnlyIPC()), noParquet: true, readBy: ['apache-arrow'] },
];

/** Writes every input into `dir` (Polars and DuckDB build their tables once). */
export async function writeInputs(dir: string): Promise<void> {
  for (const input of INPUTS) await input.write(join(dir, input.file));
  polarsFrame = undefined;
  arrowTable = undefined;
}

/** The columns of an input that Polars cannot read (its reader leaves them out). */
export function notPolars(writer: Writer): string[] {
  if (writer === 'duckdb') return DUCK_COLUMNS.filter((c) => c.notPolars).map((c) => c.name);
  return writer === 'apache-arrow' ? TABLE_COLUMNS.filter((c) => c.notPolars && c.by !== 'polars').map((c) => c.name) : [];
}

/**
 * The Parquet columns of an input that Polars reads as binary but whose
 * Arrow type is a string (DuckDB's JSON, UTF-8 by the Parquet format: Arrow
 * has no JSON type, and pyarrow reads it as a string too). Polars reads
 * them as strings from any file with an Arrow schema, which every bn1d
 * output has (Parquet ones in ARROW:schema), so Polars' view of the input
 * column is cast to String before comparing.
 */
export function textInArrow(writer: Writer): string[] {
  return writer === 'duckdb' ? DUCK_COLUMNS.filter((c) => c.textInArrow).map((c) => c.name) : [];
}

/** The columns of the table of Arrow-only types that Parquet has no form for. */
export const NO_PARQUET = TABLE_COLUMNS.filter((c) => c.by === 'arrow-only').map((c) => c.name);
