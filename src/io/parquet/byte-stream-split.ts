/**
 * BYTE_STREAM_SPLIT, a Parquet encoding of fixed-width values (FLOAT, DOUBLE,
 * INT32, INT64, FIXED_LEN_BYTE_ARRAY): for `count` values of `width` bytes,
 * `width` streams of `count` bytes one after another, stream k holding byte k
 * of every value.
 */
import { CorruptParquet } from './faults.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The `count` values of `width` bytes that bytes[start, end) splits into
 * streams, one after another in a fresh buffer (aligned for any typed array).
 */
export function joinByteStreams(bytes: Uint8Array, start: number, end: number, count: number, width: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(width) || width <= 0) throw new CorruptParquet(`BYTE_STREAM_SPLIT of ${width}-byte values`);
  const size = count * width;
  if (start + size > end) throw new CorruptParquet(`BYTE_STREAM_SPLIT values need ${size} bytes, only ${Math.max(0, end - start)} are left`);
  const out = new Uint8Array(size);
  if (LITTLE_ENDIAN && width === 4) {
    // One 32-bit store per value instead of four byte stores far apart.
    const words = new Uint32Array(out.buffer);
    const s1 = start + count;
    const s2 = s1 + count;
    const s3 = s2 + count;
    for (let i = 0; i < count; i++) {
      words[i] = (bytes[start + i]! | (bytes[s1 + i]! << 8) | (bytes[s2 + i]! << 16) | (bytes[s3 + i]! << 24)) >>> 0;
    }
  } else if (LITTLE_ENDIAN && width === 8) {
    const words = new Uint32Array(out.buffer);
    const [s0, s1, s2, s3] = [start, start + count, start + 2 * count, start + 3 * count];
    const [s4, s5, s6, s7] = [s0 + 4 * count, s1 + 4 * count, s2 + 4 * count, s3 + 4 * count];
    for (let i = 0; i < count; i++) {
      words[2 * i] = (bytes[s0 + i]! | (bytes[s1 + i]! << 8) | (bytes[s2 + i]! << 16) | (bytes[s3 + i]! << 24)) >>> 0;
      words[2 * i + 1] = (bytes[s4 + i]! | (bytes[s5 + i]! << 8) | (bytes[s6 + i]! << 16) | (bytes[s7 + i]! << 24)) >>> 0;
    }
  } else {
    for (let k = 0; k < width; k++) {
      const stream = start + k * count;
      for (let i = 0; i < count; i++) out[i * width + k] = bytes[stream + i]!;
    }
  }
  return out;
}
