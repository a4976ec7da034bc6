/**
 * Encoder of repetition and definition levels in Parquet's RLE / bit-packed
 * hybrid encoding, after parquet-mr's RunLengthBitPackingHybridEncoder: a
 * value repeated 8 times or more becomes an RLE run, anything else goes in
 * bit-packed groups of 8 values (at most 63 groups per run).
 */
import { ByteWriter } from 'hyparquet-writer';

/** The levels `values[0..count)` encoded with `bitWidth` bits each (1..8). */
export function encodeLevels(values: Uint8Array, count: number, bitWidth: number): Uint8Array {
  const out = new ByteWriter(Math.max(16, (count * bitWidth) >> 3));
  const buffered = new Uint8Array(8);
  let numBuffered = 0;
  let repeatCount = 0;
  let previous = -1;
  let groups = 0;
  let header = -1;

  const endBitPackedRun = () => {
    if (header < 0) return;
    new Uint8Array(out.buffer)[header] = (groups << 1) | 1;
    header = -1;
    groups = 0;
  };
  const writeBitPackedGroup = () => {
    if (groups >= 63) endBitPackedRun();
    if (header < 0) {
      header = out.offset;
      out.appendUint8(0);
    }
    // 8 values of bitWidth bits, LSB first: bitWidth bytes.
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < 8; i++) {
      acc |= buffered[i]! << bits;
      bits += bitWidth;
      while (bits >= 8) {
        out.appendUint8(acc & 0xff);
        acc >>>= 8;
        bits -= 8;
      }
    }
    numBuffered = 0;
    repeatCount = 0;
    groups++;
  };
  const writeRleRun = () => {
    endBitPackedRun();
    out.appendVarInt(repeatCount << 1);
    out.appendUint8(previous); // ceil(bitWidth / 8) = 1 byte for widths up to 8
    repeatCount = 0;
    numBuffered = 0;
  };

  for (let i = 0; i < count; i++) {
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
  return out.getBytes();
}
