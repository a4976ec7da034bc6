/**
 * ZSTD compression (RFC 8878, the codec of Parquet's ZSTD pages): one frame
 * with the content size in its header, no dictionary and no checksum, in a
 * single segment up to 8 MiB (the window decoders are recommended to
 * support, and the window used beyond). Each block of 128 KiB is stored as
 * RLE when one byte repeats, compressed (matches from zstd-match.ts,
 * literals and sequences sections) when that is smaller, else raw. Tables
 * and buffers are allocated once and reused by every call.
 */
import { LiteralsWriter } from './zstd-literals.js';
import { findMatches, resetMatches } from './zstd-match.js';
import { writeSequences } from './zstd-sequences-section.js';
import { BLOCK_SIZE, Sequences } from './zstd-sequences.js';

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const WINDOW_LOG = 23;
const WINDOW = 1 << WINDOW_LOG;
const FRAME_HEADER_MAX = 14;
const BLOCK_HEADER = 3;
const RAW = 0;
const RLE = 1;
const COMPRESSED = 2;

/**
 * Room for a compressed block before it is found larger than the raw one:
 * literals little more than raw (128 KiB), and up to 32K sequences (matches
 * are 4 bytes or more) of at most 81 bits of states and extra bits each.
 */
const blockScratch = new Uint8Array(4 * BLOCK_SIZE);
const sequences = new Sequences();
const literals = new LiteralsWriter();

/** Largest possible frame for `n` bytes: the header and every block raw. */
function maxCompressedLength(n: number): number {
  return FRAME_HEADER_MAX + n + BLOCK_HEADER * Math.max(1, Math.ceil(n / BLOCK_SIZE));
}

/** Writes the little-endian `size` bytes of `value` (< 2^53) at `out[at]`; returns the end. */
function writeLittleEndian(out: Uint8Array, at: number, value: number, size: number): number {
  for (let i = 0; i < size; i++) {
    out[at++] = value % 256;
    value = Math.floor(value / 256);
  }
  return at;
}

function writeFrameHeader(out: Uint8Array, n: number): number {
  out.set(MAGIC);
  const single = n <= WINDOW;
  const sizeFlag = single && n < 256 ? 0 : n < 65536 + 256 ? 1 : n < 2 ** 32 ? 2 : 3;
  out[4] = (sizeFlag << 6) | (single ? 0x20 : 0);
  let at = 5;
  if (!single) out[at++] = (WINDOW_LOG - 10) << 3;
  return writeLittleEndian(out, at, sizeFlag === 1 ? n - 256 : n, [1, 2, 4, 8][sizeFlag]!);
}

function isRun(input: Uint8Array, start: number, end: number): boolean {
  const first = input[start];
  for (let i = start + 1; i < end; i++) if (input[i] !== first) return false;
  return true;
}

/** The compressed block of `input[start..end)` in `blockScratch`; returns its size. */
function compressBlock(input: Uint8Array, view: DataView, start: number, end: number, window: number): number {
  sequences.clear();
  sequences.end(input, findMatches(input, view, start, end, window, sequences), end);
  const literalsEnd = literals.write(sequences.literals, sequences.literalCount, blockScratch, 0);
  return writeSequences(sequences, blockScratch, literalsEnd);
}

/** The ZSTD frame of `input`, at the start of `into` when it is long enough (a view of it), else in a new buffer. */
export function zstdCompress(input: Uint8Array, into?: Uint8Array): Uint8Array {
  const n = input.length;
  const out = into && into.length >= maxCompressedLength(n) ? into : new Uint8Array(maxCompressedLength(n));
  let at = writeFrameHeader(out, n);
  const window = Math.min(n + 1, WINDOW);
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  resetMatches(n);
  sequences.rep0 = 1;
  sequences.rep1 = 4;
  sequences.rep2 = 8;
  for (let start = 0; ; start += BLOCK_SIZE) {
    const end = Math.min(n, start + BLOCK_SIZE);
    const size = end - start;
    const last = end === n ? 1 : 0;
    if (size > 1 && isRun(input, start, end)) {
      at = writeLittleEndian(out, at, last | (RLE << 1) | (size << 3), BLOCK_HEADER);
      out[at++] = input[start]!;
    } else {
      const { rep0, rep1, rep2 } = sequences;
      const compressed = compressBlock(input, view, start, end, window);
      if (compressed < size) {
        at = writeLittleEndian(out, at, last | (COMPRESSED << 1) | (compressed << 3), BLOCK_HEADER);
        out.set(blockScratch.subarray(0, compressed), at);
        at += compressed;
      } else {
        // Decoders keep the repeat offsets of compressed blocks only.
        sequences.rep0 = rep0;
        sequences.rep1 = rep1;
        sequences.rep2 = rep2;
        at = writeLittleEndian(out, at, last | (RAW << 1) | (size << 3), BLOCK_HEADER);
        out.set(input.subarray(start, end), at);
        at += size;
      }
    }
    if (last) return out.subarray(0, at);
  }
}
