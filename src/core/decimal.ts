/**
 * Decimal values (two's complement integers of 32 to 256 bits, stored as
 * little-endian 32-bit words, scaled by 10^-scale) as float64, each
 * correctly rounded, as `float(Decimal(...))` does.
 */

/** The unscaled (two's complement) integer of value `i`. */
function unscaled(words: Uint32Array, i: number, stride: number, bitWidth: number): bigint {
  let v = 0n;
  for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * stride + w]!);
  return BigInt.asIntN(bitWidth, v);
}

/** Integers up to 2^53 in magnitude are exact float64s. */
const EXACT = 2n ** 53n;

/** `count` decimal values of `bitWidth` bits and `scale` as float64. */
export function decimalsToFloat64(words: Uint32Array, count: number, bitWidth: number, scale: number): Float64Array {
  const stride = bitWidth / 32;
  const out = new Float64Array(count);
  const power = 10 ** scale;
  // 10^scale is an exact float64 up to 10^22.
  const exactPower = scale >= 0 && scale <= 22;
  for (let i = 0; i < count; i++) {
    const n = unscaled(words, i, stride, bitWidth);
    // Both operands exact: one correctly rounded division. Otherwise parse the decimal.
    out[i] = exactPower && n <= EXACT && n >= -EXACT ? Number(n) / power : Number(`${n}e${-scale}`);
  }
  return out;
}
