/**
 * Finding the matches of zstd blocks, in the spirit of the reference
 * encoder's fast strategy: one hash table of 6-byte sequences, the most recent offset tried one byte ahead of each
 * probe, the second most recent right after each match, and ever sparser
 * probes while nothing matches, so that incompressible stretches cost
 * little more than a copy. The table holds positions in the whole input,
 * so matches reach back into earlier blocks.
 */
import type { Sequences } from './zstd-sequences.js';

const MAX_HASH_LOG = 15;
const MIN_HASH_LOG = 8;
/** Probes get one byte further apart per this many bytes without a match (log2). */
const SKIP_LOG = 8;
/** Bytes read at each probe. */
const PROBE_BYTES = 8;

const table = new Int32Array(1 << MAX_HASH_LOG);
let shift = 32 - MAX_HASH_LOG;

/** The hash of the 6 bytes at `i`, in `32 - bits` bits. */
function hash(view: DataView, i: number, bits: number): number {
  return (Math.imul(view.getInt32(i, true), 0x9e3779b1) ^ Math.imul(view.getUint16(i + 4, true), 0x85ebca77)) >>> bits;
}

/** The length of the common run of the bytes from `i` (up to `end`) and from `j` < i. */
function extend(view: DataView, i: number, j: number, end: number): number {
  const from = i;
  while (i + 4 <= end) {
    const diff = view.getInt32(i, true) ^ view.getInt32(j, true);
    // The lowest differing bit is in the first differing byte (little-endian).
    if (diff !== 0) return i - from + ((31 - Math.clz32(diff & -diff)) >> 3);
    i += 4;
    j += 4;
  }
  while (i < end && view.getUint8(i) === view.getUint8(j)) {
    i++;
    j++;
  }
  return i - from;
}

/** Empties the hash table, sized for an input of `length` bytes. */
export function resetMatches(length: number): void {
  let log = MIN_HASH_LOG;
  while (log < MAX_HASH_LOG && 1 << log < length) log++;
  shift = 32 - log;
  table.fill(0, 0, 1 << log);
}

/**
 * Adds the sequences of block `input[start..end)` (read through `view`) to
 * `out`, with offsets below `window`; returns where the literals after the
 * last match start.
 */
export function findMatches(input: Uint8Array, view: DataView, start: number, end: number, window: number, out: Sequences): number {
  const limit = end - PROBE_BYTES;
  const bits = shift;
  const positions = table;
  let anchor = start;
  let ip = Math.max(start, 1);
  let afterMatch = false;
  let rep0 = out.rep0;
  let rep1 = out.rep1;
  while (ip < limit) {
    let offset: number;
    let matchStart = ip;
    if (afterMatch && ip >= rep1 && view.getInt32(ip, true) === view.getInt32(ip - rep1, true)) {
      // The second most recent offset right after a match (no literals): a repeat code.
      offset = rep1;
    } else {
      const word = view.getInt32(ip, true);
      const h = (Math.imul(word, 0x9e3779b1) ^ Math.imul(view.getUint16(ip + 4, true), 0x85ebca77)) >>> bits;
      const candidate = positions[h]!;
      positions[h] = ip;
      if (ip + 1 >= rep0 && view.getInt32(ip + 1 - rep0, true) === view.getInt32(ip + 1, true)) {
        offset = rep0;
        matchStart = ip + 1;
      } else if (ip - candidate < window && candidate < ip && view.getInt32(candidate, true) === word) {
        offset = ip - candidate;
      } else {
        ip += ((ip - anchor) >> SKIP_LOG) + 1;
        afterMatch = false;
        continue;
      }
    }
    let length = 4 + extend(view, matchStart + 4, matchStart + 4 - offset, end);
    while (matchStart > anchor && matchStart > offset && input[matchStart - 1] === input[matchStart - 1 - offset]) {
      matchStart--;
      length++;
    }
    out.add(input, anchor, matchStart, offset, length);
    rep0 = out.rep0;
    rep1 = out.rep1;
    ip = matchStart + length;
    anchor = ip;
    afterMatch = true;
    if (ip >= limit) break;
    positions[hash(view, matchStart + 2, bits)] = matchStart + 2;
    positions[hash(view, ip - 2, bits)] = ip - 2;
  }
  return anchor;
}
