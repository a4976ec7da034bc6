/** `bn1d fit`: running statistics over one or more inputs, written as a state file. */
import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { countOf } from '../core/format-count.js';
import { isReplaceableState, writeState } from '../io/files/state-file.js';
import { type FitOptions, fitState } from '../pipeline/fit.js';
import type { NanOption } from '../pipeline/options.js';
import { buildReport, SampleCollector } from '../pipeline/report-data.js';
import type { Io } from './io.js';
import {
  batchSizeOption,
  columnsOption,
  epochsOption,
  epsOption,
  excludeOption,
  given,
  momentumOption,
  momentumValue,
  jobsOption,
  nanOption,
  quietOption,
  seedOption,
  shuffleBufferOption,
} from './options.js';
import { headerOption, requestHeaders } from './headers.js';
import { outputTarget } from './output-target.js';
import { startProgress } from './progress.js';
import { checkReportTarget, writeReport } from './report-file.js';
import { sameFile } from '../io/files/same-file.js';
import { flagSpelling } from './spelling.js';
import { packageVersion } from './version.js';

/** Parsed flags of `bn1d fit`. */
export interface FitFlags {
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
  nan: NanOption;
  quiet?: boolean;
  /** Visit rows in a new seeded order every epoch. */
  shuffle?: boolean;
  seed?: number;
  shuffleBuffer: number;
  /** Also write an HTML report here. */
  report?: string;
  jobs?: number;
  /** Request headers for http(s) inputs, as `Name: value`. */
  header?: string[];
}

const EXAMPLES = `
Examples:
  $ bn1d fit train.parquet                          # stats.json, momentum 0.1, batches of 256
  $ bn1d fit part-*.parquet --momentum none -e 3 -s stats.json
  $ bn1d fit dataset/ -s stats.json                 # every data file below, sorted by path
  $ bn1d fit 'events/date=2024-*/*.parquet' -s stats.json
  $ cat data.arrows | bn1d fit - -c age,income --drop-last -s - > stats.json
  $ bn1d fit train.parquet -e 5 --shuffle --seed 7 --report fit.html
  $ bn1d fit https://host/data.parquet -H 'Authorization: Bearer ...' -c x   # only the footer and x's column chunks are fetched`;

/** Flags that --resume takes from the state instead. */
const FROM_STATE = ['columns', 'exclude', 'momentum', 'eps', 'affine'] as const;

/** Refuses a state or report path that is an input, the other output, or a file that is not a state (fit and fold). */
export async function checkStateTargets(inputs: readonly string[], options: { state: string; report?: string | undefined; resume?: string | undefined }): Promise<void> {
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

/** The library's settings from the flags: with --resume, those the state gives are left out (defaults are not given). */
function fitOptions(options: FitFlags, explicit: ReadonlySet<string>): FitOptions {
  const { state: _state, report: _report, quiet: _quiet, header, ...rest } = options;
  const settings: FitOptions = { ...rest, momentum: momentumValue(options.momentum), headers: requestHeaders(header) };
  if (!options.shuffle) delete settings.shuffleBuffer;
  if (options.resume) for (const name of FROM_STATE) if (!explicit.has(name)) delete settings[name];
  return settings;
}

/** Fits and writes the state. */
export async function runFit(inputs: string[], options: FitFlags, io: Io, explicit: ReadonlySet<string> = new Set()): Promise<void> {
  const clash = FROM_STATE.find((name) => explicit.has(name));
  if (options.resume && clash) {
    throw new UsageError(`--${clash === 'affine' ? 'no-affine' : clash} cannot be combined with --resume: the resumed state's setting is used`);
  }
  const progress = startProgress(io.stderr, options.quiet ?? false, 'fitting');
  let samples: SampleCollector | undefined;
  let counted = false;
  try {
    const fitted = await fitState(inputs, {
      ...fitOptions(options, explicit),
      stdin: io.stdin,
      onWarning: (message) => progress.note(`bn1d: warning: ${message}\n`),
      onProgress: progress.shown
        ? (counts) => {
            if (!counted) progress.setTotal(counts.totalRows);
            counted = true;
            progress.update(counts);
          }
        : undefined,
    }, {
      spell: flagSpelling,
      beforeRead: (files) => checkStateTargets(files, options),
      samples: options.report ? (features) => (samples = new SampleCollector(features.length)) : undefined,
    });
    await writeState(fitted, outputTarget(options.state, io));
    const names = (fitted.fit as { inputs: string[] }).inputs;
    if (options.report) await writeReport(outputTarget(options.report, io), buildReport(fitted, samples, `bn1d fit of ${names.join(', ')}`, packageVersion()));
    const { batches, epochs } = fitted.fit as { batches: number; epochs: number };
    progress.done(`fitted ${countOf(fitted.features.length, 'feature')} over ${countOf(epochs, 'epoch')}, ${countOf(batches, 'batch', 'batches')}`);
  } catch (error) {
    progress.fail();
    throw error;
  }
}

/** The `fit` command. */
export function fitCommand(io: Io): Command {
  return new Command('fit')
    .description('fit BatchNorm1d running statistics over the inputs (training mode) and write them to a state file')
    .argument('<input...>', "Parquet or Arrow IPC files, dataset folders, quoted globs ('data/*.parquet') or http(s) URLs, read as one stream in this order ('-' = stdin)")
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
    .addOption(jobsOption())
    .addOption(headerOption())
    .addOption(quietOption())
    .addHelpText('after', EXAMPLES)
    .action(async (inputs: string[], options: FitFlags, command: Command) => {
      if (!options.shuffle && (given(command, 'seed') || given(command, 'shuffleBuffer'))) {
        throw new UsageError('--seed and --shuffle-buffer need --shuffle');
      }
      const explicit = new Set(FROM_STATE.filter((name) => given(command, name)));
      await runFit(inputs, options, io, explicit);
    });
}
