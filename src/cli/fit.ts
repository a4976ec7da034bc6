/** `bn1d fit`: running statistics over one or more inputs, written as a state file. */
import { Command } from 'commander';
import type { NanPolicy } from '../core/batch-moments.js';
import { DataError, UsageError } from '../core/errors.js';
import { countOf } from '../core/format-count.js';
import { type BatchNormState, createState } from '../core/state.js';
import { expandInputs } from '../io/expand-inputs.js';
import { StdinSource } from '../io/open-input.js';
import { defaultFeatureNames, resolveFeatures } from '../io/select-features.js';
import { isReplaceableState, readStateFile, writeState } from '../io/state-file.js';
import { InputSeries } from './inputs.js';
import type { Io } from './io.js';
import {
  batchSizeOption,
  checkColumnNames,
  checkSelection,
  columnsOption,
  epochsOption,
  epsOption,
  excludeOption,
  given,
  momentumOption,
  momentumValue,
  nanOption,
  quietOption,
  seedOption,
  shuffleBufferOption,
} from './options.js';
import { outputTarget } from './output-target.js';
import { runEpochs } from './fit-epochs.js';
import { startProgress } from './progress.js';
import { buildReport, checkReportTarget, SampleCollector, writeReport } from './report-builder.js';
import { randomSeed } from './shuffled-inputs.js';
import { DataWarnings } from './warnings.js';
import { sameFile } from './same-file.js';

/** Parsed options of `bn1d fit`. */
export interface FitOptions {
  state: string;
  columns?: string[];
  exclude?: string[];
  batchSize: number;
  epochs: number;
  /** A factor in (0, 1], or 'none' for a cumulative average. */
  momentum: number | 'none';
  eps: number;
  affine: boolean;
  dropLast?: boolean;
  resume?: string;
  nan: NanPolicy;
  quiet?: boolean;
  /** Visit rows in a new seeded order every epoch. */
  shuffle?: boolean;
  seed?: number;
  shuffleBuffer: number;
  /** Also write an HTML report here. */
  report?: string;
}

const EXAMPLES = `
Examples:
  $ bn1d fit train.parquet                          # stats.json, momentum 0.1, batches of 256
  $ bn1d fit part-*.parquet --momentum none -e 3 -s stats.json
  $ bn1d fit dataset/ -s stats.json                 # every data file below, sorted by path
  $ bn1d fit 'events/date=2024-*/*.parquet' -s stats.json
  $ cat data.arrows | bn1d fit - -c age,income --drop-last -s - > stats.json
  $ bn1d fit train.parquet -e 5 --shuffle --seed 7 --report fit.html`;

/** Flags that --resume takes from the state instead. */
const FROM_STATE = ['columns', 'exclude', 'momentum', 'eps', 'affine'];

async function checkTargets(inputs: readonly string[], options: FitOptions): Promise<void> {
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError("stdin ('-') can be given only once");
  if (options.report !== undefined) {
    if (options.report === '-' && options.state === '-') throw new UsageError('the state and the report cannot both go to stdout: give --report a file');
    checkReportTarget(options.report, [...inputs, options.state, ...(options.resume ? [options.resume] : [])], '--report');
  }
  if (options.state === '-') return;
  const input = inputs.find((i) => sameFile(i, options.state));
  if (input !== undefined) throw new UsageError(`the state file ${options.state} is the input ${input}: choose another --state`);
  if (!(await isReplaceableState(options.state))) {
    throw new UsageError(`${options.state} exists and is not a bn1d state file: not overwriting it (choose another --state)`);
  }
}

async function initialState(series: InputSeries, options: FitOptions): Promise<BatchNormState> {
  if (options.resume) {
    const state = await readStateFile(options.resume);
    if (!state.trackRunningStats) throw new DataError(`${options.resume}: the state has no running statistics to resume (track_running_stats is false)`);
    return state;
  }
  checkSelection(options);
  const first = await series.first();
  checkColumnNames(first.schema, options.columns, first.name, '--columns');
  checkColumnNames(first.schema, options.exclude, first.name, '--exclude');
  const features = options.columns ?? defaultFeatureNames(first.schema, options.exclude ?? [], first.name);
  resolveFeatures(first.schema, features, first.name);
  const momentum = momentumValue(options.momentum);
  return createState({ features, eps: options.eps, momentum, affine: options.affine });
}

/** Fits and writes the state. */
export async function runFit(inputs: string[], options: FitOptions, io: Io, explicit: ReadonlySet<string> = new Set()): Promise<void> {
  const clash = FROM_STATE.find((name) => explicit.has(name));
  if (options.resume && clash) {
    throw new UsageError(`--${clash === 'affine' ? 'no-affine' : clash} cannot be combined with --resume: the resumed state's setting is used`);
  }
  const expanded = await expandInputs(inputs);
  await checkTargets(expanded.files, options);
  const stdin = new StdinSource(io.stdin);
  const progress = startProgress(io.stderr, options.quiet ?? false, 'fitting');
  const series = new InputSeries(expanded, stdin, options.epochs > 1, new DataWarnings(progress));
  try {
    const initial = await initialState(series, options);
    if (progress.shown) {
      const perPass = await series.rowsPerPass();
      progress.setTotal(perPass === undefined ? undefined : perPass * options.epochs);
    }
    const shuffle = options.shuffle ? { seed: options.seed ?? randomSeed(), buffer: options.shuffleBuffer } : undefined;
    const samples = options.report ? new SampleCollector(initial.features.length) : undefined;
    const { batchSize, epochs } = options;
    const epochOptions = { batchSize, epochs, dropLast: options.dropLast ?? false, nan: options.nan, shuffle, samples };
    const { state, rows, batches } = await runEpochs(series, initial, epochOptions, progress);
    const fit = {
      batch_size: batchSize,
      epochs,
      drop_last: options.dropLast ?? false,
      nan: options.nan,
      rows,
      batches,
      inputs: series.names,
      // A folder or a glob does not say how many files it held at the time.
      ...(expanded.expanded ? { files: series.count } : {}),
      ...(shuffle ? { shuffle } : {}),
      ...(options.resume ? { resumed_from: options.resume } : {}),
    };
    const fitted = { ...state, fit };
    await writeState(fitted, outputTarget(options.state, io));
    if (options.report) await writeReport(outputTarget(options.report, io), buildReport(fitted, samples, `bn1d fit of ${series.names.join(', ')}`));
    progress.done(`fitted ${countOf(state.features.length, 'feature')} over ${countOf(epochs, 'epoch')}, ${countOf(batches, 'batch', 'batches')}`);
  } catch (error) {
    progress.fail();
    throw error;
  } finally {
    await series.close();
    stdin.dispose();
  }
}

/** The `fit` command. */
export function fitCommand(io: Io): Command {
  return new Command('fit')
    .description('fit BatchNorm1d running statistics over the inputs (training mode) and write them to a state file')
    .argument('<input...>', "Parquet or Arrow IPC files, dataset folders or quoted globs ('data/*.parquet'), read as one stream in this order ('-' = stdin)")
    .option('-s, --state <path>', "state file to write ('-' = stdout)", 'stats.json')
    .addOption(columnsOption())
    .addOption(excludeOption())
    .addOption(batchSizeOption())
    .addOption(epochsOption())
    .addOption(momentumOption())
    .addOption(epsOption())
    .option('--no-affine', 'weight and bias are null (torch: affine=False)')
    .option('--drop-last', 'skip a final batch shorter than --batch-size, every epoch (torch DataLoader: drop_last)')
    .option('--resume <path>', 'start from this state: features, eps, momentum and affine come from it; num_batches_tracked carries on')
    .option('--shuffle', 'visit the rows in a new seeded order every epoch (torch DataLoader: shuffle=True)')
    .addOption(seedOption())
    .addOption(shuffleBufferOption())
    .option('--report <path>', "also write an HTML report: running statistics along the fit, histograms, the final state ('-' = stdout)")
    .addOption(nanOption())
    .addOption(quietOption())
    .addHelpText('after', EXAMPLES)
    .action(async (inputs: string[], options: FitOptions, command: Command) => {
      if (!options.shuffle && (given(command, 'seed') || given(command, 'shuffleBuffer'))) {
        throw new UsageError('--seed and --shuffle-buffer need --shuffle');
      }
      const explicit = new Set(FROM_STATE.filter((name) => given(command, name)));
      await runFit(inputs, options, io, explicit);
    });
}
