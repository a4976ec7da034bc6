/** `bn1d apply`: normalize the feature columns of a table; every other column passes through. */
import { Command, Option } from 'commander';
import type { RecordBatch } from 'apache-arrow';
import type { NanPolicy } from '../core/batch-moments.js';
import { UsageError } from '../core/errors.js';
import { countOf } from '../core/format-count.js';
import { normalizeBatch } from '../core/normalize.js';
import { type BatchNormState, createState } from '../core/state.js';
import { TrainStream } from '../core/train-stream.js';
import type { DataFormat, DatasetReader, ParquetLayout, WriterOptions } from '../io/dataset.js';
import { expandInputs } from '../io/expand-inputs.js';
import { type FeatureDtype, featureChunk, outputArray, outputSchema, replaceFeatures } from '../io/features.js';
import { FileSequence } from '../io/file-sequence.js';
import { inputName, openFile, StdinSource } from '../io/open-input.js';
import { openOutput, outputFormat } from '../io/open-output.js';
import { codecOf, type CompressionName, followCodec } from '../io/parquet-codecs.js';
import { DEFAULT_ROW_GROUP_ROWS } from '../io/parquet-row-groups.js';
import { assertDistinctNames, defaultFeatureNames, resolveFeatures } from '../io/select-features.js';
import { isSafetensorsFile, readStateFile } from '../io/state-file.js';
import type { Io } from './io.js';
import {
  batchSizeOption, checkColumnNames, checkSelection, columnsOption, compressionOption, dtypeOption, epsOption, excludeOption, given, nanOption, quietOption,
  rowGroupSizeOption,
} from './options.js';
import { checkOutput, checkTerminalOutput } from './output-target.js';
import { startProgress } from './progress.js';
import { DataWarnings } from './warnings.js';

/** Parsed options of `bn1d apply`. */
export interface ApplyOptions {
  state?: string;
  output: string;
  format?: DataFormat;
  mode: 'eval' | 'train';
  columns?: string[];
  exclude?: string[];
  batchSize: number;
  eps: number;
  dtype?: FeatureDtype;
  force?: boolean;
  nan: NanPolicy;
  compression?: CompressionName;
  rowGroupSize?: number;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ bn1d apply data.parquet --state stats.json -o normalized.parquet
  $ bn1d apply dataset/ --state stats.json -o normalized.parquet   # every file below, in path order
  $ cat part.arrows | bn1d apply --state stats.json | next-step
  $ bn1d apply data.arrow --mode train -b 512 -c x,y -o batchwise.arrow
  $ bn1d apply data.parquet -s stats.json -o small.parquet --compression zstd --row-group-size 1000000`;

function checkUsage(options: ApplyOptions, explicit: ReadonlySet<string>): void {
  if (options.mode === 'eval' && !options.state) {
    throw new UsageError('--state is required in eval mode (or pass --mode train to normalize each batch with its own statistics)');
  }
  if (options.state) {
    // A safetensors state_dict from PyTorch names no features: --columns may name them (the reader refuses it for files that do).
    const clash = ['columns', 'exclude', 'eps'].find((name) => explicit.has(name) && !(name === 'columns' && isSafetensorsFile(options.state!)));
    if (clash) throw new UsageError(`--${clash} cannot be combined with --state: the features and eps come from the state`);
  }
  checkSelection(options);
}

async function loadState(reader: DatasetReader, options: ApplyOptions): Promise<BatchNormState> {
  if (options.state) return readStateFile(options.state, { features: options.columns, featuresFlag: '--columns' });
  const features = options.columns ?? defaultFeatureNames(reader.schema, options.exclude ?? [], reader.name);
  return createState({ features, eps: options.eps });
}

/**
 * Rows normalized at a time: input row groups can be far larger, and outputs
 * are allocated per slice. The writer decides the output's row groups.
 */
const SLICE_ROWS = 65_536;

/** The batches cut into slices of at most `rows` rows (views, no copies). */
async function* sliced(batches: AsyncIterable<RecordBatch>, rows: number): AsyncGenerator<RecordBatch> {
  for await (const batch of batches) {
    if (batch.numRows <= rows) yield batch;
    else for (let at = 0; at < batch.numRows; at += rows) yield batch.slice(at, Math.min(batch.numRows, at + rows));
  }
}

/** --compression and --row-group-size go with a Parquet output only. */
function checkParquetFlags(options: ApplyOptions, format: DataFormat): void {
  const flag = options.compression !== undefined ? '--compression' : options.rowGroupSize !== undefined ? '--row-group-size' : undefined;
  if (!flag || format === 'parquet') return;
  const target = options.output === '-' ? 'standard output gets' : `${options.output} is`;
  throw new UsageError(`${flag} applies to Parquet outputs only; ${target} an Arrow IPC ${format === 'arrow' ? 'file' : 'stream'}`);
}

/** The codec and row groups of a Parquet output: the flags, else those of a Parquet input, else snappy and DEFAULT_ROW_GROUP_ROWS. */
function parquetOutput(options: ApplyOptions, layout: ParquetLayout | undefined): WriterOptions {
  return {
    compression: options.compression ? codecOf(options.compression) : layout ? followCodec(layout.codec) : 'SNAPPY',
    rowGroupRows: options.rowGroupSize ?? (layout?.rowGroupRows.length ? layout.rowGroupRows : DEFAULT_ROW_GROUP_ROWS),
  };
}

/** Normalizes `input` ('-' = stdin) into `options.output`. */
export async function runApply(input: string, options: ApplyOptions, io: Io, explicit: ReadonlySet<string> = new Set()): Promise<void> {
  checkUsage(options, explicit);
  const { files } = await expandInputs([input]);
  const own = files.map((file) => [file, file === input ? 'the input' : `the input ${file}`] as const);
  checkOutput(options.output, [...own, [options.state, 'the state file']], options.force);
  const format = outputFormat(options.output, options.format);
  checkTerminalOutput(options.output, explicit.has('output'), io, format === 'parquet' ? 'Parquet data' : 'Arrow IPC data');
  checkParquetFlags(options, format);
  const stdin = new StdinSource(io.stdin);
  const progress = startProgress(io.stderr, options.quiet ?? false, 'normalizing');
  let reader: FileSequence | undefined;
  let output: Awaited<ReturnType<typeof openOutput>> | undefined;
  try {
    // A folder or glob is one table: every file is checked against the first before the output opens.
    const warnings = new DataWarnings(progress);
    const open = async (file: string) => {
      const opened = await (file === '-' ? stdin.open(false) : openFile(file, file));
      warnings.opened(opened);
      return opened;
    };
    reader = await FileSequence.open(files, inputName(input), open);
    assertDistinctNames(reader.schema, reader.name);
    progress.setTotal(reader.numRows);
    checkColumnNames(reader.schema, options.columns, reader.name, '--columns');
    checkColumnNames(reader.schema, options.exclude, reader.name, '--exclude');
    const state = await loadState(reader, options);
    const batchStats = options.mode === 'train' || !state.trackRunningStats;
    if (!batchStats && explicit.has('batchSize')) throw new UsageError('--batch-size applies only to --mode train (or a state without running statistics)');
    const features = resolveFeatures(reader.schema, state.features, reader.name, options.dtype);
    const schema = outputSchema(reader.schema, features);
    output = await openOutput(options.output, format, schema, io.stdout, {
      parquetColumns: reader.parquetColumns,
      ...parquetOutput(options, reader.parquetLayout),
    });
    const sequence = reader;
    const step = { nan: options.nan, describeRow: (row: number) => sequence.describeRow(row) };
    const write = (batch: RecordBatch, outs: (Float32Array | Float64Array)[]) => output!.writer.write(replaceFeatures(batch, schema, features, outs));
    const stream = batchStats
      ? new TrainStream<[RecordBatch, (Float32Array | Float64Array)[]]>(state, options.batchSize, step)
      : undefined;
    let rows = 0;
    let index = 0;
    for await (const batch of sliced(reader.batches(), SLICE_ROWS)) {
      warnings.check(batch, features, reader.name);
      const chunk = featureChunk(batch, features);
      const outs = chunk.columns.map((column, k) => outputArray(column, features[k]!));
      if (stream) {
        for (const [done, doneOuts] of stream.push(chunk, outs, [batch, outs])) await write(done, doneOuts);
      } else {
        normalizeBatch(state, { ...chunk, index: index++, startRow: rows }, outs, step);
        await write(batch, outs);
      }
      rows += batch.numRows;
      progress.update({ rows });
    }
    if (stream) for (const [done, doneOuts] of stream.finish()) await write(done, doneOuts);
    await output.finish();
    progress.done(`normalized ${countOf(features.length, 'feature')}`);
  } catch (error) {
    progress.fail();
    await output?.abort();
    throw error;
  } finally {
    await reader?.close();
    stdin.dispose();
  }
}

/** The `apply` command. */
export function applyCommand(io: Io): Command {
  return new Command('apply')
    .description('normalize the feature columns of a table with a fitted state (eval mode), or batch by batch (--mode train)')
    .argument('[input]', "Parquet or Arrow IPC file, or a dataset folder or quoted glob read as one table ('-' or absent = stdin)", '-')
    .option('-s, --state <path>', 'state file: eval mode uses its running statistics, weight and bias (bn1d JSON, or safetensors; one from PyTorch names no features: give them with --columns)')
    .option('-o, --output <path>', "output file ('-' or absent = stdout, as an Arrow IPC stream; not a terminal unless -o - is given)", '-')
    .addOption(new Option('--format <f>', 'output format (default: from the extension: .parquet, .arrow/.feather/.ipc, .arrows)').choices(['parquet', 'arrow', 'arrows']))
    .addOption(new Option('--mode <mode>', 'eval: running statistics; train: each batch with its own statistics').choices(['eval', 'train']).default('eval'))
    .addOption(columnsOption())
    .addOption(excludeOption())
    .addOption(batchSizeOption())
    .addOption(epsOption())
    .addOption(dtypeOption())
    .addOption(compressionOption())
    .addOption(rowGroupSizeOption())
    .option('--force', 'overwrite an existing output file')
    .addOption(nanOption())
    .addOption(quietOption())
    .addHelpText('after', EXAMPLES)
    .action(async (input: string, options: ApplyOptions, command: Command) => {
      const explicit = new Set(['columns', 'exclude', 'eps', 'batchSize', 'output'].filter((name) => given(command, name)));
      await runApply(input, options, io, explicit);
    });
}
