import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { groupThousands } from '../../../src/core/format-count.js';
import { digitsFor, formatCount, formatExact, formatNumber, formatTicks } from '../../../src/cli/report/format-number.js';

describe('formatNumber', () => {
  test.each([
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-3.4, '-3.4'],
    [0.25, '0.25'],
    [0.1 + 0.2, '0.3'],
    [12345, '12,345'],
    [12345.678, '12,346'],
    [999.96, '1,000'],
    [-58055.3, '-58,055'],
    [1.2e-5, '1.2e-5'],
    [0.001, '0.001'],
    [0.000999, '9.99e-4'],
    [123456789, '1.235e8'],
    [-2.5e-300, '-2.5e-300'],
    [5e-324, '4.941e-324'],
    [1.7976931348623157e308, '1.798e308'],
    [999999.9, '1e6'],
  ])('%s -> %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  test('null, NaN and infinities have their own words', () => {
    expect([formatNumber(null), formatNumber(undefined), formatNumber(NaN), formatNumber(Infinity), formatNumber(-Infinity)]).toEqual(['—', '—', 'NaN', '∞', '-∞']);
  });

  test('more digits show more, and large values stay plain while the digits cover them', () => {
    expect(formatNumber(Math.PI, 6)).toBe('3.14159');
    expect(formatNumber(100000000.02, 11)).toBe('100,000,000.02');
    expect(formatNumber(123456789, 6)).toBe('1.23457e8');
  });

  test('never throws and never prints "e+" or trailing zeros, for any double', () => {
    fc.assert(
      fc.property(fc.double(), fc.integer({ min: 1, max: 17 }), (v, d) => {
        const text = formatNumber(v, d);
        expect(text).not.toMatch(/e\+|\.0*e|\.\d*0$|^$/);
      }),
    );
  });
});

describe('digitsFor', () => {
  test('enough digits to see a mean next to its spread', () => {
    expect(digitsFor(1e8, 1, 5)).toBe(10);
    expect(digitsFor(37.8, 12, 5)).toBe(5);
    expect([digitsFor(null, 1, 5), digitsFor(1, 0, 5), digitsFor(0, 1, 5), digitsFor(1e300, 1e-300, 5)]).toEqual([5, 5, 5, 15]);
  });
});

describe('counts and exact values', () => {
  test('groups thousands, keeps signs and decimals', () => {
    expect([formatCount(0), formatCount(1234567), formatCount(-4000), groupThousands('-12345.678'), groupThousands('abc')]).toEqual(['0', '1,234,567', '-4,000', '-12,345.678', 'abc']);
  });

  test('exact values read back to the same double', () => {
    for (const v of [0.1 + 0.2, 5e-324, -1.7976931348623157e308, 1 / 3]) expect(Number(formatExact(v))).toBe(v);
    expect(formatExact(null)).toBe('—');
  });
});

describe('formatTicks', () => {
  test('fixed decimals shared by the axis', () => {
    expect(formatTicks([0, 0.5, 1, 1.5], 0.5).labels).toEqual(['0', '0.5', '1.0', '1.5']);
    expect(formatTicks([0, 20000, 40000], 20000).labels).toEqual(['0', '20,000', '40,000']);
    expect(formatTicks([-2, 0, 2], 2).labels).toEqual(['-2', '0', '2']);
  });

  test('exponents for tiny and huge magnitudes', () => {
    expect(formatTicks([0, 5e-6, 1e-5, 1.5e-5], 5e-6).labels).toEqual(['0', '5e-6', '1e-5', '1.5e-5']);
    expect(formatTicks([0, 5e8, 1e9, 1.5e9, 2e9], 5e8).labels).toEqual(['0', '5e8', '1e9', '1.5e9', '2e9']);
  });

  test('rounding noise in a tick (0.30000000000000004) does not show', () => {
    expect(formatTicks([0.1, 0.2, 3 * 0.1], 0.1).labels).toEqual(['0.1', '0.2', '0.3']);
    expect(formatTicks([-0.2, 1e-17, 0.2], 0.2).labels).toEqual(['-0.2', '0', '0.2']);
  });

  test('ticks that differ far behind the decimal point are labelled relative to an offset', () => {
    const t = formatTicks([99999998, 99999999, 100000000, 100000001, 100000002], 1);
    expect(t.offset).toBe(1e8);
    expect(t.offsetLabel).toBe('+1e8');
    expect(t.labels).toEqual(['-2', '-1', '0', '1', '2']);
    const neg = formatTicks([-5000.0002, -5000.0001, -5000], 0.0001);
    expect(neg.offsetLabel).toBe('-5,000');
    expect(neg.labels).toEqual(['-2e-4', '-1e-4', '0']);
  });

  test('without usable ticks or step it falls back to single values', () => {
    expect(formatTicks([], 1)).toEqual({ labels: [], offset: null, offsetLabel: '' });
    expect(formatTicks([1, 2], NaN).labels).toEqual(['1', '2']);
    expect(formatTicks([NaN, 1], 1).labels).toEqual(['NaN', '1']);
  });
});
