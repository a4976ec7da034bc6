/**
 * The literals section of a compressed zstd block (RFC 8878, 3.1.1.3.1):
 * raw, RLE, or Huffman-coded in one stream (under 256 literals) or four
 * with a jump table, Huffman only when it saves at least 1/64 of the size,
 * as the reference encoder judges.
 */
import { encodeStream, HuffmanTable } from './zstd-huffman.js';

const RAW = 0;
const RLE = 1;
const COMPRESSED = 2;
/** Fewer literals are not worth a tree. */
const MIN_HUFFMAN = 64;
const MIN_FOUR_STREAMS = 256;
const JUMP_TABLE = 6;

/** Bytes of a raw or RLE literals header for `n` literals. */
function rawHeaderSize(n: number): number {
  return n < 32 ? 1 : n < 4096 ? 2 : 3;
}

/** Writes a raw or RLE literals header at `out[at]`; returns its end. */
function writeRawHeader(type: number, n: number, out: Uint8Array, at: number): number {
  if (n < 32) {
    out[at] = type | (n << 3);
    return at + 1;
  }
  out[at] = type | (n < 4096 ? 1 << 2 : 3 << 2) | ((n & 15) << 4);
  out[at + 1] = n >>> 4;
  if (n < 4096) return at + 2;
  out[at + 2] = n >>> 12;
  return at + 3;
}

/** How many times each byte value occurs in `bytes[0..n)` (a function of its own, see zstd-sequences-section.ts). */
function countBytes(bytes: Uint8Array, n: number, counts: Uint32Array): void {
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[bytes[i]!]!++;
}

export class LiteralsWriter {
  private readonly counts = new Uint32Array(256);
  private readonly table = new HuffmanTable();

  /** Writes the literals section of `literals[0..n)` at `out[at]`; returns its end. */
  write(literals: Uint8Array, n: number, out: Uint8Array, at: number): number {
    const counts = this.counts;
    countBytes(literals, n, counts);
    let maxSymbol = 0;
    let maxCount = 0;
    for (let s = 0; s < 256; s++) {
      if (counts[s] === 0) continue;
      maxSymbol = s;
      if (counts[s]! > maxCount) maxCount = counts[s]!;
    }
    if (n > 0 && maxCount === n) {
      const end = writeRawHeader(RLE, n, out, at);
      out[end] = literals[0]!;
      return end + 1;
    }
    if (n >= MIN_HUFFMAN) {
      const end = this.huffman(literals, n, maxSymbol, out, at);
      if (end > 0) return end;
    }
    const end = writeRawHeader(RAW, n, out, at);
    out.set(literals.subarray(0, n), end);
    return end + n;
  }

  /** The Huffman-coded section, or -1 when raw literals are as good. */
  private huffman(literals: Uint8Array, n: number, maxSymbol: number, out: Uint8Array, at: number): number {
    const { table } = this;
    const bits = table.build(this.counts, maxSymbol);
    const single = n < MIN_FOUR_STREAMS;
    const format = single ? 0 : n < 1024 ? 1 : n < 16384 ? 2 : 3;
    const headerSize = format < 2 ? 3 : format + 2;
    const limit = rawHeaderSize(n) + n - ((n >> 6) + 2);
    const treeEnd = table.writeDescription(out, at + headerSize);
    if (treeEnd < 0 || treeEnd - at + (bits >> 3) + (single ? 1 : JUMP_TABLE + 4) >= limit) return -1;
    let end: number;
    if (single) {
      end = encodeStream(table, literals, 0, n, out, treeEnd);
    } else {
      const segment = (n + 3) >> 2;
      end = treeEnd + JUMP_TABLE;
      for (let k = 0; k < 4; k++) {
        const start = end;
        end = encodeStream(table, literals, Math.min(n, k * segment), Math.min(n, (k + 1) * segment), out, start);
        if (k < 3) {
          out[treeEnd + 2 * k] = end - start;
          out[treeEnd + 2 * k + 1] = (end - start) >>> 8;
        }
      }
    }
    if (end - at >= limit) return -1;
    const width = format < 2 ? 10 : format === 2 ? 14 : 18;
    let header = COMPRESSED + format * 4 + n * 16 + (end - at - headerSize) * 2 ** (4 + width);
    for (let i = 0; i < headerSize; i++) {
      out[at + i] = header % 256;
      header = Math.floor(header / 256);
    }
    return end;
  }
}
