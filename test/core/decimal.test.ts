import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decimalsToFloat64 } from '../../src/core/decimal.js';

/** Little-endian 32-bit words of a two's complement integer. */
function words(values: bigint[], bitWidth: number): Uint32Array {
  const stride = bitWidth / 32;
  const out = new Uint32Array(values.length * stride);
  values.forEach((v, i) => {
    let u = v < 0n ? (1n << BigInt(bitWidth)) + v : v;
    for (let w = 0; w < stride; w++) {
      out[i * stride + w] = Number(u & 0xffffffffn);
      u >>= 32n;
    }
  });
  return out;
}

test('decimals of every width become the correctly rounded float64 of their decimal value', () => {
  expect(Array.from(decimalsToFloat64(words([12345n, -1n, 0n], 128), 3, 128, 2))).toEqual([123.45, -0.01, 0]);
  expect(Array.from(decimalsToFloat64(words([-(2n ** 31n)], 32), 1, 32, 0))).toEqual([-(2 ** 31)]);
  const huge = 10n ** 40n + 7n;
  expect(Array.from(decimalsToFloat64(words([huge, -huge], 256), 2, 256, 3))).toEqual([1e37, -1e37]);
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 127n), max: 2n ** 127n - 1n }), fc.integer({ min: 0, max: 38 }), (n, scale) => {
      // JavaScript's own parsing of the decimal string is correctly rounded: the reference.
      expect(decimalsToFloat64(words([n], 128), 1, 128, scale)[0]).toBe(Number(`${n}e-${scale}`));
    }),
  );
});
