/**
 * The RLE / bit-packed hybrid encoding of Parquet (levels, dictionary
 * indices, RLE booleans), decoded into typed arrays. Every count comes from
 * the file, so nothing is ever written past the output array and a run that
 * ends beyond its bytes is an error, not a read of garbage.
 */
import { CorruptParquet } from './faults.js';

/** Bits needed to store values up to `max`. */
export function bitWidthOf(max: number): number {
  return max === 0 ? 0 : 32 - Math.clz32(max);
}

/**
 * The header of a run at bytes[pos, end) (a ULEB128 varint: the run's length
 * and kind); `after.end` is set to the position after it.
 */
export function readRunHeader(bytes: Uint8Array, pos: number, end: number, after: { end: number }): number {
  let header = 0;
  let shift = 0;
  for (;;) {
    if (pos >= end || shift > 28) throw new CorruptParquet('bad run header');
    const byte = bytes[pos++]!;
    header += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) break;
  }
  after.end = pos;
  return header;
}

/** The repeated value of an RLE run: `valueBytes` little-endian bytes from `pos`. */
export function runValue(bytes: Uint8Array, pos: number, valueBytes: number): number {
  let value = 0;
  for (let i = 0; i < valueBytes; i++) value += bytes[pos + i]! * 2 ** (8 * i);
  return value;
}

/**
 * Decodes `count` values of `bitWidth` bits from bytes[start, end) into
 * out[0, count). Returns the position after the last run read.
 */
export function readRleHybrid(
  bytes: Uint8Array, start: number, end: number, bitWidth: number, out: Uint8Array | Int32Array, count: number,
): number {
  if (bitWidth > 32) throw new CorruptParquet(`bit width ${bitWidth} is larger than 32`);
  if (bitWidth === 0) {
    out.fill(0, 0, count);
    return start;
  }
  const valueBytes = (bitWidth + 7) >> 3;
  const run = { end: 0 };
  let pos = start;
  let filled = 0;
  while (filled < count) {
    if (pos >= end) throw new CorruptParquet(`encoded data ends after ${filled} of ${count} values`);
    const header = readRunHeader(bytes, pos, end, run);
    pos = run.end;
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2);
      const take = Math.min(groups * 8, count - filled);
      const runEnd = Math.min(end, pos + groups * bitWidth);
      if (pos + Math.ceil((take * bitWidth) / 8) > end) throw new CorruptParquet('bit-packed run ends past its page');
      unpack(bytes, pos, bitWidth, out, filled, take);
      filled += take;
      pos = runEnd;
    } else {
      const length = header / 2;
      if (pos + valueBytes > end) throw new CorruptParquet('RLE run ends past its page');
      const value = runValue(bytes, pos, valueBytes);
      pos += valueBytes;
      const take = Math.min(length, count - filled);
      out.fill(value | 0, filled, filled + take);
      filled += take;
    }
  }
  return pos;
}

function unpack(bytes: Uint8Array, pos: number, bitWidth: number, out: Uint8Array | Int32Array, at: number, take: number): void {
  if (bitWidth <= 24) {
    const mask = (1 << bitWidth) - 1;
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < take; i++) {
      while (bits < bitWidth) {
        buffer |= bytes[pos++]! << bits;
        bits += 8;
      }
      out[at + i] = buffer & mask;
      buffer >>>= bitWidth;
      bits -= bitWidth;
    }
    return;
  }
  // Wider values (dictionary indices) can straddle five bytes: use float arithmetic.
  const scale = 2 ** bitWidth;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < take; i++) {
    while (bits < bitWidth) {
      buffer += bytes[pos++]! * 2 ** bits;
      bits += 8;
    }
    out[at + i] = buffer % scale | 0;
    buffer = Math.floor(buffer / scale);
    bits -= bitWidth;
  }
}

/** Decodes `count` levels (each at most `max`) from an RLE run of known byte length. */
export function readLevels(bytes: Uint8Array, start: number, end: number, max: number, count: number, what: string): Uint8Array {
  const levels = new Uint8Array(count);
  const width = bitWidthOf(max);
  readRleHybrid(bytes, start, end, width, levels, count);
  // With max = 2^width - 1 (1, 3, 7...), no level can exceed it.
  if (max === 2 ** width - 1) return levels;
  for (let i = 0; i < count; i++) {
    if (levels[i]! > max) throw new CorruptParquet(`${what} level ${levels[i]} is above the maximum ${max}`);
  }
  return levels;
}
