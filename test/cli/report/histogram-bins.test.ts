import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { binEdge, binRange, binSample, quantile, sampleMoments } from '../../../src/cli/report/histogram-bins.js';
import { rng } from './report-samples.js';

const normal = (n: number, seed = 1) => {
  const u = rng(seed);
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
};

describe('binSample', () => {
  test('normal data: round bin width, every value counted, a few dozen bins', () => {
    const b = binSample(normal(4000))!;
    const width = (b.hi - b.lo) / b.counts.length;
    expect(b.counts.reduce((s, c) => s + c, 0) + b.below + b.above).toBe(4000);
    expect(b.inRange).toBe(b.counts.reduce((s, c) => s + c, 0));
    expect(b.counts.length).toBeGreaterThanOrEqual(15);
    expect(b.counts.length).toBeLessThanOrEqual(50);
    expect(Math.abs(width / 10 ** Math.floor(Math.log10(width)) - Math.round(width / 10 ** Math.floor(Math.log10(width))))).toBeLessThan(1e-9);
  });

  test('small integer ranges get one bin per integer', () => {
    const b = binSample([0, 1, 1, 2, 2, 2, 5])!;
    expect(b).toMatchObject({ lo: -0.5, hi: 5.5, counts: [1, 2, 3, 0, 0, 1], integer: true, below: 0, above: 0 });
  });

  test('bins marked integer hold exactly the integer at their centre, which is what their label names', () => {
    // 51 integers with most of the mass at 25: too many for one bin each, so the bins are not integer ones.
    const heavy = Array.from({ length: 4000 }, (_, i) => (i % 10 < 8 ? 25 : (i * 7) % 51));
    const samples = [heavy, [0, 1, 1, 2, 2, 2, 5], Array.from({ length: 50 }, (_, i) => i - 20)];
    for (const values of samples) {
      const b = binSample(values)!;
      if (!b.integer) continue;
      b.counts.forEach((count, i) => {
        const centre = binEdge(b, i) + 0.5;
        expect(Math.abs(centre - Math.round(centre))).toBeLessThan(1e-9);
        expect(count).toBe(values.filter((v) => v === Math.round(centre)).length);
      });
    }
    expect(binSample(heavy)!.integer).toBe(false);
    expect(binSample(samples[2]!)!.integer).toBe(true);
  });

  test('a constant sample gets one bar in the middle of eleven bins', () => {
    const b = binSample(new Array(100).fill(7))!;
    expect(b.counts.length).toBe(11);
    expect(b.counts[5]).toBe(100);
    const c = binSample(new Array(10).fill(1e-7))!;
    expect(c.counts.reduce((s, x) => s + x, 0)).toBe(10);
  });

  test('far outliers are left out of the range and counted', () => {
    const values = [...normal(2000), 1e6, -5e5];
    const b = binSample(values)!;
    expect(b.below).toBeGreaterThanOrEqual(1);
    expect(b.above).toBeGreaterThanOrEqual(1);
    expect(b.hi - b.lo).toBeLessThan(20);
    expect(b.inRange + b.below + b.above).toBe(values.length);
  });

  test('NaN, infinities and non-numbers are counted apart; nothing finite gives null', () => {
    const b = binSample([1, 2, NaN, Infinity, null, 3] as unknown[])!;
    expect([b.nonFinite, b.inRange]).toEqual([3, 3]);
    expect(binSample([])).toBeNull();
    expect(binSample([NaN, -Infinity])).toBeNull();
  });

  test('for any finite doubles: finite edges, lo < hi, every value counted once, at most 150 bins', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 60 }), (values) => {
        const b = binSample(values)!;
        expect(Number.isFinite(b.lo) && Number.isFinite(b.hi) && b.lo < b.hi).toBe(true);
        expect(b.counts.length).toBeGreaterThanOrEqual(1);
        expect(b.counts.length).toBeLessThanOrEqual(150);
        expect(b.inRange + b.below + b.above).toBe(values.length);
        for (let i = 0; i <= b.counts.length; i++) expect(Number.isFinite(binEdge(b, i))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test('subnormal samples, whose round bin widths underflow to 0, still get finite bins with every value counted', () => {
    const b = binSample([-3e-323, -3.5e-323])!;
    expect(b.lo).toBe(-3.5e-323);
    expect(b.hi).toBe(-3e-323);
    expect(b.inRange).toBe(2);
    const subnormal = fc.double({ min: -1e-320, max: 1e-320, noNaN: true });
    fc.assert(
      fc.property(fc.array(subnormal, { minLength: 2, maxLength: 60 }), (values) => {
        const s = binSample(values)!;
        expect(s.lo < s.hi).toBe(true);
        expect(s.counts.length).toBeGreaterThanOrEqual(1);
        expect(s.counts.length).toBeLessThanOrEqual(150);
        expect(s.inRange + s.below + s.above).toBe(values.length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('binRange', () => {
  test('values on round edges land alike after an affine map', () => {
    const raw = [0, 5, 10, 15, 20];
    const map = (x: number) => (x - 7.3) / 3.1;
    const a = binRange(raw, 0, 20, 4);
    const b = binRange(raw.map(map), map(0), map(20), 4);
    expect(b.counts).toEqual(a.counts);
  });

  test('an empty range puts the values equal to it in the first bin', () => {
    expect(binRange([2, 2, 3], 2, 2, 5)).toMatchObject({ counts: [2, 0, 0, 0, 0], above: 1 });
  });
});

describe('quantile and moments', () => {
  test('quantiles interpolate; moments skip what is not finite', () => {
    expect([quantile([1, 2, 3, 4], 0), quantile([1, 2, 3, 4], 0.5), quantile([1, 2, 3, 4], 1), quantile([], 0.5)]).toEqual([1, 2.5, 4, NaN]);
    expect(quantile([-Number.MAX_VALUE, Number.MAX_VALUE], 0.5)).toBe(0);
    expect(sampleMoments([1, 2, 3, NaN, null])).toEqual({ mean: 2, std: Math.sqrt(2 / 3), n: 3 });
    expect(sampleMoments([Number.MAX_VALUE, -Number.MAX_VALUE])).toEqual({ mean: 0, std: Number.MAX_VALUE, n: 2 });
    expect(sampleMoments([1e-320, 3e-320])!.std).toBe(1e-320);
    expect(sampleMoments([])).toBeNull();
  });
});
