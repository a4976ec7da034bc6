/**
 * An apply, file to file: an input (a file, a dataset folder or a glob read
 * as one table, '-' for a byte stream) normalized into an output file
 * written atomically (or to a stream for '-'). This is what `bn1d apply`
 * and the library's apply() run.
 */
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { DataFormat, ParquetLayout, WriterOptions } from '../io/dataset/dataset.js';
import { UsageError } from '../core/errors.js';
import { isSpecialFile } from '../io/files/atomic-file.js';
import { expandInputs } from '../io/files/expand-inputs.js';
import { isHttpUrl, urlName } from '../io/files/http-url.js';
import { FileSequence } from '../io/dataset/file-sequence.js';
import { inputName, openFile, StdinSource } from '../io/dataset/open-input.js';
import { openOutput, type OutputTable, outputFormat } from '../io/dataset/open-output.js';
import { codecOf, type CompressionName, followCodec } from '../io/parquet/codecs.js';
import { DEFAULT_ROW_GROUP_ROWS } from '../io/parquet/row-groups.js';
import { planWrite } from '../io/parquet/write-plan.js';
import { sameFile } from '../io/files/same-file.js';
import { assertDistinctNames } from '../io/dataset/select-features.js';
import { isSafetensorsFile } from '../io/files/state-file.js';
import { applyByColumns } from './apply-columns.js';
import { startColumnJobs } from './apply-jobs.js';
import { choiceOption, type HttpHeaders, httpSession, integerOption, jobsOption, librarySpelling, type Spelling } from './options.js';
import { type NormalizeOptions, prepareNormalization, type StateInput } from './normalize.js';
import { DataWarnings } from './warnings.js';

/** Settings of an apply: the flags of `bn1d apply`, in camelCase. */
export interface ApplyOptions extends NormalizeOptions {
  /** The output file ('-' writes to `stdout`). */
  output: string;
  /** parquet, arrow (IPC file) or arrows (IPC stream); default: from the output's extension, an Arrow IPC stream for '-'. */
  format?: DataFormat | undefined;
  /** Overwrite an existing output file. */
  force?: boolean | undefined;
  /** Codec of every page of a Parquet output (default: the input's for Parquet input, else snappy). */
  compression?: CompressionName | undefined;
  /** Rows per row group of a Parquet output (default: the input's row groups for Parquet input, else 1,048,576). */
  rowGroupSize?: number | undefined;
  /** Threads that normalize and encode Parquet column chunks (default: one per core); the output is the same for any number. */
  jobs?: number | undefined;
  /** What the input '-' reads (default process.stdin). */
  stdin?: (AsyncIterable<Uint8Array> & { isTTY?: boolean }) | undefined;
  /** Where the output '-' goes (default process.stdout). */
  stdout?: Writable | undefined;
  /** Request headers for an input that is an http(s) URL, by name (`{ Authorization: 'Bearer ...' }`). */
  headers?: HttpHeaders | undefined;
}

/**
 * Refuses an output that is one of the run's own files (each named by
 * `what`), or an existing file unless `force`; devices and FIFOs are written
 * in place, and '-' is a stream.
 */
export function checkOutput(output: string, own: readonly (readonly [path: string | undefined, what: string])[], force: boolean | undefined, spell: Spelling): void {
  if (output === '-') return;
  if (isHttpUrl(output)) throw new UsageError(`${urlName(output)}: outputs are files or '-', not URLs`);
  for (const [path, what] of own) {
    if (path !== undefined && sameFile(path, output)) throw new UsageError(`the output ${output} is ${what}: write to another file`);
  }
  if (existsSync(output) && !isSpecialFile(output) && !force) throw new UsageError(`${output} exists: pass ${spell('force')} to overwrite it`);
}

/** compression and rowGroupSize go with a Parquet output only. */
function checkParquetSettings(options: ApplyOptions, format: DataFormat, spell: Spelling): void {
  const name = options.compression !== undefined ? 'compression' : options.rowGroupSize !== undefined ? 'rowGroupSize' : undefined;
  if (!name || format === 'parquet') return;
  const target = options.output === '-' ? 'standard output gets' : `${options.output} is`;
  throw new UsageError(`${spell(name)} applies to Parquet outputs only; ${target} an Arrow IPC ${format === 'arrow' ? 'file' : 'stream'}`);
}

/** The codec and row groups of a Parquet output: the settings, else those of a Parquet input, else snappy and DEFAULT_ROW_GROUP_ROWS. */
function parquetOutput(options: ApplyOptions, layout: ParquetLayout | undefined, spell: Spelling): WriterOptions {
  const compression = choiceOption(options.compression, ['zstd', 'snappy', 'gzip', 'brotli', 'lz4', 'none'], 'compression', spell);
  return {
    compression: compression ? codecOf(compression) : layout ? followCodec(layout.codec) : 'SNAPPY',
    rowGroupRows: options.rowGroupSize !== undefined
      ? integerOption(options.rowGroupSize, 1, 'rowGroupSize', spell, DEFAULT_ROW_GROUP_ROWS)
      : layout?.rowGroupRows.length ? layout.rowGroupRows : DEFAULT_ROW_GROUP_ROWS,
  };
}

/** The output format of `output`, or a usage error saying how to name it. */
export function formatOf(output: string, asked: DataFormat | undefined, spell: Spelling): DataFormat {
  const format = outputFormat(output, choiceOption(asked, ['parquet', 'arrow', 'arrows'], 'format', spell));
  if (!format) throw new UsageError(`cannot tell the output format from "${output}": name it .parquet, .arrow or .arrows, or pass ${spell('format')} parquet|arrow|arrows`);
  return format;
}

/**
 * Normalizes `input` into `options.output` with `state` (a state file's
 * path, its document, or none in train mode); the output is complete, or
 * not there at all.
 */
export async function apply(input: string, state: StateInput, options: ApplyOptions, spell: Spelling = librarySpelling): Promise<void> {
  if (typeof input !== 'string') throw new UsageError('apply() reads a file, a folder or a glob; normalize() takes a Table or record batches');
  if (typeof options?.output !== 'string') throw new UsageError(`${spell('output')} is required: the file to write ('-' for a stream)`);
  const http = httpSession(options.headers, spell);
  const { files } = await expandInputs([input]);
  const own = files.map((file) => [file, file === input ? 'the input' : `the input ${file}`] as const);
  checkOutput(options.output, [...own, [typeof state === 'string' ? state : undefined, 'the state file']], options.force, spell);
  const format = formatOf(options.output, options.format, spell);
  checkParquetSettings(options, format, spell);
  options.signal?.throwIfAborted();
  const stdin = new StdinSource(options.stdin ?? process.stdin);
  let reader: FileSequence | undefined;
  let output: OutputTable | undefined;
  let jobs: Awaited<ReturnType<typeof startColumnJobs>>;
  try {
    // A folder or glob is one table: every file is checked against the first before the output opens.
    const warnings = new DataWarnings(options.onWarning);
    const open = async (file: string) => {
      const opened = await (file === '-' ? stdin.open(false) : openFile(file, inputName(file), { http }));
      warnings.opened(opened);
      return opened;
    };
    reader = await FileSequence.open(files, inputName(input), open);
    assertDistinctNames(reader.schema, reader.name);
    const sequence = reader;
    const safetensors = typeof state === 'string' && isSafetensorsFile(state);
    const normalization = await prepareNormalization(reader, state, options, spell, {
      safetensors,
      warnings,
      describeRow: (row) => sequence.describeRow(row),
    });
    const layout = parquetOutput(options, reader.parquetLayout, spell);
    output = await openOutput(options.output, format, normalization.schema, options.stdout ?? process.stdout, { parquetColumns: reader.parquetColumns, ...layout });
    const { evalMode } = normalization;
    // Parquet files into Parquet with their own row groups: column chunk by column chunk.
    if (evalMode && format === 'parquet' && options.rowGroupSize === undefined && reader.parquetLayout && output.writer.writeColumns) {
      const codec = layout.compression!;
      const { features, schema } = normalization;
      const init = { firstFile: files[0]!, http: http.data(), state: evalMode.state, dtype: options.dtype, nan: evalMode.nan, codec };
      const local = { ...evalMode, features, schema, columns: planWrite(schema, reader.parquetColumns), codec, warnings };
      jobs = await startColumnJobs(jobsOption(options.jobs, spell), files, init, local, http);
      const copy = { codec: options.compression === undefined ? undefined : layout.compression };
      await applyByColumns(reader, output.writer, { ...evalMode, features, schema, warnings, copy, signal: options.signal, onProgress: options.onProgress }, jobs);
    } else {
      for await (const batch of normalization.batches()) await output.writer.write(batch);
    }
    await output.finish();
  } catch (error) {
    await output?.abort();
    throw error;
  } finally {
    await jobs?.close();
    await reader?.close();
    stdin.dispose();
  }
}
