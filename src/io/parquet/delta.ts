/**
 * DELTA_BINARY_PACKED, the Parquet encoding of INT32 and INT64 values (and
 * of the lengths inside DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY):
 *
 *   header: <block size> <miniblocks per block> <total values> <first value>
 *   block:  <min delta> <one bit width byte per miniblock> <miniblocks>
 *
 * ULEB128 varints, the first value and min delta zigzag-encoded. A miniblock
 * bit-packs (least significant bit first) delta - min delta of its
 * block size / miniblocks values; the last miniblock holding values is padded
 * to its full size, and the miniblocks after it keep their width byte (of any
 * value) but have no bytes. Values wrap: modulo 2^32 for INT32 and 2^64 for
 * INT64, so an INT32 writer that takes its deltas in 64 bits (widths up to
 * 64, min deltas out of 32-bit range) decodes to the same values.
 *
 * INT64 values are added as two 32-bit halves, not as BigInts.
 */
import { CorruptParquet } from './faults.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Where the low and the high half of a 64-bit value lie, in 32-bit words. */
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;
const TWO_32 = 4294967296;

/** A position in bytes[pos, end), and the halves of the last varint read. */
class Cursor {
  lo = 0;
  hi = 0;
  constructor(readonly bytes: Uint8Array, public pos: number, readonly end: number) {}

  /** Reads a varint of up to 64 bits into lo and hi (as unsigned 32-bit numbers). */
  varint(): void {
    const { bytes, end } = this;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= end) throw new CorruptParquet('DELTA_BINARY_PACKED data ends early');
      const byte = bytes[this.pos++]!;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) (lo |= bits << 28), (hi |= bits >>> 4);
      else hi |= bits << (shift - 32);
      if (byte < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new CorruptParquet('DELTA_BINARY_PACKED varint over 10 bytes');
  }

  /** Reads a zigzag varint into lo and hi (as signed 32-bit numbers, the bits of the signed 64-bit value). */
  zigzag(): void {
    this.varint();
    const sign = -(this.lo & 1);
    const lo = ((this.lo >>> 1) | (this.hi << 31)) ^ sign;
    this.hi = (this.hi >>> 1) ^ sign;
    this.lo = lo;
  }

  /** Reads a varint that must be below 2^32. */
  uint32(what: string): number {
    this.varint();
    if (this.hi !== 0) throw new CorruptParquet(`DELTA_BINARY_PACKED ${what} over 2^32`);
    return this.lo;
  }
}

/**
 * Decodes as many values as `out` holds from bytes[start, end); the data
 * must hold exactly that many. Returns where the data ends (after the
 * padding of its last miniblock, at most `end`).
 */
export function readDeltaBinaryPacked(bytes: Uint8Array, start: number, end: number, out: Int32Array | BigInt64Array): number {
  const c = new Cursor(bytes, start, end);
  const blockSize = c.uint32('block size');
  const miniblocks = c.uint32('miniblock count');
  const perMiniblock = blockSize / miniblocks;
  if (blockSize === 0 || blockSize % 128 !== 0 || miniblocks === 0 || perMiniblock % 32 !== 0) {
    throw new CorruptParquet(`bad DELTA_BINARY_PACKED block layout (${blockSize} values in ${miniblocks} miniblocks)`);
  }
  const total = c.uint32('value count');
  if (total !== out.length) throw new CorruptParquet(`DELTA_BINARY_PACKED data of ${total} values where ${out.length} are expected`);
  c.zigzag();
  if (total === 0) return c.pos;
  return out instanceof Int32Array ? unpack32(c, perMiniblock, miniblocks, out) : unpack64(c, perMiniblock, miniblocks, out);
}

/** Bits [shift, shift + count) of the bytes from `at` on (count 1 to 32), as a 32-bit number. */
function bitsAt(bytes: Uint8Array, at: number, shift: number, count: number): number {
  let value = bytes[at]! >>> shift;
  for (let got = 8 - shift; got < count; got += 8) value |= bytes[++at]! << got;
  return count === 32 ? value : value & ((1 << count) - 1);
}

/**
 * The width of the miniblock at the cursor, checked, as are the bytes of
 * its first `used` values.
 */
function miniblock(c: Cursor, widthAt: number, used: number): number {
  const width = c.bytes[widthAt]!;
  if (width > 64) throw new CorruptParquet(`DELTA_BINARY_PACKED miniblock of ${width}-bit values`);
  if (c.pos + Math.ceil((used * width) / 8) > c.end) throw new CorruptParquet('DELTA_BINARY_PACKED data ends early');
  return width;
}

function unpack32(c: Cursor, perMiniblock: number, miniblocks: number, out: Int32Array): number {
  const { bytes } = c;
  const n = out.length;
  let value = c.lo | 0;
  out[0] = value;
  let i = 1;
  while (i < n) {
    c.zigzag();
    const minDelta = c.lo | 0;
    const widths = c.pos;
    if (widths + miniblocks > c.end) throw new CorruptParquet('DELTA_BINARY_PACKED data ends early');
    c.pos += miniblocks;
    for (let m = 0; m < miniblocks && i < n; m++) {
      const used = Math.min(perMiniblock, n - i);
      const width = miniblock(c, widths + m, used);
      const at = c.pos;
      if (width === 0) {
        for (let k = 0; k < used; k++) out[i + k] = value = (value + minDelta) | 0;
      } else {
        // Bits past the 32nd vanish modulo 2^32; eight values take `width` whole bytes.
        const take = width < 32 ? width : 32;
        for (let k = 0; k < used; k++) {
          const bit = (k & 7) * width;
          const packed = bitsAt(bytes, at + (k >>> 3) * width + (bit >>> 3), bit & 7, take);
          out[i + k] = value = (value + minDelta + packed) | 0;
        }
      }
      i += used;
      c.pos += (perMiniblock * width) / 8;
    }
  }
  return Math.min(c.pos, c.end);
}

function unpack64(c: Cursor, perMiniblock: number, miniblocks: number, out: BigInt64Array): number {
  const { bytes } = c;
  const n = out.length;
  const words = new Int32Array(out.buffer, out.byteOffset, n * 2);
  let lo = c.lo >>> 0;
  let hi = c.hi | 0;
  words[LO] = lo;
  words[HI] = hi;
  let i = 1;
  while (i < n) {
    c.zigzag();
    const minLo = c.lo >>> 0;
    const minHi = c.hi | 0;
    const widths = c.pos;
    if (widths + miniblocks > c.end) throw new CorruptParquet('DELTA_BINARY_PACKED data ends early');
    c.pos += miniblocks;
    for (let m = 0; m < miniblocks && i < n; m++) {
      const used = Math.min(perMiniblock, n - i);
      const width = miniblock(c, widths + m, used);
      const at = c.pos;
      const low = width < 32 ? width : 32;
      for (let k = 0; k < used; k++) {
        let packedLo = 0;
        let packedHi = 0;
        if (width !== 0) {
          const bit = (k & 7) * width;
          const from = at + (k >>> 3) * width + (bit >>> 3);
          packedLo = bitsAt(bytes, from, bit & 7, low) >>> 0;
          if (width > 32) packedHi = bitsAt(bytes, from + 4, bit & 7, width - 32);
        }
        const sum = lo + minLo + packedLo;
        lo = sum >>> 0;
        hi = (hi + minHi + packedHi + Math.floor(sum / TWO_32)) | 0;
        words[2 * (i + k) + LO] = lo;
        words[2 * (i + k) + HI] = hi;
      }
      i += used;
      c.pos += (perMiniblock * width) / 8;
    }
  }
  return Math.min(c.pos, c.end);
}
