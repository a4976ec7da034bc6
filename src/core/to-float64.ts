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
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return int64ToFloat64(values);
  return Float64Array.from(values);
}

/** Whether typed arrays are little-endian here (they are on every platform Node builds for but s390x). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * 64-bit integers as the nearest doubles, as Number(bigint) rounds them,
 * read as two 32-bit words: reading an element of a BigInt64Array makes a
 * BigInt, which made an int64 feature's fit twice as slow. hi * 2^32 is
 * exact and lo < 2^32, so hi * 2^32 + lo is one correctly rounded addition
 * of the exact value: the same double.
 */
export function int64ToFloat64(values: BigInt64Array | BigUint64Array): Float64Array {
  const out = new Float64Array(values.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]!);
    return out;
  }
  const [lo, hi] = words(values);
  for (let i = 0; i < values.length; i++) out[i] = hi[2 * i + 1]! * 4294967296 + lo[2 * i]!;
  return out;
}

/** The values' 32-bit words, little-endian: low words (unsigned) at even indices, high words (signed for a BigInt64Array) at odd. */
function words(values: BigInt64Array | BigUint64Array): [Uint32Array, Int32Array | Uint32Array] {
  const lo = new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
  return [lo, values instanceof BigInt64Array ? new Int32Array(values.buffer, values.byteOffset, 2 * values.length) : lo];
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

/** The index of the first value of magnitude over 2^53 (which a double cannot hold exactly), or -1; read as words, as int64ToFloat64 does. */
export function firstInexact(values: BigInt64Array | BigUint64Array): number {
  const EXACT = 2n ** 53n;
  if (!LITTLE_ENDIAN) return values.findIndex((v) => v > EXACT || v < -EXACT);
  const [lo, hi] = words(values);
  // v = hi * 2^32 + lo with 0 <= lo < 2^32: v > 2^53 when hi > 2^21 or hi = 2^21 and lo > 0; v < -2^53 when hi < -2^21.
  const top = 2 ** 21;
  for (let i = 0; i < values.length; i++) {
    const h = hi[2 * i + 1]!;
    if (h > top || h < -top || (h === top && lo[2 * i]! > 0)) return i;
  }
  return -1;
}
