/**
 * Min/max statistics of column chunks, in the sort order the Parquet format
 * defines for each leaf type: signed integers, unsigned integers (UINT_*),
 * floats with NaN left out and a zero minimum written -0 and a zero maximum
 * +0, FLOAT16 likewise, false before true, unsigned bytes for strings and
 * binary, and the signed unscaled value for every DECIMAL. INT96, INTERVAL
 * and geometries have no defined order and get no min/max.
 *
 * Values come out as statistics-out.ts encodes them for the footer:
 * numbers for INT32 (an unsigned one wraps to the same bits), FLOAT, DOUBLE
 * and BOOLEAN (0 or 1), bigints for INT64 and for every DECIMAL, stored
 * bytes for FLOAT16 and byte arrays.
 */
import type { DecodedArray, SchemaElement, Statistics } from 'hyparquet';
import { annotationOf, isDecimal } from './types.js';

/** How the values of a leaf are ordered. */
export type SortOrder = 'signed' | 'unsigned' | 'float' | 'float16' | 'bytes' | 'boolean' | 'decimal';

const SIGNED = new Set([undefined, 'INT_8', 'INT_16', 'INT_32', 'INT_64', 'DATE', 'TIME', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS']);
const UNSIGNED = new Set(['UINT_8', 'UINT_16', 'UINT_32', 'UINT_64']);
const BYTES = new Set([undefined, 'STRING', 'UTF8', 'ENUM', 'JSON', 'BSON', 'UUID']);

/** The sort order of a leaf element, or undefined when its type has none. */
export function sortOrder(element: SchemaElement): SortOrder | undefined {
  if (isDecimal(element)) return 'decimal';
  const logical = element.logical_type;
  const annotation = logical?.type === 'INTEGER' ? `${logical.isSigned ? '' : 'U'}INT_${logical.bitWidth}` : annotationOf(element);
  switch (element.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float';
    case 'INT32':
    case 'INT64':
      return SIGNED.has(annotation) ? 'signed' : UNSIGNED.has(annotation!) ? 'unsigned' : undefined;
    case 'BYTE_ARRAY':
      return BYTES.has(annotation) ? 'bytes' : undefined;
    case 'FIXED_LEN_BYTE_ARRAY':
      return annotation === 'FLOAT16' ? 'float16' : BYTES.has(annotation) ? 'bytes' : undefined;
    default:
      return undefined;
  }
}

type Key = number | bigint;

/** The extremes of a chunk's values, page by page. */
export class MinMax {
  private min: Key | undefined;
  private max: Key | undefined;
  private minValue: unknown;
  private maxValue: unknown;
  private nans = 0;

  constructor(private readonly order: SortOrder) {}

  /** Present values as a typed array: INT32, INT64, FLOAT, DOUBLE, or BOOLEAN as 0 and 1. */
  addTyped(values: Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array): void {
    if (this.order === 'unsigned') {
      if (values instanceof BigInt64Array) this.addKeys(new BigUint64Array(values.buffer, values.byteOffset, values.length));
      else for (let i = 0; i < values.length; i++) this.add(values[i]! >>> 0, undefined);
    } else if (this.order === 'float' && (values instanceof Float64Array || values instanceof Float32Array)) this.addFloats(values);
    else this.addKeys(values);
  }

  /** Present byte-array values (order 'bytes': unsigned lexicographic). */
  addBytes(values: readonly Uint8Array[]): void {
    let min = this.minValue as Uint8Array | undefined;
    let max = this.maxValue as Uint8Array | undefined;
    for (const v of values) {
      if (min === undefined || compareBytes(v, min) < 0) min = v;
      if (max === undefined || compareBytes(v, max) > 0) max = v;
    }
    this.minValue = min;
    this.maxValue = max;
  }

  /** Decoded physical values, null where an entry holds none (orders 'unsigned', 'decimal' and 'float16'). */
  addDecoded(values: DecodedArray): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number | bigint | Uint8Array | null | undefined;
      if (v === null || v === undefined) continue;
      if (v instanceof Uint8Array) {
        if (this.order === 'float16') this.add(half(v), v);
        else this.add(signedBigEndian(v), undefined);
      } else if (this.order === 'unsigned') this.add(typeof v === 'bigint' ? BigInt.asUintN(64, v) : v >>> 0, undefined);
      else this.add(typeof v === 'bigint' ? v : BigInt(v), undefined);
    }
  }

  /** min_value and max_value (undefined when no value is present) as the footer writer takes them, and nan_count for floats. */
  statistics(): { min_value: Statistics['min_value']; max_value: Statistics['min_value']; nan_count?: bigint } {
    const nan = this.order === 'float' ? { nan_count: BigInt(this.nans) } : {};
    if (this.order === 'bytes') return { min_value: this.minValue as Uint8Array | undefined, max_value: this.maxValue as Uint8Array | undefined };
    if (this.min === undefined) return { min_value: undefined, max_value: undefined, ...nan };
    switch (this.order) {
      case 'float':
        return { min_value: this.min === 0 ? -0 : this.min, max_value: this.max === 0 ? 0 : this.max, ...nan };
      case 'float16':
        return { min_value: this.min === 0 ? Uint8Array.of(0, 0x80) : (this.minValue as Uint8Array), max_value: this.max === 0 ? Uint8Array.of(0, 0) : (this.maxValue as Uint8Array) };
      case 'decimal':
        return { min_value: BigInt(this.min), max_value: BigInt(this.max!) };
      default:
        return { min_value: this.min, max_value: this.max! };
    }
  }

  private addKeys(values: ArrayLike<Key>): void {
    let { min, max } = this;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) this.nans++;
      else {
        if (min === undefined || v < min) min = v;
        if (max === undefined || v > max) max = v;
      }
    }
    this.min = min;
    this.max = max;
  }

  /** Floats through floatRange (number comparisons only: the generic loop is several times slower); NaN is left out and counted. */
  private addFloats(values: Float32Array | Float64Array): void {
    floatRange(values, RANGE);
    const [min, max, nans] = RANGE as unknown as [number, number, number];
    this.nans += nans;
    // No value but NaN: nothing to add. Otherwise min <= max, and the first of -0 and 0 stays (as in addKeys).
    if (nans === values.length) return;
    if (this.min === undefined || min < this.min) this.min = min;
    if (this.max === undefined || max > this.max) this.max = max;
  }

  private add(key: Key, value: unknown): void {
    if (key !== key) return;
    if (this.min === undefined || key < this.min) (this.min = key), (this.minValue = value);
    if (this.max === undefined || key > this.max!) (this.max = key), (this.maxValue = value);
  }
}

const RANGE = new Float64Array(3);

/**
 * The min, max and NaN count of `values` into `out`, in a function of its
 * own: V8 optimizes a loop on its first long run, and code after it that
 * has not run yet then stops the optimized code (it is run once on short
 * arrays below, of both kinds, for that).
 */
function floatRange(values: Float32Array | Float64Array, out: Float64Array): void {
  let min = Infinity;
  let max = -Infinity;
  let nans = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== v) nans++;
  }
  out[0] = min;
  out[1] = max;
  out[2] = nans;
}

floatRange(new Float64Array(1), RANGE);
floatRange(new Float32Array(1), RANGE);

/** Unsigned lexicographic order of byte strings (a prefix first). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The value of a little-endian IEEE half. */
function half(bytes: Uint8Array): number {
  const bits = bytes[0]! | (bytes[1]! << 8);
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (exponent ? (1024 + fraction) * 2 ** (exponent - 25) : fraction * 2 ** -24);
}

/** A big-endian two's complement integer (a DECIMAL stored as bytes). */
function signedBigEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const byte of bytes) v = (v << 8n) | BigInt(byte);
  return bytes.length ? BigInt.asIntN(8 * bytes.length, v) : 0n;
}
