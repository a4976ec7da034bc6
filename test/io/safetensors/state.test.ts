/** A BatchNormState as a PyTorch state_dict in safetensors, and back: keys, prefixes, settings, and refusals. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Bn1dError, DataError, UsageError } from '../../../src/core/errors.js';
import { type BatchNormState, createState } from '../../../src/core/state.js';
import { parseSafetensors, type SafetensorsTensor } from '../../../src/io/safetensors/read.js';
import { encodeFloats, encodeInt64 } from '../../../src/io/safetensors/values.js';
import { formatSafetensors } from '../../../src/io/safetensors/write.js';
import { findPrefixes, type ImportOptions, stateFromSafetensors, stateToSafetensors } from '../../../src/io/safetensors/state.js';
import { ROOT } from '../../helpers/cli.js';

const fitted: BatchNormState = {
  ...createState({ features: ['a', 'b', 'c'], eps: 1e-3, momentum: null }),
  runningMean: Float64Array.of(0.1, -2.5e-7, 1e8 + 0.5),
  runningVar: Float64Array.of(1 / 3, 2e-12, 7e10),
  weight: Float64Array.of(0.7, -1.25, Math.PI),
  bias: Float64Array.of(-0, 0.2, -3),
  numBatchesTracked: 41,
  fit: { batch_size: 32, inputs: ['x.parquet'] },
};

const f = (name: string, values: number[], dtype: 'F32' | 'F64' = 'F32'): SafetensorsTensor => ({ name, dtype, shape: [values.length], bytes: encodeFloats(Float64Array.from(values), dtype) });
const nbt = (name: string, value: number): SafetensorsTensor => ({ name, dtype: 'I64', shape: [], bytes: encodeInt64(value) });

/** A PyTorch-style state_dict file (no metadata) under `prefix`. */
function torchFile(prefix = '', extra: SafetensorsTensor[] = []): Uint8Array {
  return formatSafetensors([
    f(`${prefix}weight`, [1, 2]),
    f(`${prefix}bias`, [0.5, -0.5]),
    f(`${prefix}running_mean`, [3, 4]),
    f(`${prefix}running_var`, [0.25, 9]),
    nbt(`${prefix}num_batches_tracked`, 12),
    ...extra,
  ]);
}

const read = (bytes: Uint8Array, options: ImportOptions = {}) => stateFromSafetensors(bytes, 'in.safetensors', options);

/** The error a read throws. */
function refusal(bytes: Uint8Array, options: ImportOptions = {}): Error {
  try {
    read(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('read without an error');
}

describe('export', () => {
  test('float64: every value, eps, momentum, features and the fit come back exactly, and re-export gives the same bytes', () => {
    const bytes = stateToSafetensors(fitted, { dtype: 'float64' });
    const back = read(bytes);
    for (const key of ['runningMean', 'runningVar', 'weight', 'bias'] as const) expect(Array.from(back[key]!)).toEqual(Array.from(fitted[key]!));
    expect(Object.is(back.bias![0], -0)).toBe(true);
    expect([back.eps, back.momentum, back.features, back.numBatchesTracked, back.affine]).toEqual([1e-3, null, ['a', 'b', 'c'], 41, true]);
    expect(back.fit).toEqual({ batch_size: 32, inputs: ['x.parquet'], imported_from: 'in.safetensors' });
    expect(stateToSafetensors({ ...back, fit: fitted.fit }, { dtype: 'float64' })).toEqual(bytes);
  });

  test('keys and dtypes are those of PyTorch state_dict; float32 values are the nearest float32', () => {
    const parsed = parseSafetensors(stateToSafetensors(fitted, { dtype: 'float32', prefix: 'encoder.bn' }), 'x');
    expect(Object.fromEntries([...parsed.tensors.values()].map((t) => [t.name, `${t.dtype}[${t.shape.join(',')}]`]))).toEqual({
      'encoder.bn.weight': 'F32[3]',
      'encoder.bn.bias': 'F32[3]',
      'encoder.bn.running_mean': 'F32[3]',
      'encoder.bn.running_var': 'F32[3]',
      'encoder.bn.num_batches_tracked': 'I64[]',
    });
    const back = read(stateToSafetensors(fitted, { dtype: 'float32' }));
    expect(Array.from(back.runningVar!)).toEqual(Array.from(fitted.runningVar!, Math.fround));
    expect(parsed.metadata).toMatchObject({ format: 'pt', bn1d_format: 'bn1d-state', bn1d_version: '1', features: '["a","b","c"]', eps: '0.001', momentum: 'none' });
  });

  test('no weight and bias without affine, no running statistics without them; neither is nothing to export', () => {
    const noAffine = parseSafetensors(stateToSafetensors(createState({ features: ['x'], affine: false }), { dtype: 'float32' }), 'x');
    expect([...noAffine.tensors.keys()].sort()).toEqual(['num_batches_tracked', 'running_mean', 'running_var']);
    const noStats = parseSafetensors(stateToSafetensors(createState({ features: ['x'], trackRunningStats: false }), { dtype: 'float32' }), 'x');
    expect([...noStats.tensors.keys()].sort()).toEqual(['bias', 'weight']);
    expect(() => stateToSafetensors(createState({ features: ['x'], affine: false, trackRunningStats: false }), { dtype: 'float32' })).toThrow(/nothing to export/);
  });

  test('a value float32 cannot hold is refused, naming the field and feature', () => {
    const huge = { ...fitted, runningVar: Float64Array.of(1, 1e39, 1) };
    expect(() => stateToSafetensors(huge, { dtype: 'float32' }, 's.json')).toThrow(/^s\.json as float32: "running_var" of feature "b" is Infinity/);
    expect(() => stateToSafetensors(huge, { dtype: 'float64' })).not.toThrow();
  });
});

describe('import', () => {
  test('a PyTorch state_dict: features from the caller, eps and momentum PyTorch defaults', () => {
    const state = read(torchFile(), { features: ['p', 'q'] });
    expect(state).toMatchObject({ features: ['p', 'q'], eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true, numBatchesTracked: 12 });
    expect(Array.from(state.runningVar!)).toEqual([0.25, 9]);
    expect(read(torchFile(), { features: ['p', 'q'], eps: 0.5, momentum: null })).toMatchObject({ eps: 0.5, momentum: null });
  });

  test('flags win over a bn1d export metadata; without flags the metadata is used', () => {
    const bytes = stateToSafetensors(fitted, { dtype: 'float64' });
    expect(read(bytes, { features: ['x', 'y', 'z'], renames: true, eps: 0.25, momentum: 0.5 })).toMatchObject({ features: ['x', 'y', 'z'], eps: 0.25, momentum: 0.5 });
    const error = refusal(bytes, { features: ['x', 'y', 'z'], featuresFlag: '--columns' });
    expect([error instanceof UsageError, error.message]).toEqual([true, '--columns cannot be combined with the state in.safetensors: it names its features (a, b, c)']);
  });

  test('the prefix is found when only one layer has running statistics (a Linear weight is not a BatchNorm)', () => {
    const bytes = torchFile('1.', [{ name: '0.weight', dtype: 'F32', shape: [2, 2], bytes: new Uint8Array(16) }, f('0.bias', [0, 0])]);
    expect(read(bytes, { features: ['p', 'q'] }).fit).toEqual({ imported_from: 'in.safetensors', prefix: '1.' });
    expect(read(bytes, { features: ['p', 'q'], prefix: '1' }).numBatchesTracked).toBe(12);
    const names = ['a.weight', 'b.bn.running_mean', 'running_mean', 'c.weight', 'xrunning_mean'];
    expect(findPrefixes(names, () => [2])).toEqual(['b.bn.', '']);
    expect(findPrefixes(['a.weight', 'c.weight'], (n) => (n === 'a.weight' ? [2] : [2, 2]))).toEqual(['a.']);
  });

  test('several layers are a usage error listing them; none, or a wrong --prefix, is a data error', () => {
    const two = formatSafetensors([...parseSafetensors(torchFile('enc.bn.'), 'x').tensors.values(), ...parseSafetensors(torchFile('dec.bn.'), 'x').tensors.values()]);
    const error = refusal(two, { features: ['p', 'q'] });
    expect([error instanceof UsageError, error.message, (error as UsageError).hint]).toEqual([true, 'in.safetensors holds 2 BatchNorm layers, with the prefixes "dec.bn.", "enc.bn."', 'import-prefix']);
    expect(read(two, { features: ['p', 'q'], prefix: 'dec.bn.' }).numBatchesTracked).toBe(12);
    expect(refusal(formatSafetensors([f('x', [1])]))).toBeInstanceOf(DataError);
    expect(refusal(formatSafetensors([f('x', [1])])).message).toMatch(/^in\.safetensors: no BatchNorm1d tensors/);
    expect(refusal(two, { prefix: 'mid.' }).message).toMatch(/^in\.safetensors: no tensor mid\.weight, mid\.running_mean .* under the prefix "mid\."/);
  });

  test('missing or miscounted features say which flag to pass', () => {
    const missing = refusal(torchFile(), { featuresFlag: '--columns' });
    expect([missing instanceof UsageError, missing.message]).toEqual([true, "in.safetensors does not name its features (PyTorch's state_dict has no column names): pass --columns with 2 column names in channel order"]);
    const unnamed = refusal(torchFile()) as UsageError;
    expect([unnamed.message, unnamed.hint]).toEqual(["in.safetensors does not name its features (PyTorch's state_dict has no column names), and needs 2 column names in channel order", 'import-features']);
    const miscounted = refusal(torchFile(), { features: ['p', 'q', 'r'], featuresFlag: '--features' });
    expect([miscounted instanceof UsageError, miscounted.message]).toEqual([true, 'in.safetensors: --features lists 3 features, but the tensors hold 2 channels']);
  });

  test('affine=False and track_running_stats=False layers, and num_batches_tracked as PyTorch loads it', () => {
    const noAffine = read(formatSafetensors([f('running_mean', [1]), f('running_var', [2]), nbt('num_batches_tracked', 3)]), { features: ['x'] });
    expect([noAffine.affine, noAffine.weight, noAffine.numBatchesTracked]).toEqual([false, null, 3]);
    const noStats = read(formatSafetensors([f('weight', [1]), f('bias', [2])]), { features: ['x'] });
    expect([noStats.trackRunningStats, noStats.runningMean, noStats.numBatchesTracked]).toEqual([false, null, null]);
    // Before PyTorch 0.4.1 there was no num_batches_tracked; load_state_dict fills in 0.
    expect(read(formatSafetensors([f('running_mean', [1]), f('running_var', [2])]), { features: ['x'] }).numBatchesTracked).toBe(0);
    const asI32 = { name: 'num_batches_tracked', dtype: 'I32', shape: [], bytes: Uint8Array.of(5, 0, 0, 0) };
    expect(read(formatSafetensors([f('running_mean', [1]), f('running_var', [2]), asI32]), { features: ['x'] }).numBatchesTracked).toBe(5);
    const asFloat = { ...f('num_batches_tracked', [6]), shape: [] };
    expect(read(formatSafetensors([f('running_mean', [1]), f('running_var', [2]), asFloat]), { features: ['x'] }).numBatchesTracked).toBe(6);
  });

  const stats = (extra: SafetensorsTensor[] = [], mean = f('running_mean', [1, 2]), variance = f('running_var', [1, 2])) => formatSafetensors([mean, variance, ...extra]);
  test.each([
    ['weight without bias', formatSafetensors([f('weight', [1, 2]), f('running_mean', [0, 0]), f('running_var', [1, 1])]), /"weight" is there without "bias"/],
    ['running_var without running_mean', formatSafetensors([f('weight', [1, 2]), f('bias', [0, 0]), f('running_var', [1, 1])]), /"running_var" is there without "running_mean"/],
    ['num_batches_tracked without statistics', formatSafetensors([f('weight', [1, 2]), f('bias', [0, 0]), nbt('num_batches_tracked', 1)]), /"num_batches_tracked" is there without running_mean/],
    ['a 2-D running_mean', stats([], { ...f('running_mean', [1, 2]), shape: [1, 2] }), /tensor "running_mean" has shape \[1, 2\]; a BatchNorm1d running_mean has one value per feature/],
    ['num_batches_tracked of shape [1]', stats([{ ...nbt('num_batches_tracked', 1), shape: [1] }]), /tensor "num_batches_tracked" has shape \[1\]; expected a scalar/],
    ['a fractional num_batches_tracked', stats([{ ...f('num_batches_tracked', [2.5]), shape: [] }]), /"num_batches_tracked" must be an integer >= 0 \(got 2\.5\)/],
    ['a negative num_batches_tracked', stats([nbt('num_batches_tracked', -1)]), /"num_batches_tracked" must be an integer >= 0 \(got -1\)/],
    ['an integer running_var', stats([], undefined, { name: 'running_var', dtype: 'I64', shape: [2], bytes: new Uint8Array(16) }), /tensor "running_var" has dtype I64; expected F16, BF16, F32, F64/],
    ['a negative running_var', stats([], undefined, f('running_var', [1, -2])), /"running_var" of feature "y" is negative \(-2\)/],
    ['a NaN running_mean', stats([], f('running_mean', [NaN, 0])), /"running_mean" of feature "x" is NaN, not a finite number/],
    ['lengths that disagree', stats([], undefined, f('running_var', [1, 2, 3])), /"running_var" has 3 values, expected 2/],
  ])('%s is refused, naming the file and field', (_what, bytes, message) => {
    const error = refusal(bytes, { features: ['x', 'y'] });
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/^in\.safetensors: /);
    expect(error.message).toMatch(message);
  });

  test.each([
    ['an unknown bn1d version', { bn1d_version: '2' }, /version "2" is not supported \(this bn1d reads 1\) in the bn1d metadata/],
    ['features that are not JSON', { features: 'a,b' }, /"features" is not valid JSON in the bn1d metadata/],
    ['features that are not strings', { features: '[1, 2]' }, /"features" is not a JSON array of strings/],
    ['an eps that is not a number', { eps: 'small' }, /"eps" is "small", not a number/],
    ['a momentum that is not a number', { momentum: '' }, /"momentum" is "", not a number/],
    ['features of the wrong count', { features: '["a"]' }, /its metadata names 1 features, but the tensors hold 2 channels/],
  ])('a bn1d export with %s is refused', (_what, change, message) => {
    const metadata = { bn1d_format: 'bn1d-state', bn1d_version: '1', features: '["a","b"]', eps: '1e-5', momentum: '0.1', ...change };
    const bytes = formatSafetensors([...parseSafetensors(torchFile(), 'x').tensors.values()], metadata);
    const error = refusal(bytes);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/^in\.safetensors: /);
    expect(error.message).toMatch(message);
  });

  test('metadata without the bn1d tag is not trusted for features', () => {
    const bytes = formatSafetensors([...parseSafetensors(torchFile(), 'x').tensors.values()], { format: 'pt', features: '["a","b"]', eps: '0.5' });
    expect(refusal(bytes).message).toMatch(/does not name its features/);
    expect(read(bytes, { features: ['a', 'b'] }).eps).toBe(1e-5);
  });

  test('a file PyTorch wrote (two layers, F32) reads the chosen layer', () => {
    const bytes = readFileSync(join(ROOT, 'fixtures', 'interop', 'torch-two-layers.safetensors'));
    const state = read(bytes, { prefix: 'encoder.bn.', features: ['p', 'q'] });
    expect(state.features).toEqual(['p', 'q']);
    expect(state.runningVar!.every((v) => v === Math.fround(v))).toBe(true);
  });
});

describe('mutants', () => {
  test('flipped, inserted and cut bytes of an export read as a valid state or end in a bn1d error, never anything else', () => {
    const valid = stateToSafetensors(fitted, { dtype: 'float32', prefix: 'bn.' });
    const mutant = fc.oneof(
      fc.record({ at: fc.nat(valid.length - 1), byte: fc.nat(255) }).map(({ at, byte }) => Uint8Array.from(valid, (b, i) => (i === at ? byte : b))),
      fc.nat(valid.length).map((end) => valid.slice(0, end)),
      fc.record({ at: fc.nat(valid.length), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }).map(({ at, bytes }) => Uint8Array.from([...valid.slice(0, at), ...bytes, ...valid.slice(at)])),
    );
    let refused = 0;
    fc.assert(
      fc.property(mutant, (bytes) => {
        try {
          read(bytes);
        } catch (error) {
          refused++;
          if (!(error instanceof Bn1dError)) throw error;
          expect((error as Error).message).not.toMatch(/\n/);
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
    expect(refused).toBeGreaterThan(1000);
  });
});
