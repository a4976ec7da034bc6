/**
 * `bn1d fold`: the state of a fit from the batch moments that `bn1d map`
 * wrote for every shard of a plan. The batches are folded in stream order
 * with the fit's own update (batch-norm.ts updateRunningStats), epoch after
 * epoch, so the running statistics, num_batches_tracked and the trajectory
 * are those of `bn1d fit` with the same settings, bit for bit. Momentum,
 * eps, affine, epochs and --drop-last are the fold's: one map serves any.
 */
import { updateRunningStats } from '../core/batch-norm.js';
import type { Batch } from '../core/batcher.js';
import { DataError, UsageError } from '../core/errors.js';
import { countOf, formatCount } from '../core/format-count.js';
import { type BatchNormState, createState } from '../core/state.js';
import { type StateDocument, stateDocument } from '../core/state-json.js';
import { resumedState } from './fit.js';
import { MAX_TRAJECTORY_FEATURES, TrajectoryRecorder } from '../core/trajectory.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { RowOrigins } from '../io/dataset/row-origins.js';
import { type MomentsHeader, momentsHeader, readMoments } from './moments-file.js';
import { DEFAULTS, epsOption, integerOption, librarySpelling, momentumOption, type Spelling } from './options.js';
import type { PlanDocument } from './plan-document.js';
import { type ResolvedSources, resolveSources } from './sources.js';

/** Settings of a fold: `bn1d fold`'s flags in camelCase, as fit's. */
export interface FoldOptions {
  momentum?: number | null | undefined;
  eps?: number | undefined;
  affine?: boolean | undefined;
  epochs?: number | undefined;
  dropLast?: boolean | undefined;
  /** Start from this state (a path or its document): features (which must be the plan's), eps, momentum and affine come from it. */
  resume?: string | StateDocument | undefined;
  /** After every batch folded: batches so far, of all. */
  onProgress?: ((batches: number, of: number) => void) | undefined;
  /** What '-' reads (default process.stdin). */
  stdin?: (AsyncIterable<Uint8Array> & { isTTY?: boolean }) | undefined;
}

interface Part {
  /** As messages name it. */
  name: string;
  header: MomentsHeader;
  open: () => Promise<DatasetReader>;
}

/** Opens every moments file and puts them in shard order; every shard of one plan must be there once. */
async function shardFiles(sources: ResolvedSources): Promise<{ plan: PlanDocument; parts: Part[] }> {
  const byShard = new Map<number, Part>();
  let plan: PlanDocument | undefined;
  let planFrom = '';
  for (const source of sources.sources) {
    // Only the header is read now, and the file closed: a fold of thousands of shards holds one open at a time.
    const open = () => source.open(true);
    const reader = await open();
    let header: MomentsHeader;
    let own: PlanDocument;
    try {
      ({ header, plan: own } = momentsHeader(reader));
    } finally {
      await reader.close();
    }
    if (plan && own.fingerprint !== plan.fingerprint) {
      throw new DataError(`${reader.name} holds moments of another plan (${own.fingerprint.slice(0, 12)}) than ${planFrom} (${plan.fingerprint.slice(0, 12)}): fold the moments of one plan`);
    }
    plan ??= own;
    planFrom ||= reader.name;
    const twice = byShard.get(header.shard);
    if (twice) throw new DataError(`shard ${header.shard} is given twice: ${twice.name} and ${reader.name}`);
    byShard.set(header.shard, { name: reader.name, header, open });
  }
  const missing = plan!.shards.filter((s) => !byShard.has(s.shard));
  if (missing.length) {
    const list = missing.slice(0, 5).map((s) => `${s.shard} (batches ${formatCount(s.first_batch)} to ${formatCount(s.first_batch + s.batches - 1)})`).join(', ');
    throw new DataError(`${countOf(missing.length, 'shard')} of ${formatCount(plan!.shards.length)} missing: ${list}${missing.length > 5 ? ', ...' : ''}; run bn1d map --shard for ${missing.length === 1 ? 'it' : 'them'}`);
  }
  return { plan: plan!, parts: plan!.shards.map((s) => byShard.get(s.shard)!) };
}

async function initialState(plan: PlanDocument, options: FoldOptions, spell: Spelling): Promise<BatchNormState> {
  const features = plan.features.map((f) => f.name);
  if (options.resume === undefined) {
    return createState({ features, eps: epsOption(options.eps, spell), momentum: momentumOption(options.momentum, spell), affine: options.affine ?? DEFAULTS.affine });
  }
  const clash = (['momentum', 'eps', 'affine'] as const).find((name) => options[name] !== undefined);
  if (clash) throw new UsageError(`${spell(clash)} cannot be combined with ${spell('resume')}: the resumed state's setting is used`);
  const source = typeof options.resume === 'string' ? options.resume : 'the resumed state';
  const state = await resumedState(options.resume);
  if (state.features.join('\u0000') !== features.join('\u0000')) {
    throw new DataError(`${source} has the features ${state.features.join(', ')}, the plan ${features.join(', ')}: plan with -c ${state.features.join(',')}`);
  }
  return state;
}

/** Folds the moments files of every shard of a plan into the state a fit with these settings gives. */
export async function foldState(files: string | readonly string[], options: FoldOptions = {}, spell: Spelling = librarySpelling): Promise<BatchNormState> {
  const list = typeof files === 'string' ? [files] : files;
  const epochs = integerOption(options.epochs, 1, 'epochs', spell, DEFAULTS.epochs);
  const dropLast = options.dropLast ?? DEFAULTS.dropLast;
  const sources = await resolveSources([...list], options.stdin);
  try {
    const { plan, parts } = await shardFiles(sources);
    let state = await initialState(plan, options, spell);
    const channels = state.features.length;
    const recorder = channels <= MAX_TRAJECTORY_FEATURES ? new TrajectoryRecorder(channels, state.trajectory) : undefined;
    const origins = new RowOrigins();
    for (const input of plan.inputs) origins.start(input.name, input.start_row);
    const step = { describeRow: (row: number) => origins.describe(row) };
    const perEpoch = dropLast && plan.rows % plan.batch_size !== 0 ? plan.batches - 1 : plan.batches;
    if (perEpoch === 0) {
      throw new DataError(`no batch to train on: ${countOf(plan.rows, 'row')} ${plan.rows === 1 ? 'is' : 'are'} fewer than ${spell('batchSize')} ${formatCount(plan.batch_size)}, and ${spell('dropLast')} drops the short batch`);
    }
    let batches = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      recorder?.startEpoch(state);
      for (const part of parts) {
        const reader = await part.open();
        try {
          for await (const m of readMoments(reader, part.header, plan)) {
            if (m.index >= perEpoch) continue;
            if (m.error !== undefined) throw new DataError(m.error);
            const batch: Batch = { index: m.index, startRow: m.startRow, rows: m.rows, columns: [] };
            state = updateRunningStats(state, batch, m, step);
            recorder?.record(state);
            batches++;
            options.onProgress?.(batches, perEpoch * epochs);
          }
        } finally {
          await reader.close();
        }
      }
    }
    const fit = {
      batch_size: plan.batch_size, epochs, drop_last: dropLast, nan: plan.nan, rows: plan.rows, batches, inputs: plan.given,
      ...(plan.expanded ? { files: plan.inputs.length } : {}),
      ...(typeof options.resume === 'string' ? { resumed_from: options.resume } : {}),
      folded: { plan: plan.fingerprint, shards: plan.shards.length },
    };
    return { ...state, trajectory: recorder?.finish(state), fit };
  } finally {
    sources.dispose();
  }
}

/** fold() for the library: the state file's document. */
export async function fold(files: string | readonly string[], options: FoldOptions = {}): Promise<StateDocument> {
  return stateDocument(await foldState(files, options));
}
