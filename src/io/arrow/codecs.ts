/**
 * Decompression of Arrow IPC body buffers: LZ4 frame format (with a small
 * frame parser around an LZ4 block decoder) and Zstandard (fzstd). Both
 * write into a caller-sized output and fail unless it is filled exactly.
 */
import { decompressZstd } from 'hyparquet-compressors';
import { ArrowFormatError } from './format-error.js';

/** CompressionType of Arrow's Message.fbs. */
export const Codec = { LZ4_FRAME: 0, ZSTD: 1 } as const;

/** Decompresses `input` into `output`, which must come out exactly full. */
export function decompressInto(codec: number, input: Uint8Array, output: Uint8Array): void {
  if (codec === Codec.LZ4_FRAME) {
    const written = lz4Frames(input, output);
    if (written !== output.length) fail(`LZ4 data is ${written} bytes, ${output.length} expected`);
  } else {
    const size = zstdContentSize(input);
    if (size !== null && size !== output.length) fail(`Zstandard data is ${size} bytes, ${output.length} expected`);
    if (decompressZstd(input, output) !== output) fail('Zstandard data does not fit its declared size');
  }
}

function fail(what: string): never {
  throw new ArrowFormatError(`corrupt compressed buffer (${what})`);
}

function u32(input: Uint8Array, at: number): number {
  if (at + 4 > input.length) fail('truncated');
  return (input[at]! | (input[at + 1]! << 8) | (input[at + 2]! << 16) | (input[at + 3]! << 24)) >>> 0;
}

/** Decodes every LZ4 frame of the input into the output; returns the bytes written. */
function lz4Frames(input: Uint8Array, output: Uint8Array): number {
  let i = 0;
  let o = 0;
  while (i < input.length) {
    const magic = u32(input, i);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      i += 8 + u32(input, i + 4); // skippable frame
      continue;
    }
    if (magic !== 0x184d2204) fail('not an LZ4 frame');
    if (i + 7 > input.length) fail('truncated');
    const flags = input[i + 4]!;
    if (flags >> 6 !== 1) fail('unknown LZ4 frame version');
    if (flags & 1) fail('LZ4 dictionary frames are not supported');
    i += 6;
    let contentSize = -1;
    if (flags & 0x08) {
      contentSize = u32(input, i) + u32(input, i + 4) * 2 ** 32;
      i += 8;
    }
    i += 1; // header checksum
    const frameStart = o;
    for (;;) {
      const word = u32(input, i);
      i += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (i + size > input.length) fail('truncated');
      if (word & 0x80000000) {
        if (o + size > output.length) fail('more data than declared');
        output.set(input.subarray(i, i + size), o);
        o += size;
      } else {
        o = lz4Block(input, i, i + size, output, o);
      }
      i += size + (flags & 0x10 ? 4 : 0);
    }
    if (flags & 0x04) i += 4;
    if (contentSize >= 0 && o - frameStart !== contentSize) fail('LZ4 frame size mismatch');
  }
  return o;
}

/** Decodes one LZ4 block (input[start, end)) at output[o]; matches may reach into earlier blocks. */
function lz4Block(input: Uint8Array, start: number, end: number, output: Uint8Array, o: number): number {
  let i = start;
  const byte = (): number => {
    if (i >= end) fail('truncated LZ4 block');
    return input[i++]!;
  };
  const extend = (n: number): number => {
    if (n !== 15) return n;
    let b: number;
    do n += b = byte();
    while (b === 255);
    return n;
  };
  while (i < end) {
    const token = byte();
    const literals = extend(token >> 4);
    if (i + literals > end || o + literals > output.length) fail('LZ4 literals out of range');
    output.set(input.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    if (i >= end) break; // the last sequence has literals only
    const offset = byte() | (byte() << 8);
    if (offset === 0 || offset > o) fail('LZ4 match offset out of range');
    let remaining = extend(token & 15) + 4;
    if (o + remaining > output.length) fail('more data than declared');
    // An overlapping match repeats the last `offset` bytes; copy in growing runs.
    const from = o - offset;
    while (remaining > 0) {
      const n = Math.min(remaining, o - from);
      output.copyWithin(o, from, from + n);
      o += n;
      remaining -= n;
    }
  }
  return o;
}

/** The content size a Zstandard frame header declares, or null when it does not. */
function zstdContentSize(input: Uint8Array): number | null {
  if (u32(input, 0) !== 0xfd2fb528) fail('not a Zstandard frame');
  if (input.length < 5) fail('truncated');
  const descriptor = input[4]!;
  const singleSegment = (descriptor >> 5) & 1;
  const sizeBytes = [singleSegment, 2, 4, 8][descriptor >> 6]!;
  if (sizeBytes === 0) return null;
  const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3]!;
  if (at + sizeBytes > input.length) fail('truncated');
  let size = 0;
  for (let k = sizeBytes - 1; k >= 0; k--) size = size * 256 + input[at + k]!;
  return sizeBytes === 2 ? size + 256 : size;
}
