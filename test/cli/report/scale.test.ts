import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { finiteExtent, linearScale, logDomain, logScale, niceDomain, niceStep, spread } from '../../../src/cli/report/scale.js';

describe('finiteExtent', () => {
  test('skips NaN, infinities and nulls; null when nothing is left', () => {
    expect(finiteExtent([3, NaN, -1, Infinity, null, 2])).toEqual([-1, 3]);
    expect(finiteExtent([NaN, -Infinity, undefined])).toBeNull();
    expect(finiteExtent([])).toBeNull();
  });
});

describe('niceStep', () => {
  test.each([
    [0.7, 1],
    [1, 1],
    [1.3, 2],
    [3, 5],
    [7, 10],
    [0.0031, 0.005],
    [23000, 50000],
  ])('%s -> %s', (rough, step) => {
    expect(niceStep(rough)).toBeCloseTo(step, 12);
  });

  test('0 for what is not a positive finite number', () => {
    expect([niceStep(0), niceStep(-1), niceStep(NaN), niceStep(Infinity)]).toEqual([0, 0, 0, 0]);
  });
});

describe('spread', () => {
  test('a constant gets room either side; 0 and subnormals get ±1', () => {
    expect(spread(5, 5)).toEqual([4.5, 5.5]);
    expect(spread(-20, -20)).toEqual([-22, -18]);
    expect(spread(0, 0)).toEqual([-1, 1]);
    expect(spread(5e-324, 5e-324)).toEqual([-1, 1]);
    const [lo, hi] = spread(Number.MAX_VALUE, Number.MAX_VALUE);
    expect(lo < hi && Number.isFinite(hi)).toBe(true);
  });
});

describe('niceDomain', () => {
  test('round ticks, and a domain that reaches the outer ones', () => {
    expect(niceDomain(0.3, 9.6, 5)).toEqual({ lo: 0, hi: 10, ticks: [0, 2, 4, 6, 8, 10], step: 2 });
    expect(niceDomain(-37, 112, 4)).toMatchObject({ lo: -50, hi: 150, ticks: [-50, 0, 50, 100, 150] });
  });

  test('without nice the domain stays; integer ticks are whole', () => {
    expect(niceDomain(1, 120, 6, { nice: false, integer: true })).toEqual({ lo: 1, hi: 120, ticks: [20, 40, 60, 80, 100, 120], step: 20 });
    expect(niceDomain(0, 3, 8, { integer: true }).ticks).toEqual([0, 1, 2, 3]);
  });

  test('a constant series still gets an interval with ticks around it', () => {
    const d = niceDomain(37.5, 37.5, 4);
    expect(d.lo).toBeLessThan(37.5);
    expect(d.hi).toBeGreaterThan(37.5);
    expect(d.ticks.length).toBeGreaterThanOrEqual(2);
  });

  test('for any two finite doubles: lo < hi, the values inside, ticks finite, increasing, inside and few', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 2, max: 8 }), (a, b, count) => {
        const d = niceDomain(a, b, count);
        expect(Number.isFinite(d.lo) && Number.isFinite(d.hi) && d.lo < d.hi).toBe(true);
        expect(d.lo <= Math.min(a, b) && d.hi >= Math.max(a, b)).toBe(true);
        expect(d.ticks.length).toBeGreaterThanOrEqual(2);
        expect(d.ticks.length).toBeLessThanOrEqual(4 * count + 4);
        d.ticks.forEach((t, i) => {
          expect(Number.isFinite(t) && t >= d.lo && t <= d.hi).toBe(true);
          if (i > 0) expect(t).toBeGreaterThan(d.ticks[i - 1]!);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('logDomain', () => {
  test('1-2-5 ticks on short ranges, powers of ten on long ones', () => {
    expect(logDomain(1, 120).ticks).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logDomain(1, 1e6).ticks).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6]);
    expect(logDomain(1, 1e20).ticks.length).toBeLessThanOrEqual(12);
  });

  test('extreme or unusable bounds still give a finite interval', () => {
    for (const [a, b] of [[1e300, Number.MAX_VALUE], [NaN, 5], [0, 0], [-3, 10], [Number.MAX_VALUE, Number.MAX_VALUE]] as const) {
      const d = logDomain(a, b);
      expect(Number.isFinite(d.lo) && Number.isFinite(d.hi) && d.lo > 0 && d.hi > d.lo && d.ticks.length >= 2).toBe(true);
    }
  });
});

describe('scales', () => {
  test('linear maps the ends of the domain onto the ends of the range, even near overflow', () => {
    const s = linearScale(-Number.MAX_VALUE, Number.MAX_VALUE, 0, 100);
    expect([s(-Number.MAX_VALUE), s(0), s(Number.MAX_VALUE)]).toEqual([0, 50, 100]);
    const y = linearScale(10, 20, 200, 100);
    expect([y(10), y(15), y(20)]).toEqual([200, 150, 100]);
  });

  test('an empty domain maps everything to the middle rather than to NaN', () => {
    expect(linearScale(3, 3, 0, 10)(3)).toBe(5);
    expect(logScale(5, 5, 0, 10)(5)).toBe(5);
  });

  test('log puts every doubling at the same distance', () => {
    const s = logScale(1, 1024, 0, 100);
    expect(s(1)).toBe(0);
    expect(s(2) - s(1)).toBeCloseTo(s(1024) - s(512), 9);
  });
});
