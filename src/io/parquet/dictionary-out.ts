/**
 * Dictionary encoding of a column chunk's values: the distinct values (in
 * order of first appearance, for the PLAIN dictionary page) and each value's
 * index into them. It is used where it pays: the dictionary and the indices
 * at their bit width must take at most half the PLAIN bytes, and the
 * dictionary at most MAX_DICTIONARY_BYTES; otherwise the chunk is PLAIN.
 * A sample of the chunk rules out mostly distinct values before the whole
 * chunk is hashed.
 *
 * Values are keyed by their stored bytes: INT32 and INT64 by their 32-bit
 * words, byte arrays (and INT96, FIXED_LEN_BYTE_ARRAY) by content. Floats
 * are never dictionary-encoded here: keying numbers by value would merge -0
 * into 0 and NaN payloads.
 */
import type { ParquetType } from 'hyparquet';
import { bitWidthOf } from './rle.js';
import type { DenseValues } from './plain-write.js';

/** The largest dictionary (as PLAIN bytes) a chunk keeps; a larger one falls back to PLAIN. */
export const MAX_DICTIONARY_BYTES = 8 << 20;

/** Values sampled to rule out mostly distinct chunks. */
const SAMPLE = 1024;

export interface Dictionary {
  /** The distinct values, in the dense values' own type. */
  readonly values: Int32Array | BigInt64Array | Uint8Array[];
  /** For each present value, its index into `values`. */
  readonly indexes: Int32Array;
  /** Bits per index in the data pages. */
  readonly bitWidth: number;
}

/** The dictionary encoding of `dense` (values of physical `type`), or undefined when PLAIN is better or it would pass `limit` bytes. */
export function dictionaryOf(type: ParquetType, dense: DenseValues, fixed: number, limit = MAX_DICTIONARY_BYTES): Dictionary | undefined {
  if (type === 'BOOLEAN' || type === 'FLOAT' || type === 'DOUBLE' || dense.length === 0) return undefined;
  const n = dense.length;
  let plain = 0;
  if (Array.isArray(dense)) for (const value of dense) plain += fixed || value.length + 4;
  else plain = n * dense.BYTES_PER_ELEMENT;
  if (n > SAMPLE) {
    const sample = sampleOf(dense, n);
    const seen = build(sample, fixed, Infinity);
    if (seen && seen.count > 0.9 * SAMPLE) return undefined;
  }
  const built = build(dense, fixed, Math.min(limit, plain / 2));
  if (!built) return undefined;
  const bitWidth = Math.max(1, bitWidthOf(built.count - 1));
  if (2 * (built.bytes + Math.ceil((n * bitWidth) / 8)) > plain) return undefined;
  const values = Array.isArray(dense) ? Array.from(built.first.subarray(0, built.count), (i) => dense[i]!) : gather(dense as Int32Array | BigInt64Array, built.first, built.count);
  return { values, indexes: built.indexes, bitWidth };
}

function sampleOf(dense: DenseValues, n: number): DenseValues {
  const at = (i: number) => Math.floor((i * (n - 1)) / (SAMPLE - 1));
  if (Array.isArray(dense)) return Array.from({ length: SAMPLE }, (_, i) => dense[at(i)]!);
  const out = new (dense.constructor as new (n: number) => Int32Array | BigInt64Array)(SAMPLE);
  for (let i = 0; i < SAMPLE; i++) out[i] = (dense as Int32Array)[at(i)]!;
  return out;
}

function gather(dense: Int32Array | BigInt64Array, first: Int32Array, count: number): Int32Array | BigInt64Array {
  const out = new (dense.constructor as new (n: number) => Int32Array | BigInt64Array)(count);
  for (let i = 0; i < count; i++) out[i] = dense[first[i]!]!;
  return out;
}

interface Built {
  /** Distinct values. */
  count: number;
  /** Their PLAIN bytes. */
  bytes: number;
  /** Position in the dense values of each distinct value's first appearance. */
  first: Int32Array;
  indexes: Int32Array;
}

/**
 * Hashes every value into an open-addressing table (linear probing, kept at
 * most half full) of distinct values; undefined once their PLAIN bytes pass
 * `limit`.
 */
function build(dense: DenseValues, fixed: number, limit: number): Built | undefined {
  const n = dense.length;
  const bytesList = Array.isArray(dense) ? dense : undefined;
  const numbers = bytesList ? undefined : (dense as Int32Array | BigInt64Array);
  const words = numbers && new Int32Array(numbers.buffer, numbers.byteOffset, n * (numbers.BYTES_PER_ELEMENT >> 2));
  const wide = words !== undefined && words.length === 2 * n;
  const valueBytes = numbers ? numbers.BYTES_PER_ELEMENT : 0;
  const indexes = new Int32Array(n);
  let first: Int32Array = new Int32Array(64);
  let hashes: Int32Array = new Int32Array(64);
  let bits = 8;
  let slots: Int32Array = new Int32Array(1 << bits); // distinct value index + 1, 0 when empty
  let count = 0;
  let bytes = 0;

  const hashAt = (i: number): number => {
    if (words) return wide ? Math.imul(words[2 * i]! ^ Math.imul(words[2 * i + 1]!, 0x85ebca6b), 0x9e3779b1) : Math.imul(words[i]!, 0x9e3779b1);
    const value = bytesList![i]!;
    let h = 0x811c9dc5; // FNV-1a
    for (let b = 0; b < value.length; b++) h = Math.imul(h ^ value[b]!, 0x01000193);
    return Math.imul(h, 0x9e3779b1);
  };
  const same = (i: number, j: number): boolean => {
    if (words) return wide ? words[2 * i] === words[2 * j] && words[2 * i + 1] === words[2 * j + 1] : words[i] === words[j];
    const a = bytesList![i]!;
    const b = bytesList![j]!;
    if (a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
    return true;
  };
  const grow = () => {
    bits++;
    slots = new Int32Array(1 << bits);
    for (let d = 0; d < count; d++) {
      let s = hashes[d]! >>> (32 - bits);
      while (slots[s]) s = (s + 1) & ((1 << bits) - 1);
      slots[s] = d + 1;
    }
  };

  for (let i = 0; i < n; i++) {
    const hash = hashAt(i);
    const mask = (1 << bits) - 1;
    let s = hash >>> (32 - bits);
    let index = -1;
    for (let slot = slots[s]!; slot; slot = slots[s]!) {
      if (hashes[slot - 1] === hash && same(first[slot - 1]!, i)) {
        index = slot - 1;
        break;
      }
      s = (s + 1) & mask;
    }
    if (index < 0) {
      index = count++;
      bytes += valueBytes || fixed || bytesList![i]!.length + 4;
      if (bytes > limit) return undefined;
      if (count > first.length) {
        first = grown(first);
        hashes = grown(hashes);
      }
      first[index] = i;
      hashes[index] = hash;
      slots[s] = count;
      if (2 * count > slots.length) grow();
    }
    indexes[i] = index;
  }
  return { count, bytes, first, indexes };
}

function grown(array: Int32Array): Int32Array {
  const out = new Int32Array(array.length * 2);
  out.set(array);
  return out;
}
