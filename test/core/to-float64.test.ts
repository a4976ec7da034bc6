import { describe, expect, test } from 'vitest';
import { float16ToNumber, toFloat64 } from '../../src/core/to-float64.js';
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
