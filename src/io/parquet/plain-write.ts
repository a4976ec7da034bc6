/**
 * The present values of a leaf's chunk gathered densely by physical type
 * (typed arrays for numbers, 0/1 bytes for booleans, byte views for byte
 * arrays), and their PLAIN encoding: numbers as their little-endian bytes
 * (the typed arrays' own memory, so -0 and NaN payloads survive), booleans
 * bit-packed LSB first, BYTE_ARRAY values each after a 4-byte length,
 * FIXED_LEN_BYTE_ARRAY and INT96 values back to back. Booleans also have
 * the RLE encoding: a 4-byte length, then the RLE / bit-packed hybrid of
 * width 1.
 */
import type { DecodedArray, ParquetType } from 'hyparquet';
import { encodeLevels } from './levels.js';

/** Present values of a chunk, by physical type. */
export type DenseValues = Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array | Uint8Array[];

type TypedCtor = new (n: number) => Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;

const TYPED: Partial<Record<ParquetType, TypedCtor>> = {
  BOOLEAN: Uint8Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FLOAT: Float32Array,
  DOUBLE: Float64Array,
};

/**
 * The values of the entries whose definition level is `maxDef` (all of
 * them without levels), in order. `values` holds one slot per entry.
 */
export function denseValues(type: ParquetType, values: DecodedArray, def: ArrayLike<number> | undefined, maxDef: number, entries: number): DenseValues {
  const present = (k: number) => !def || def[k] === maxDef;
  let count = entries;
  if (def) for (let k = 0; k < entries; k++) if (def[k] !== maxDef) count--;
  const Typed = TYPED[type];
  if (!Typed) {
    const out = new Array<Uint8Array>(count);
    let n = 0;
    for (let k = 0; k < entries; k++) if (present(k)) out[n++] = values[k] as Uint8Array;
    return out;
  }
  if (count === entries && values instanceof Typed && values.length === entries) return values;
  const out = new Typed(count);
  let n = 0;
  const boolean = type === 'BOOLEAN';
  for (let k = 0; k < entries; k++) {
    if (!present(k)) continue;
    out[n++] = (boolean ? (values[k] ? 1 : 0) : values[k]) as never;
  }
  return out;
}

/** Bytes the PLAIN encoding of value `i` takes (booleans count a byte: a page is cut by estimate). */
export function plainSize(dense: DenseValues, i: number, fixed: number): number {
  return Array.isArray(dense) ? (fixed || dense[i]!.length + 4) : dense.BYTES_PER_ELEMENT;
}

/** PLAIN encoding of values [from, to); `fixed` is the width of FIXED_LEN_BYTE_ARRAY and INT96 values, 0 for BYTE_ARRAY. */
export function plainBytes(type: ParquetType, dense: DenseValues, from: number, to: number, fixed: number): Uint8Array {
  if (Array.isArray(dense)) return fixed ? fixedBytes(dense, from, to, fixed) : byteArrays(dense, from, to);
  if (type === 'BOOLEAN') return packBooleans(dense as Uint8Array, from, to);
  const size = dense.BYTES_PER_ELEMENT;
  return new Uint8Array(dense.buffer, dense.byteOffset + from * size, (to - from) * size);
}

/** RLE encoding of booleans [from, to). */
export function rleBooleans(dense: Uint8Array, from: number, to: number): Uint8Array {
  const runs = encodeLevels(dense, to - from, 1, from);
  const out = new Uint8Array(4 + runs.length);
  new DataView(out.buffer).setUint32(0, runs.length, true);
  out.set(runs, 4);
  return out;
}

function packBooleans(dense: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array((to - from + 7) >> 3);
  for (let i = from; i < to; i++) if (dense[i]) out[(i - from) >> 3]! |= 1 << ((i - from) & 7);
  return out;
}

function byteArrays(values: Uint8Array[], from: number, to: number): Uint8Array {
  let total = 0;
  for (let i = from; i < to; i++) total += 4 + values[i]!.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (let i = from; i < to; i++) {
    const value = values[i]!;
    view.setUint32(at, value.length, true);
    out.set(value, at + 4);
    at += 4 + value.length;
  }
  return out;
}

function fixedBytes(values: Uint8Array[], from: number, to: number, width: number): Uint8Array {
  const out = new Uint8Array((to - from) * width);
  for (let i = from; i < to; i++) {
    const value = values[i]!;
    if (value.length !== width) throw new Error(`a value of ${value.length} bytes in a column of ${width}-byte values`);
    out.set(value, (i - from) * width);
  }
  return out;
}
