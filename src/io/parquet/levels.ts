/**
 * Encoder of Parquet's RLE / bit-packed hybrid encoding (repetition and
 * definition levels, dictionary indices, RLE booleans), after parquet-mr's
 * RunLengthBitPackingHybridEncoder: a value repeated 8 times or more becomes
 * an RLE run, anything else goes in bit-packed groups of 8 values. A
 * bit-packed run has one header however many groups it holds (parquet-mr
 * stops at 63, which a one-byte header counts). The bytes are made in one
 * buffer used again for every call, then copied out at their length.
 */

/** Where the runs are made: grown to the largest encoding so far. */
let scratch = new Uint8Array(1 << 16);

/** The values `values[start, start + count)` encoded with `bitWidth` bits each (0..32). */
export function encodeLevels(values: ArrayLike<number>, count: number, bitWidth: number, start = 0): Uint8Array {
  // At most: every value bit-packed, a header before every 8 values, and an RLE run's header and value after every 8.
  const most = Math.ceil(count / 8) * (bitWidth + 10) + 16;
  if (scratch.length < most) scratch = new Uint8Array(most);
  const out = scratch;
  const buffered = new Int32Array(8);
  const valueBytes = (bitWidth + 7) >> 3;
  let at = 0;
  let numBuffered = 0;
  let repeatCount = 0;
  let previous = -1;
  let groups = 0;
  let header = -1;

  const endBitPackedRun = () => {
    if (header < 0) return;
    const count = (groups << 1) | 1;
    // One byte was kept for the header; a longer one moves the run up.
    const length = count < 1 << 7 ? 1 : count < 1 << 14 ? 2 : count < 1 << 21 ? 3 : 4;
    if (length > 1) out.copyWithin(header + length, header + 1, at);
    at += length - 1;
    for (let i = 0, v = count; i < length; i++, v >>>= 7) out[header + i] = (v & 0x7f) | (i < length - 1 ? 0x80 : 0);
    header = -1;
    groups = 0;
  };
  const writeBitPackedGroup = () => {
    if (header < 0) header = at++;
    // 8 values of bitWidth bits, LSB first: bitWidth bytes.
    if (bitWidth <= 24) {
      let acc = 0;
      let bits = 0;
      for (let i = 0; i < 8; i++) {
        acc |= buffered[i]! << bits;
        bits += bitWidth;
        while (bits >= 8) {
          out[at++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
    } else at = packWide(out, at, buffered, bitWidth);
    numBuffered = 0;
    repeatCount = 0;
    groups++;
  };
  const writeRleRun = () => {
    endBitPackedRun();
    for (let v = repeatCount << 1; ; v >>>= 7) {
      if (v < 0x80) {
        out[at++] = v;
        break;
      }
      out[at++] = (v & 0x7f) | 0x80;
    }
    for (let b = 0; b < valueBytes; b++) out[at++] = (previous >>> (8 * b)) & 0xff;
    repeatCount = 0;
    numBuffered = 0;
  };

  const end = start + count;
  for (let i = start; i < end; i++) {
    const value = values[i]!;
    if (value === previous) {
      if (++repeatCount >= 8) continue;
    } else {
      if (repeatCount >= 8) writeRleRun();
      repeatCount = 1;
      previous = value;
    }
    buffered[numBuffered++] = value;
    if (numBuffered === 8) writeBitPackedGroup();
  }
  if (repeatCount >= 8) writeRleRun();
  else if (numBuffered > 0) {
    buffered.fill(0, numBuffered);
    writeBitPackedGroup();
  }
  endBitPackedRun();
  return out.slice(0, at);
}

/** Bit-packs 8 values wider than 24 bits at `out[at]`, a byte's worth of bits at a time; returns the end. */
function packWide(out: Uint8Array, at: number, values: Int32Array, bitWidth: number): number {
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < 8; i++) {
    let value = values[i]! >>> 0;
    let left = bitWidth;
    while (left > 0) {
      const take = Math.min(8 - bits, left);
      acc |= (value & ((1 << take) - 1)) << bits;
      bits += take;
      value >>>= take;
      left -= take;
      if (bits === 8) {
        out[at++] = acc;
        acc = 0;
        bits = 0;
      }
    }
  }
  return at;
}
