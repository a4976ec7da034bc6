/**
 * A BatchNormState as a PyTorch `state_dict` in safetensors: the tensors
 * `weight`, `bias`, `running_mean`, `running_var` and `num_batches_tracked`
 * under a key prefix, plus metadata naming the features, eps and momentum
 * (which PyTorch's state_dict does not store).
 */
import { DataError, UsageError } from '../../core/errors.js';
import { formatCount } from '../../core/format-count.js';
import { type BatchNormState, validateState } from '../../core/state.js';
import { bn1dMetadata, bn1dSettings } from './metadata.js';
import { parseSafetensors, type SafetensorsTensor } from './read.js';
import { FLOAT_DTYPES, encodeFloats, encodeInt64, tensorNumbers } from './values.js';
import { formatSafetensors } from './write.js';

/** How to write a state as safetensors. */
export interface ExportOptions {
  /** Element type of the float tensors (num_batches_tracked is always I64). */
  dtype: 'float32' | 'float64';
  /** Put before every key, such as "bn." for a module's child; a missing trailing dot is added. */
  prefix?: string;
}

/** How to read a state from safetensors; unset settings come from bn1d's metadata, else PyTorch's defaults. */
export interface ImportOptions {
  /** Key prefix of the layer; found by looking at the keys when unset. */
  prefix?: string;
  /** Feature names in channel order. */
  features?: readonly string[];
  /** How the caller names its setting that gives `features`, for messages (without one, the error carries the hint `import-features`). */
  featuresFlag?: string;
  /** Whether `features` may rename the features a bn1d export names (else only name unnamed ones). */
  renames?: boolean;
  eps?: number;
  momentum?: number | null;
}

/** "bn" and "bn." both mean the prefix "bn."; "" is no prefix. */
export function normalizePrefix(prefix: string | undefined): string {
  return !prefix || prefix.endsWith('.') ? (prefix ?? '') : `${prefix}.`;
}

/** The state as the bytes of a safetensors file that `BatchNorm1d.load_state_dict(strict=True)` accepts. */
export function stateToSafetensors(state: BatchNormState, options: ExportOptions, source = 'state'): Uint8Array {
  validateState(state, source);
  if (!state.affine && !state.trackRunningStats) {
    throw new DataError(`${source}: the state has neither weight and bias nor running statistics: nothing to export`);
  }
  const prefix = normalizePrefix(options.prefix);
  const dtype = options.dtype === 'float64' ? 'F64' : 'F32';
  // What the file will hold, as float64: float32 rounding must not break the state (overflow to Infinity, say).
  const stored = (values: Float64Array | null) => (values && dtype === 'F32' ? Float64Array.from(values, Math.fround) : values);
  const written: BatchNormState = {
    ...state,
    runningMean: stored(state.runningMean),
    runningVar: stored(state.runningVar),
    weight: stored(state.weight),
    bias: stored(state.bias),
  };
  validateState(written, `${source} as ${options.dtype}`);
  const tensors: SafetensorsTensor[] = [];
  const vector = (name: string, values: Float64Array | null) => {
    if (values) tensors.push({ name: prefix + name, dtype, shape: [values.length], bytes: encodeFloats(values, dtype) });
  };
  vector('weight', written.weight);
  vector('bias', written.bias);
  vector('running_mean', written.runningMean);
  vector('running_var', written.runningVar);
  if (state.numBatchesTracked !== null) tensors.push({ name: `${prefix}num_batches_tracked`, dtype: 'I64', shape: [], bytes: encodeInt64(state.numBatchesTracked) });
  return formatSafetensors(tensors, bn1dMetadata(state));
}

const KEYS = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'] as const;

/** Prefixes of BatchNorm layers in a state_dict: those with running_mean, else those with a 1-D weight. */
export function findPrefixes(names: Iterable<string>, shapes: (name: string) => readonly number[]): string[] {
  const under = (key: string) => [...names].filter((n) => n === key || n.endsWith(`.${key}`)).map((n) => n.slice(0, n.length - key.length));
  const withStats = under('running_mean');
  return withStats.length > 0 ? withStats : under('weight').filter((p) => shapes(`${p}weight`).length === 1);
}

/** Reads a state from the bytes of a safetensors file, as PyTorch's `load_state_dict` would, and validates it. */
export function stateFromSafetensors(file: Uint8Array, source: string, options: ImportOptions = {}): BatchNormState {
  const { tensors, metadata } = parseSafetensors(file, source);
  const fail = (what: string): never => {
    throw new DataError(`${source}: ${what}`);
  };
  const prefix = options.prefix === undefined ? pickPrefix([...tensors.keys()], (n) => tensors.get(n)!.shape, source) : normalizePrefix(options.prefix);
  const get = (key: (typeof KEYS)[number]) => tensors.get(prefix + key);
  if (!KEYS.some((key) => get(key))) {
    fail(`no tensor ${prefix}weight, ${prefix}running_mean or other BatchNorm1d key${prefix ? ` under the prefix "${prefix}"` : ''}`);
  }
  const vector = (key: (typeof KEYS)[number]): Float64Array | null => {
    const tensor = get(key);
    if (!tensor) return null;
    if (tensor.shape.length !== 1) fail(`tensor "${tensor.name}" has shape [${tensor.shape.join(', ')}]; a BatchNorm1d ${key} has one value per feature, shape [C]`);
    return tensorNumbers(tensor, FLOAT_DTYPES, source);
  };
  const [weight, bias, runningMean, runningVar] = [vector('weight'), vector('bias'), vector('running_mean'), vector('running_var')];
  if (!weight !== !bias) fail(`"${prefix}${weight ? 'weight' : 'bias'}" is there without "${prefix}${weight ? 'bias' : 'weight'}": an affine layer has both`);
  if (!runningMean !== !runningVar) fail(`"${prefix}${runningMean ? 'running_mean' : 'running_var'}" is there without "${prefix}${runningMean ? 'running_var' : 'running_mean'}"`);
  const nbtTensor = get('num_batches_tracked');
  if (nbtTensor && !runningMean) fail(`"${nbtTensor.name}" is there without running_mean and running_var`);
  let numBatchesTracked: number | null = null;
  if (runningMean) {
    // Like PyTorch, a state_dict from before num_batches_tracked existed loads with 0.
    numBatchesTracked = 0;
    if (nbtTensor) {
      if (nbtTensor.shape.length !== 0) fail(`tensor "${nbtTensor.name}" has shape [${nbtTensor.shape.join(', ')}]; expected a scalar, shape []`);
      numBatchesTracked = tensorNumbers(nbtTensor, ['I64', 'I32', ...FLOAT_DTYPES], source)[0]!;
    }
  }
  const channels = (weight ?? runningMean)!.length;
  const exported = bn1dSettings(metadata, source);
  const state: BatchNormState = {
    features: featureNames(exported?.features, channels, prefix, source, options),
    eps: options.eps ?? exported?.eps ?? 1e-5,
    momentum: options.momentum !== undefined ? options.momentum : exported ? exported.momentum : 0.1,
    affine: weight !== null,
    trackRunningStats: runningMean !== null,
    runningMean,
    runningVar,
    weight,
    bias,
    numBatchesTracked,
    fit: { ...exported?.fit, imported_from: source, ...(prefix ? { prefix } : {}) },
  };
  validateState(state, source);
  return state;
}

function pickPrefix(names: string[], shapes: (name: string) => readonly number[], source: string): string {
  const found = findPrefixes(names, shapes);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new DataError(`${source}: no BatchNorm1d tensors (running_mean, or a 1-D weight) in the file`);
  const listed = found.map((p) => JSON.stringify(p)).join(', ');
  throw new UsageError(`${source} holds ${formatCount(found.length)} BatchNorm layers, with the prefixes ${listed}`, { hint: 'import-prefix' });
}

function featureNames(named: readonly string[] | undefined, channels: number, prefix: string, source: string, options: ImportOptions): string[] {
  const flag = options.featuresFlag ?? 'features';
  const given = options.features;
  if (given && named && !options.renames) throw new UsageError(`${flag} cannot be combined with the state ${source}: it names its features (${named.join(', ')})`);
  const features = given ?? named;
  if (!features) {
    const needed = `${formatCount(channels)} column names in channel order`;
    if (options.featuresFlag) throw new UsageError(`${source} does not name its features (PyTorch's state_dict has no column names): pass ${flag} with ${needed}`);
    throw new UsageError(`${source} does not name its features (PyTorch's state_dict has no column names), and needs ${needed}`, { hint: 'import-features' });
  }
  if (features.length !== channels) {
    const what = given ? `${flag} lists` : 'its metadata names';
    throw new (given ? UsageError : DataError)(`${source}: ${what} ${formatCount(features.length)} features, but the tensors${prefix ? ` under "${prefix}"` : ''} hold ${formatCount(channels)} channels`);
  }
  return [...features];
}
