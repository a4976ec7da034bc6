/** `bn1d apply`: normalize the feature columns of a table; every other column passes through. */
import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { countOf } from '../core/format-count.js';
import type { DataFormat } from '../io/dataset/dataset.js';
import type { FeatureDtype } from '../io/dataset/features.js';
import type { CompressionName } from '../io/parquet/codecs.js';
import { apply, type ApplyOptions, formatOf } from '../pipeline/apply.js';
import type { NanOption } from '../pipeline/options.js';
import type { Io } from './io.js';
import {
  batchSizeOption, columnsOption, compressionOption, dtypeOption, epsOption, excludeOption, given, jobsOption, nanOption, quietOption, rowGroupSizeOption,
} from './options.js';
import { headerOption, requestHeaders } from './headers.js';
import { checkTerminalOutput } from './output-target.js';
import { startProgress } from './progress.js';
import { flagSpelling } from './spelling.js';

/** Parsed flags of `bn1d apply`. */
export interface ApplyFlags {
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
  nan: NanOption;
  compression?: CompressionName;
  rowGroupSize?: number;
  quiet?: boolean;
  jobs?: number;
  /** Request headers for an http(s) input, as `Name: value`. */
  header?: string[];
}

const EXAMPLES = `
Examples:
  $ bn1d apply data.parquet --state stats.json -o normalized.parquet
  $ bn1d apply dataset/ --state stats.json -o normalized.parquet   # every file below, in path order
  $ cat part.arrows | bn1d apply --state stats.json | next-step
  $ bn1d apply data.arrow --mode train -b 512 -c x,y -o batchwise.arrow
  $ bn1d apply data.parquet -s stats.json -o small.parquet --compression zstd --row-group-size 1000000
  $ bn1d apply 'https://bucket.s3.amazonaws.com/data.parquet?X-Amz-Signature=...' -s stats.json -o normalized.parquet`;

/**
 * Normalizes `input` ('-' = stdin) into `options.output`. Flags left at
 * their defaults are not passed on where the library tells "given" from
 * "default" (columns, exclude, eps, batch size).
 */
export async function runApply(input: string, flags: ApplyFlags, io: Io, explicit: ReadonlySet<string> = new Set()): Promise<void> {
  const { state, quiet, header, ...rest } = flags;
  const options: ApplyOptions = { ...rest, stdin: io.stdin, stdout: io.stdout, headers: requestHeaders(header) };
  for (const name of ['columns', 'exclude', 'eps', 'batchSize'] as const) if (!explicit.has(name)) delete options[name];
  if (flags.mode === 'eval' && !state) {
    throw new UsageError('--state is required in eval mode (or pass --mode train to normalize each batch with its own statistics)');
  }
  const format = formatOf(flags.output, flags.format, flagSpelling);
  checkTerminalOutput(flags.output, explicit.has('output'), io, format === 'parquet' ? 'Parquet data' : 'Arrow IPC data');
  const progress = startProgress(io.stderr, quiet ?? false, 'normalizing');
  let counted = false;
  let features = 0;
  try {
    await apply(input, state, {
      ...options,
      onWarning: (message) => progress.note(`bn1d: warning: ${message}\n`),
      onStart: (start) => (features = start.features.length),
      onProgress: progress.shown
        ? ({ rows, totalRows }) => {
            if (!counted) progress.setTotal(totalRows);
            counted = true;
            progress.update({ rows });
          }
        : undefined,
    }, flagSpelling);
    progress.done(`normalized ${countOf(features, 'feature')}`);
  } catch (error) {
    progress.fail();
    throw error;
  }
}

/** The `apply` command. */
export function applyCommand(io: Io): Command {
  return new Command('apply')
    .description('normalize the feature columns of a table with a fitted state (eval mode), or batch by batch (--mode train)')
    .argument('[input]', "Parquet or Arrow IPC file, http(s) URL, or a dataset folder or quoted glob read as one table ('-' or absent = stdin)", '-')
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
    .addOption(jobsOption())
    .addOption(headerOption())
    .addOption(quietOption())
    .addHelpText('after', EXAMPLES)
    .action(async (input: string, options: ApplyFlags, command: Command) => {
      const explicit = new Set(['columns', 'exclude', 'eps', 'batchSize', 'output'].filter((name) => given(command, name)));
      await runApply(input, options, io, explicit);
    });
}
