/**
 * The version-1 state file (SPEC.md, "The state file"): JSON text to and
 * from a BatchNormState, with every float64 reading back bit for bit.
 */
import { DataError } from './errors.js';
import { type BatchNormState, validateState } from './state.js';
import type { TrajectoryRecord } from './trajectory.js';

/** The `format` tag of a state file. */
export const STATE_FORMAT = 'bn1d-state';
/** The state file version this code writes and reads. */
export const STATE_VERSION = 1;

/** A version-1 state file as a JSON value: what formatState writes and parseState reads (SPEC.md, "The state file"). */
export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  features: string[];
  num_features: number;
  eps: number;
  momentum: number | null;
  affine: boolean;
  track_running_stats: boolean;
  running_mean: number[] | null;
  running_var: number[] | null;
  weight: number[] | null;
  bias: number[] | null;
  num_batches_tracked: number | null;
  fit?: Record<string, unknown>;
  trajectory?: { batches: number[]; epoch_starts: number[]; running_mean: number[][]; running_var: number[][] };
}

/**
 * Shortest text that reads back to the same float64. JSON has no -0, so
 * negative zero is written "-0.0", which JSON readers (JS and Python) keep.
 */
function formatNumber(x: number): string {
  if (!Number.isFinite(x)) throw new DataError(`cannot write ${x} to a state file`);
  return Object.is(x, -0) ? '-0.0' : String(x);
}

function formatVector(values: Float64Array | null): string {
  return values === null ? 'null' : `[${Array.from(values, formatNumber).join(', ')}]`;
}

/** The state as version-1 JSON text: one field per line, vectors on one line. */
export function formatState(state: BatchNormState): string {
  validateState(state);
  const fields: [string, string][] = [
    ['format', JSON.stringify(STATE_FORMAT)],
    ['version', String(STATE_VERSION)],
    ['features', JSON.stringify(state.features)],
    ['num_features', String(state.features.length)],
    ['eps', formatNumber(state.eps)],
    ['momentum', state.momentum === null ? 'null' : formatNumber(state.momentum)],
    ['affine', String(state.affine)],
    ['track_running_stats', String(state.trackRunningStats)],
    ['running_mean', formatVector(state.runningMean)],
    ['running_var', formatVector(state.runningVar)],
    ['weight', formatVector(state.weight)],
    ['bias', formatVector(state.bias)],
    ['num_batches_tracked', state.numBatchesTracked === null ? 'null' : String(state.numBatchesTracked)],
  ];
  if (state.fit !== undefined) fields.push(['fit', JSON.stringify(state.fit)]);
  const t = state.trajectory;
  if (t) {
    const paths = (name: string, p: number[][]) => `"${name}": [\n${p.map((row) => `    ${JSON.stringify(row)}`).join(',\n')}\n  ]`;
    fields.push(['trajectory', `{"batches": ${JSON.stringify(t.batches)}, "epoch_starts": ${JSON.stringify(t.epochStarts)},\n  ${paths('running_mean', t.runningMean)},\n  ${paths('running_var', t.runningVar)}}`]);
  }
  return `{\n${fields.map(([key, text]) => `  ${JSON.stringify(key)}: ${text}`).join(',\n')}\n}\n`;
}

/** The state as the document its file holds: the same fields and numbers, as plain JSON values. */
export function stateDocument(state: BatchNormState): StateDocument {
  return JSON.parse(formatState(state)) as StateDocument;
}

/**
 * A state from version-1 JSON text. Unknown fields are ignored; an unknown
 * version, a missing or mistyped field, or values that break the state's
 * invariants throw a DataError that starts with `source`.
 */
export function parseState(text: string, source = 'state'): BatchNormState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return stateFromDocument(doc, source);
}

/** A state from a parsed state file (or a document built like one), checked as parseState checks the text. */
export function stateFromDocument(doc: unknown, source = 'state'): BatchNormState {
  const fail = (what: string): never => {
    throw new DataError(`${source}: ${what}`);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('not a bn1d state file (expected a JSON object)');
  const obj = doc as Record<string, unknown>;
  if (obj.format !== STATE_FORMAT) fail(`not a bn1d state file ("format" is ${JSON.stringify(obj.format) ?? 'missing'}, expected "${STATE_FORMAT}")`);
  if (obj.version !== STATE_VERSION) {
    fail(`state file version ${JSON.stringify(obj.version) ?? '(missing)'} is not supported: this bn1d reads version ${STATE_VERSION}`);
  }
  const has = (key: string): unknown => {
    if (!(key in obj)) fail(`field "${key}" is missing`);
    return obj[key];
  };
  const features = has('features');
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) fail('"features" must be an array of strings');
  const names = features as string[];
  const count = has('num_features');
  if (count !== names.length) fail(`"num_features" is ${JSON.stringify(count)} but "features" lists ${names.length}`);
  const number = (key: string): number => {
    const value = has(key);
    if (typeof value !== 'number') fail(`"${key}" must be a number (got ${JSON.stringify(value)})`);
    return value as number;
  };
  const boolean = (key: string): boolean => {
    const value = has(key);
    if (typeof value !== 'boolean') fail(`"${key}" must be true or false (got ${JSON.stringify(value)})`);
    return value as boolean;
  };
  const vector = (key: string): Float64Array | null => {
    const value = has(key);
    if (value === null) return null;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) fail(`"${key}" must be an array of numbers or null`);
    return Float64Array.from(value as number[]);
  };
  const momentum = has('momentum');
  if (momentum !== null && typeof momentum !== 'number') fail(`"momentum" must be a number or null (got ${JSON.stringify(momentum)})`);
  const nbt = has('num_batches_tracked');
  if (nbt !== null && typeof nbt !== 'number') fail(`"num_batches_tracked" must be a number or null (got ${JSON.stringify(nbt)})`);
  const fit = obj.fit;
  const trajectory = obj.trajectory === undefined ? undefined : parseTrajectory(obj.trajectory, names.length, fail);
  const state: BatchNormState = {
    features: names,
    eps: number('eps'),
    momentum: momentum as number | null,
    affine: boolean('affine'),
    trackRunningStats: boolean('track_running_stats'),
    runningMean: vector('running_mean'),
    runningVar: vector('running_var'),
    weight: vector('weight'),
    bias: vector('bias'),
    numBatchesTracked: nbt as number | null,
    fit: typeof fit === 'object' && fit !== null && !Array.isArray(fit) ? (fit as Record<string, unknown>) : undefined,
    trajectory,
  };
  validateState(state, source);
  return state;
}

/** The optional trajectory: point arrays that agree in length, one path per feature. */
function parseTrajectory(value: unknown, features: number, fail: (what: string) => never): TrajectoryRecord {
  const t = value as Record<string, unknown>;
  const numbers = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (typeof t !== 'object' || t === null || !numbers(t.batches) || !numbers(t.epoch_starts)) fail('"trajectory" must hold "batches" and "epoch_starts" arrays of numbers');
  const paths = (key: string): number[][] => {
    const p = t[key];
    if (!Array.isArray(p) || p.length !== features || !p.every((row) => numbers(row) && row.length === (t.batches as number[]).length)) {
      fail(`"trajectory.${key}" must hold one array of ${(t.batches as number[]).length} numbers per feature`);
    }
    return p as number[][];
  };
  return { batches: t.batches as number[], epochStarts: t.epoch_starts as number[], runningMean: paths('running_mean'), runningVar: paths('running_var') };
}
