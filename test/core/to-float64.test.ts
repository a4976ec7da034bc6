import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { firstInexact, float16ToNumber, int64ToFloat64, toFloat64 } from '../../src/core/to-float64.js';
import { halfBits } from '../helpers/goldens.js';

describe('toFloat64', () => {
  test('returns a Float64Array as is, without copying', () => {
    const values = Float64Array.from([1, 2]);
    expect(toFloat64(values)).toBe(values);
  });

  test('widens every integer and float type exactly', () => {
    expect(Array.from(toFloat64(Int8Array.from([-128, 127])))).toEqual([-128, 127]);
    expect(Array.from(toFloat64(Uint8Array.from([0, 255])))).toEqual([0, 255]);
    expect(Array.from(toFloat64(Int16Array.from([-32768, 32767])))).toEqual([-32768, 32767]);
    expect(Array.from(toFloat64(Uint16Array.from([65535])))).toEqual([65535]);
    expect(Array.from(toFloat64(Int32Array.from([-(2 ** 31), 2 ** 31 - 1])))).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(Array.from(toFloat64(Uint32Array.from([2 ** 32 - 1])))).toEqual([2 ** 32 - 1]);
    expect(Array.from(toFloat64(Float32Array.from([0.1])))).toEqual([Math.fround(0.1)]);
  });

  test('rounds int64 beyond 2^53 to the nearest float64, as torch .double() does', () => {
    const big = BigInt64Array.from([2n ** 53n + 1n, -(2n ** 62n) - 1n, 2n ** 53n + 3n]);
    expect(Array.from(toFloat64(big))).toEqual([2 ** 53, -(2 ** 62), 2 ** 53 + 4]);
    expect(Array.from(toFloat64(BigUint64Array.from([2n ** 64n - 1n])))).toEqual([2 ** 64]);
  });

  // Values near the ends of the range, near ±2^53 and where rounding ties, and any others; in views that start inside a buffer.
  const near = [0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 54n + 2n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 21n << 32n];
  const int64 = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(...near), fc.integer({ min: -5, max: 5 }).chain((d) => fc.constantFrom(...near.map((n) => BigInt.asIntN(64, n + BigInt(d))))));
  const uint64 = int64.map((v) => BigInt.asUintN(64, v));
  const inView = <T extends BigInt64Array | BigUint64Array>(make: (buffer: ArrayBuffer, offset: number, length: number) => T, values: bigint[], skip: number): T => {
    const view = make(new ArrayBuffer(8 * (values.length + skip + 1)), 8 * skip, values.length);
    values.forEach((v, i) => (view[i] = v));
    return view;
  };

  test('int64 read as two words is the double Number(bigint) gives, signed and unsigned, in views at any offset', () => {
    fc.assert(fc.property(fc.array(int64, { maxLength: 40 }), fc.array(uint64, { maxLength: 40 }), fc.nat(3), (signed, unsigned, skip) => {
      const a = inView((b, o, n) => new BigInt64Array(b, o, n), signed, skip);
      const b = inView((b, o, n) => new BigUint64Array(b, o, n), unsigned, skip);
      expect(Array.from(int64ToFloat64(a))).toEqual(signed.map(Number));
      expect(Array.from(int64ToFloat64(b))).toEqual(unsigned.map(Number));
    }), { numRuns: 300 });
  });

  test('firstInexact finds the first value beyond ±2^53, as comparing bigints does', () => {
    const exact = 2n ** 53n;
    const first = (values: bigint[]) => values.findIndex((v) => v > exact || v < -exact);
    fc.assert(fc.property(fc.array(int64, { maxLength: 40 }), fc.array(uint64, { maxLength: 40 }), fc.nat(3), (signed, unsigned, skip) => {
      expect(firstInexact(inView((b, o, n) => new BigInt64Array(b, o, n), signed, skip))).toBe(first(signed));
      expect(firstInexact(inView((b, o, n) => new BigUint64Array(b, o, n), unsigned, skip))).toBe(first(unsigned));
    }), { numRuns: 300 });
    expect(firstInexact(BigInt64Array.from([exact, -exact, exact + 1n]))).toBe(2);
    expect(firstInexact(BigUint64Array.from([exact, exact + 1n]))).toBe(1);
  });

  test('decodes float16 bits, and refuses float16 that is not a Uint16Array', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x8000, 0x7c00, 0xfc00]);
    const out = Array.from(toFloat64(bits, { float16: true }));
    expect(out).toEqual([1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, -0, Infinity, -Infinity]);
    expect(Object.is(out[5], -0)).toBe(true);
    expect(Number.isNaN(float16ToNumber(0x7e00))).toBe(true);
    expect(() => toFloat64(Float32Array.from([1]), { float16: true })).toThrow(/Uint16Array/);
  });

  test('every non-NaN float16 decodes to the value an independent encoder maps back to the same bits', () => {
    let checked = 0;
    for (let bits = 0; bits <= 0xffff; bits++) {
      const x = float16ToNumber(bits);
      if (Number.isNaN(x)) continue;
      const back = Number.isFinite(x) ? halfBits(x) : (x > 0 ? 0x7c00 : 0xfc00);
      if (back !== bits) expect.fail(`bits ${bits.toString(16)} decode to ${x}, which encodes to ${back.toString(16)}`);
      checked++;
    }
    expect(checked).toBe(65536 - 2046);
  });
});
