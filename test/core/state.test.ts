import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { type BatchNormState, createState, validateState } from '../../src/core/state.js';
import { formatState, parseState, stateDocument, stateFromDocument } from '../../src/core/state-json.js';

const f64 = (...v: number[]) => Float64Array.from(v);
const base = () => createState({ features: ['a', 'b'] });

describe('createState', () => {
  test('starts as PyTorch does: mean 0, var 1, weight 1, bias 0, no batches', () => {
    const s = base();
    expect([s.eps, s.momentum, s.affine, s.trackRunningStats, s.numBatchesTracked]).toEqual([1e-5, 0.1, true, true, 0]);
    expect([Array.from(s.runningMean!), Array.from(s.runningVar!), Array.from(s.weight!), Array.from(s.bias!)]).toEqual([[0, 0], [1, 1], [1, 1], [0, 0]]);
  });

  test('affine off and track_running_stats off leave their fields null', () => {
    const s = createState({ features: ['a'], affine: false, trackRunningStats: false, momentum: null });
    expect([s.weight, s.bias, s.runningMean, s.runningVar, s.numBatchesTracked, s.momentum]).toEqual([null, null, null, null, null, null]);
  });
});

describe('validateState', () => {
  const cases: [string, Partial<BatchNormState>, RegExp][] = [
    ['no features', { features: [] }, /"features" is empty/],
    ['duplicate feature', { features: ['a', 'a'] }, /feature "a" appears twice/],
    ['empty name', { features: ['a', ''] }, /"features" must hold non-empty strings/],
    ['negative eps', { eps: -1 }, /"eps" must be a finite number >= 0/],
    ['momentum 0', { momentum: 0 }, /"momentum" must be in \(0, 1\]/],
    ['momentum > 1', { momentum: 1.5 }, /"momentum" must be in \(0, 1\]/],
    ['short running_mean', { runningMean: f64(0) }, /"running_mean" has 1 values, expected 2/],
    ['NaN running_var', { runningVar: f64(1, NaN) }, /"running_var" of feature "b" is NaN/],
    ['negative running_var', { runningVar: f64(1, -0.5) }, /"running_var" of feature "b" is negative/],
    ['zero variance and eps', { runningVar: f64(0, 1), eps: 0 }, /"running_var" \+ "eps" of feature "a" is 0/],
    ['infinite weight', { weight: f64(1, Infinity) }, /"weight" of feature "b" is Infinity/],
    ['missing bias', { bias: null }, /"bias" is missing \(affine is true\)/],
    ['weight without affine', { affine: false, bias: null }, /"weight" must be null when affine is false/],
    ['fractional num_batches_tracked', { numBatchesTracked: 1.5 }, /"num_batches_tracked" must be an integer >= 0/],
    ['num_batches_tracked without running stats', { trackRunningStats: false, runningMean: null, runningVar: null }, /"num_batches_tracked" must be null/],
  ];
  test.each(cases)('refuses %s', (_what, change, message) => {
    const state = { ...base(), ...change };
    expect(() => validateState(state, 'stats.json')).toThrow(DataError);
    expect(() => validateState(state, 'stats.json')).toThrow(new RegExp(`^stats.json: ${message.source}`));
  });
});

describe('state JSON', () => {
  const fitted = (): BatchNormState => ({
    ...base(),
    runningMean: f64(0.1 + 0.2, -0),
    runningVar: f64(5e-324, 1.7976931348623157e308),
    weight: f64(-1 / 3, 1e21),
    bias: f64(2 ** -1074, -123.456),
    numBatchesTracked: 40,
    fit: { batch_size: 256, epochs: 1, inputs: ['data.parquet'] },
  });

  test('writes the SPEC fields in order, with the fit block', () => {
    const text = formatState(fitted());
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(['format', 'version', 'features', 'num_features', 'eps', 'momentum', 'affine', 'track_running_stats', 'running_mean', 'running_var', 'weight', 'bias', 'num_batches_tracked', 'fit']);
    expect(doc.format).toBe('bn1d-state');
    expect(doc.version).toBe(1);
    expect(doc.fit).toEqual({ batch_size: 256, epochs: 1, inputs: ['data.parquet'] });
  });

  test('round-trips every float64 bit for bit, negative zero included', () => {
    const back = parseState(formatState(fitted()));
    expect(back).toEqual(fitted());
    expect(Object.is(back.runningMean![1], -0)).toBe(true);
  });

  test('property: any finite values round-trip exactly', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, fc.double({ min: 0, noNaN: true, noDefaultInfinity: true, minExcluded: true }), finite, finite), { minLength: 1, maxLength: 8 }), (rows) => {
        const state: BatchNormState = {
          ...createState({ features: rows.map((_, i) => `f${i}`) }),
          runningMean: Float64Array.from(rows, (r) => r[0]),
          runningVar: Float64Array.from(rows, (r) => r[1]),
          weight: Float64Array.from(rows, (r) => r[2]),
          bias: Float64Array.from(rows, (r) => r[3]),
        };
        const back = parseState(formatState(state));
        for (const key of ['runningMean', 'runningVar', 'weight', 'bias'] as const) {
          back[key]!.forEach((v, i) => expect(Object.is(v, state[key]![i])).toBe(true));
        }
      }),
    );
  });

  test('momentum none, affine off and no running stats write nulls and read back', () => {
    const state = createState({ features: ['x'], momentum: null, affine: false, trackRunningStats: false });
    const text = formatState(state);
    expect(JSON.parse(text)).toMatchObject({ momentum: null, weight: null, running_var: null, num_batches_tracked: null });
    expect(parseState(text)).toEqual(state);
  });

  test('ignores fields it does not know', () => {
    const doc = { ...JSON.parse(formatState(base())), provenance: [1, 2], comment: 'hi' };
    expect(parseState(JSON.stringify(doc))).toEqual(base());
  });

  test('the document is the file as JSON values, and reads back as the text does', () => {
    const doc = stateDocument(fitted());
    expect(doc).toEqual(JSON.parse(formatState(fitted())));
    expect(Object.keys(doc).slice(0, 3)).toEqual(['format', 'version', 'features']);
    expect(stateFromDocument(doc)).toEqual(parseState(formatState(fitted())));
    expect(() => stateFromDocument({ ...doc, eps: -1 }, 'layer')).toThrow(/^layer: "eps" must be a finite number >= 0/);
  });

  const good = () => JSON.parse(formatState(base())) as Record<string, unknown>;
  const refusals: [string, unknown, RegExp][] = [
    ['text that is not JSON', '{"format": ', /^s.json: not valid JSON/],
    ['an array', [], /not a bn1d state file \(expected a JSON object\)/],
    ['another JSON document', { hello: 1 }, /not a bn1d state file \("format" is missing/],
    ['an unknown version', { ...good(), version: 2 }, /state file version 2 is not supported: this bn1d reads version 1/],
    ['a missing version', { ...good(), version: undefined }, /state file version \(missing\)/],
    ['a missing field', { ...good(), running_var: undefined }, /field "running_var" is missing/],
    ['features that are not strings', { ...good(), features: [1, 2] }, /"features" must be an array of strings/],
    ['num_features that disagrees', { ...good(), num_features: 3 }, /"num_features" is 3 but "features" lists 2/],
    ['eps as a string', { ...good(), eps: '1e-5' }, /"eps" must be a number/],
    ['affine as a number', { ...good(), affine: 1 }, /"affine" must be true or false/],
    ['running_mean with a string', { ...good(), running_mean: [0, 'x'] }, /"running_mean" must be an array of numbers or null/],
    ['an overflowing number', { ...good(), running_var: [1, '1e999'] }, /"running_var" of feature "b" is Infinity/],
    ['a negative variance', { ...good(), running_var: [1, -2] }, /"running_var" of feature "b" is negative/],
    ['a short vector', { ...good(), bias: [0] }, /"bias" has 1 values, expected 2/],
    ['momentum as a string', { ...good(), momentum: 'none' }, /"momentum" must be a number or null/],
    ['num_batches_tracked as a string', { ...good(), num_batches_tracked: '4' }, /"num_batches_tracked" must be a number or null/],
  ];
  test.each(refusals)('refuses %s', (_what, doc, message) => {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc).replace('"1e999"', '1e999');
    expect(() => parseState(text, 's.json')).toThrow(DataError);
    expect(() => parseState(text, 's.json')).toThrow(message);
  });
});
