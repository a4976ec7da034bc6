/**
 * Decimal values (two's complement integers of 32 to 256 bits, stored as
 * little-endian 32-bit words, scaled by 10^-scale) as float64, each
 * correctly rounded, as `float(Decimal(...))` does.
 */

/** The unscaled integer of value `i`. */
function unscaled(words: Uint32Array, i: number, stride: number): bigint {
  let v = 0n;
  for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * stride + w]!);
  const bits = BigInt(stride * 32);
  return v >= 1n << (bits - 1n) ? v - (1n << bits) : v;
}

/** `count` decimal values of `bitWidth` bits and `scale` as float64. */
export function decimalsToFloat64(words: Uint32Array, count: number, bitWidth: number, scale: number): Float64Array {
  const stride = bitWidth / 32;
  const out = new Float64Array(count);
  const power = 10 ** scale;
  for (let i = 0; i < count; i++) {
    const n = unscaled(words, i, stride);
    // Both operands exact: one correctly rounded division. Otherwise parse the decimal.
    out[i] = n <= 2n ** 53n && n >= -(2n ** 53n) && scale >= 0 && scale <= 22 ? Number(n) / power : Number(`${n}e${-scale}`);
  }
  return out;
}
