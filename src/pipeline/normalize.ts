/**
 * The apply stream: record batches in, the same batches out with their
 * feature columns normalized (SPEC.md, "apply"): eval mode with the state's
 * running statistics, or train mode, where every batch of `batchSize` rows
 * is normalized by its own statistics. Every other column passes through
 * untouched. This is what `bn1d apply` and the library's normalize() run.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { normalizeBatch } from '../core/normalize.js';
import { UsageError } from '../core/errors.js';
import { formatCount } from '../core/format-count.js';
import { type BatchNormState, createState } from '../core/state.js';
import { stateFromDocument, type StateDocument } from '../core/state-json.js';
import { TrainStream } from '../core/train-stream.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { type Feature, type FeatureDtype, featureChunk, outputArray, outputSchema, replaceFeatures } from '../io/dataset/features.js';
import { defaultFeatureNames, resolveFeatures } from '../io/dataset/select-features.js';
import { readStateFile } from '../io/files/state-file.js';
import {
  checkColumnNames, checkSelection, choiceOption, DEFAULTS, epsOption, integerOption, librarySpelling, type NanOption, namesOption,
  type SelectionOptions, type Spelling,
} from './options.js';
import { type BatchStream, type Inputs, resolveSources, type TableLike } from './sources.js';
import { DataWarnings, type WarningHandler } from './warnings.js';

/** Settings of a normalization: the flags of `bn1d apply` that concern the values. */
export interface NormalizeOptions extends SelectionOptions {
  /** eval (default): the state's running statistics; train: each batch's own statistics. */
  mode?: 'eval' | 'train' | undefined;
  /** Rows per batch in train mode (default 256). */
  batchSize?: number | undefined;
  /** eps of a state made for train mode without one (default 1e-5). */
  eps?: number | undefined;
  /** Type of the normalized columns (default: float64 for float64 columns, float32 for all others). */
  dtype?: FeatureDtype | undefined;
  /** NaN and ±Infinity in a feature: an error (default), or left as they are like nulls. */
  nan?: NanOption | undefined;
  /** Stops between batches; the iteration throws the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Called after every batch written, with the rows so far. */
  onProgress?: ((progress: { rows: number; totalRows: number | undefined }) => void) | undefined;
  /** Called once for each thing worth a warning. */
  onWarning?: WarningHandler | undefined;
  /** Called once the features are known, before any row is read: their names, and the output's schema. */
  onStart?: ((start: { features: readonly string[]; schema: Schema }) => void) | undefined;
}

/** A state as the library takes it: a state file's path, its document, or none (train mode). */
export type StateInput = string | StateDocument | null | undefined;

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

/** A normalization set up for one input: the output's schema, and its batches. */
export interface Normalization {
  readonly schema: Schema;
  readonly features: readonly Feature[];
  /** In eval mode, the state and NaN policy it normalizes with (each value on its own, so any column can go alone). */
  readonly evalMode: { readonly state: BatchNormState; readonly nan: NanOption } | undefined;
  batches(): AsyncGenerator<RecordBatch>;
}

/** The state to normalize with: the one given, or (train mode without one) a fresh one over the selected columns. */
async function loadState(reader: DatasetReader, state: StateInput, options: NormalizeOptions, spell: Spelling): Promise<BatchNormState> {
  const columns = namesOption(options.columns, 'columns', spell);
  if (typeof state === 'string') return readStateFile(state, { features: columns, featuresFlag: spell('columns') });
  if (state) return stateFromDocument(state);
  const exclude = namesOption(options.exclude, 'exclude', spell);
  const features = columns ?? defaultFeatureNames(reader.schema, exclude ?? [], reader.name);
  return createState({ features, eps: epsOption(options.eps, spell) });
}

/** Checks the settings against the state given: a state brings its features and eps. */
function checkSettings(state: StateInput, options: NormalizeOptions, spell: Spelling, safetensors: boolean): 'eval' | 'train' {
  const mode = choiceOption(options.mode, ['eval', 'train'], 'mode', spell, 'eval');
  if (mode === 'eval' && !state) {
    throw new UsageError(`${spell('state')} is required in eval mode (or pass ${spell('mode')} train to normalize each batch with its own statistics)`);
  }
  if (state) {
    // A safetensors state_dict from PyTorch names no features: columns may name them (the reader refuses it for files that do).
    const clash = (['columns', 'exclude', 'eps'] as const).find((name) => options[name] !== undefined && !(name === 'columns' && safetensors));
    if (clash) throw new UsageError(`${spell(clash)} cannot be combined with ${spell('state')}: the features and eps come from the state`);
  }
  checkSelection(options, spell);
  return mode;
}

/** Sets up the normalization of `reader`'s batches with `state`. */
export async function prepareNormalization(
  reader: DatasetReader, state: StateInput, options: NormalizeOptions, spell: Spelling, where: { safetensors?: boolean; describeRow?: (row: number) => string; warnings?: DataWarnings } = {},
): Promise<Normalization> {
  const mode = checkSettings(state, options, spell, where.safetensors ?? false);
  checkColumnNames(reader.schema, options.columns, reader.name, 'columns', spell);
  checkColumnNames(reader.schema, options.exclude, reader.name, 'exclude', spell);
  const loaded = await loadState(reader, state, options, spell);
  const batchStats = mode === 'train' || !loaded.trackRunningStats;
  if (!batchStats && options.batchSize !== undefined) throw new UsageError(`${spell('batchSize')} applies only to ${spell('mode')} train (or a state without running statistics)`);
  const batchSize = integerOption(options.batchSize, 1, 'batchSize', spell, DEFAULTS.batchSize);
  const nan = choiceOption(options.nan, ['error', 'skip'], 'nan', spell, DEFAULTS.nan);
  const dtype = choiceOption(options.dtype, ['float32', 'float64'], 'dtype', spell);
  const features = resolveFeatures(reader.schema, loaded.features, reader.name, dtype);
  const schema = outputSchema(reader.schema, features);
  options.onStart?.({ features: loaded.features, schema });
  const warnings = where.warnings ?? new DataWarnings(options.onWarning);
  if (!where.warnings) warnings.opened(reader);
  async function* batches(): AsyncGenerator<RecordBatch> {
    const describeRow = where.describeRow ?? ((row: number) => `row ${formatCount(row)} of ${reader.name}`);
    const step = { nan, describeRow };
    const out = (batch: RecordBatch, outs: (Float32Array | Float64Array)[]) => replaceFeatures(batch, schema, features, outs);
    const stream = batchStats ? new TrainStream<[RecordBatch, (Float32Array | Float64Array)[]]>(loaded, batchSize, step) : undefined;
    let rows = 0;
    let index = 0;
    for await (const batch of sliced(reader.batches(), SLICE_ROWS)) {
      options.signal?.throwIfAborted();
      warnings.check(batch, features, reader.name);
      const chunk = featureChunk(batch, features);
      const outs = chunk.columns.map((column, k) => outputArray(column, features[k]!));
      if (stream) {
        for (const [done, doneOuts] of stream.push(chunk, outs, [batch, outs])) yield out(done, doneOuts);
      } else {
        normalizeBatch(loaded, { ...chunk, index: index++, startRow: rows }, outs, step);
        yield out(batch, outs);
      }
      rows += batch.numRows;
      options.onProgress?.({ rows, totalRows: reader.numRows });
    }
    if (stream) for (const [done, doneOuts] of stream.finish()) yield out(done, doneOuts);
  }
  return { schema, features, batches, evalMode: batchStats ? undefined : { state: loaded, nan } };
}

/**
 * Normalizes record batches (a Table, an array or an (async) iterable of
 * them) with a state; yields apache-arrow record batches with the same
 * columns, the features replaced, every other column as it was.
 */
export async function* normalize(source: TableLike | readonly RecordBatch[] | BatchStream, state: StateInput, options: NormalizeOptions = {}): AsyncGenerator<RecordBatch> {
  const sources = await resolveSources(source as Inputs);
  const reader = await sources.sources[0]!.open(false);
  try {
    const normalization = await prepareNormalization(reader, state, options, librarySpelling);
    yield* normalization.batches();
  } finally {
    await reader.close();
    sources.dispose();
  }
}
