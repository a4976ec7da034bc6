/**
 * Input values of any numeric type, widened to float64 once, where they
 * enter the core: every statistic and output is computed in float64, as
 * PyTorch does on `x.double()`.
 */

/** Typed arrays a numeric column can arrive in. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * The values as a Float64Array: a Float64Array is returned as is, other
 * types are converted (int64 beyond 2^53 rounds to nearest, like torch's
 * `.double()`). With `float16`, a Uint16Array holds IEEE half-precision bits.
 */
export function toFloat64(values: NumericArray, options: { float16?: boolean } = {}): Float64Array {
  if (values instanceof Float64Array) return values;
  if (options.float16) {
    if (!(values instanceof Uint16Array)) throw new TypeError('float16 values must come as Uint16Array bits');
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = float16ToNumber(values[i]!);
    return out;
  }
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]!);
    return out;
  }
  return Float64Array.from(values);
}

/** The number that IEEE 754 half-precision `bits` encode. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}
