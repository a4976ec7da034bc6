/**
 * A fit: BatchNorm1d running statistics over inputs read as one stream, in
 * batches of a fixed size, for one or more epochs (SPEC.md, "fit"). This is
 * what `bn1d fit` and the library's fit() run.
 */
import { DataError, UsageError } from '../core/errors.js';
import { type BatchNormState, createState } from '../core/state.js';
import { stateFromDocument, type StateDocument, stateDocument } from '../core/state-json.js';
import { defaultFeatureNames, resolveFeatures } from '../io/dataset/select-features.js';
import { readStateFile } from '../io/files/state-file.js';
import { type EpochCounts, runEpochs } from './epochs.js';
import { InputSeries } from './input-series.js';
import {
  checkColumnNames, checkSelection, choiceOption, DEFAULTS, epsOption, type HttpHeaders, httpSession, integerOption, jobsOption, librarySpelling, momentumOption,
  type NanOption, namesOption, type OptionName, type SelectionOptions, type Spelling,
} from './options.js';
import type { SampleCollector } from './report-data.js';
import { randomSeed } from './shuffled-inputs.js';
import { type Inputs, resolveSources } from './sources.js';
import { DataWarnings, type WarningHandler } from './warnings.js';

/** Where a fit is, after each chunk of rows it reads. */
export interface FitProgress extends EpochCounts {
  /** Rows the whole fit reads (every epoch), when the inputs say so up front. */
  totalRows: number | undefined;
}

/** Settings of a fit: the flags of `bn1d fit`, in camelCase, with the same defaults. */
export interface FitOptions extends SelectionOptions {
  /** Rows per batch (default 256). */
  batchSize?: number | undefined;
  /** Passes over the inputs (default 1). */
  epochs?: number | undefined;
  /** EMA factor in (0, 1] (default 0.1), or null for a cumulative average. */
  momentum?: number | null | undefined;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number | undefined;
  /** Whether the state has weight and bias (default true). */
  affine?: boolean | undefined;
  /** Skip a final batch shorter than batchSize, every epoch. */
  dropLast?: boolean | undefined;
  /** NaN and ±Infinity in a feature: an error (default), or skipped like nulls. */
  nan?: NanOption | undefined;
  /** Visit the rows in a new seeded order every epoch. */
  shuffle?: boolean | undefined;
  /** Seed of the shuffle, 0 to 2^32 - 1 (default: a random one, recorded in the state). */
  seed?: number | undefined;
  /** Rows shuffled together (default 262,144). */
  shuffleBuffer?: number | undefined;
  /** Start from this state (a state file's path, or its document): features, eps, momentum and affine come from it. */
  resume?: string | StateDocument | undefined;
  /** Threads to read and train on (default: one per core); the state is the same for any number. */
  jobs?: number | undefined;
  /** Stops the fit between chunks; the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Called after every chunk of rows read. */
  onProgress?: ((progress: FitProgress) => void) | undefined;
  /** Called once for each thing worth a warning (integers beyond 2^53, a lossy input type, ...). */
  onWarning?: WarningHandler | undefined;
  /** What the input '-' reads (default process.stdin). */
  stdin?: (AsyncIterable<Uint8Array> & { isTTY?: boolean }) | undefined;
  /** Request headers for inputs that are http(s) URLs, by name (`{ Authorization: 'Bearer ...' }`). */
  headers?: HttpHeaders | undefined;
}

/** What the CLI adds to a fit: its spelling of settings, and a sample of the values for a report. */
export interface FitExtras {
  spell?: Spelling;
  /** Checks the files the inputs stand for, before any is read (the CLI refuses a state or report path that is one of them). */
  beforeRead?: (files: readonly string[]) => Promise<void>;
  samples?: (features: readonly string[]) => SampleCollector;
}

/** Settings --resume takes from the state. */
const FROM_STATE = ['columns', 'exclude', 'momentum', 'eps', 'affine'] as const satisfies readonly OptionName[];

function checkOptions(options: FitOptions, spell: Spelling): void {
  if (options.resume !== undefined) {
    const clash = FROM_STATE.find((name) => options[name] !== undefined);
    if (clash) throw new UsageError(`${spell(clash)} cannot be combined with ${spell('resume')}: the resumed state's setting is used`);
  }
  if (!options.shuffle && (options.seed !== undefined || options.shuffleBuffer !== undefined)) {
    throw new UsageError(`${spell('seed')} and ${spell('shuffleBuffer')} need ${spell('shuffle')}`);
  }
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed < 2 ** 32)) {
    throw new UsageError(`${spell('seed')} must be an integer from 0 to 4294967295 (got ${options.seed})`);
  }
  checkSelection(options, spell);
}

async function initialState(series: InputSeries, options: FitOptions, spell: Spelling): Promise<BatchNormState> {
  if (options.resume !== undefined) return resumedState(options.resume);
  const features = await selectFeatures(series, options, spell);
  return createState({ features, eps: epsOption(options.eps, spell), momentum: momentumOption(options.momentum, spell), affine: options.affine ?? DEFAULTS.affine });
}

/** The state a fit (or a fold) resumes from: a state file's path or its document, with running statistics. */
export async function resumedState(resume: string | StateDocument): Promise<BatchNormState> {
  const source = typeof resume === 'string' ? resume : 'the resumed state';
  const state = typeof resume === 'string' ? await readStateFile(resume) : stateFromDocument(resume, source);
  if (!state.trackRunningStats) throw new DataError(`${source}: the state has no running statistics to resume (track_running_stats is false)`);
  return state;
}

/** The features --columns and --exclude select, checked against the first input's schema. */
export async function selectFeatures(series: InputSeries, options: SelectionOptions, spell: Spelling): Promise<string[]> {
  const columns = namesOption(options.columns, 'columns', spell);
  const exclude = namesOption(options.exclude, 'exclude', spell);
  const first = await series.first();
  checkColumnNames(first.schema, columns, first.name, 'columns', spell);
  checkColumnNames(first.schema, exclude, first.name, 'exclude', spell);
  const features = columns ?? defaultFeatureNames(first.schema, exclude ?? [], first.name);
  resolveFeatures(first.schema, features, first.name);
  return features;
}

/** Fits a state over the inputs; the state keeps the internal shape (typed arrays), with the fit's record in `fit`. */
export async function fitState(inputs: Inputs, options: FitOptions = {}, extras: FitExtras = {}): Promise<BatchNormState> {
  const spell = extras.spell ?? librarySpelling;
  checkOptions(options, spell);
  const batchSize = integerOption(options.batchSize, 1, 'batchSize', spell, DEFAULTS.batchSize);
  const epochs = integerOption(options.epochs, 1, 'epochs', spell, DEFAULTS.epochs);
  const nan = choiceOption(options.nan, ['error', 'skip'], 'nan', spell, DEFAULTS.nan);
  const dropLast = options.dropLast ?? DEFAULTS.dropLast;
  const jobs = jobsOption(options.jobs, spell);
  const shuffle = options.shuffle
    ? { seed: options.seed ?? randomSeed(), buffer: integerOption(options.shuffleBuffer, 2, 'shuffleBuffer', spell, DEFAULTS.shuffleBuffer) }
    : undefined;
  options.signal?.throwIfAborted();
  const sources = await resolveSources(inputs, options.stdin, httpSession(options.headers, spell));
  const series = new InputSeries(sources, epochs > 1, new DataWarnings(options.onWarning));
  try {
    await extras.beforeRead?.(sources.sources.flatMap((s) => (s.path === undefined ? [] : [s.path])));
    const initial = await initialState(series, options, spell);
    const onProgress = options.onProgress;
    let totalRows: number | undefined;
    if (onProgress) {
      const perPass = await series.rowsPerPass();
      totalRows = perPass === undefined ? undefined : perPass * epochs;
    }
    const samples = extras.samples?.(initial.features);
    const { state, rows, batches } = await runEpochs(series, initial, {
      batchSize, epochs, dropLast, nan, shuffle, samples, signal: options.signal, spell, jobs,
      onProgress: onProgress && ((counts) => onProgress({ ...counts, totalRows })),
    });
    // A stop asked for during the last chunk is a stop all the same.
    options.signal?.throwIfAborted();
    const fit = {
      batch_size: batchSize,
      epochs,
      drop_last: dropLast,
      nan,
      rows,
      batches,
      inputs: series.names,
      // A folder or a glob does not say how many files it held at the time.
      ...(sources.expanded ? { files: series.count } : {}),
      ...(shuffle ? { shuffle } : {}),
      ...(typeof options.resume === 'string' ? { resumed_from: options.resume } : {}),
    };
    return { ...state, fit };
  } finally {
    await series.close();
    sources.dispose();
  }
}

/** Fits BatchNorm1d running statistics over the inputs; resolves to the state file's document. */
export async function fit(inputs: Inputs, options: FitOptions = {}): Promise<StateDocument> {
  return stateDocument(await fitState(inputs, options));
}
