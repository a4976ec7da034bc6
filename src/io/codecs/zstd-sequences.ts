/**
 * The sequences of a zstd block (RFC 8878, 3.1.1.3.2): for each match, the
 * literals before it, and the codes and extra bits of its literal length,
 * match length and offset value (a repeat code when the offset is one of
 * the three recent ones, which are kept as decoders keep them), the codes
 * counted for the entropy coder as they come.
 */
import { highBit, MAX_SYMBOLS } from './zstd-fse.js';

export const BLOCK_SIZE = 1 << 17;
/** Matches are at least 3 bytes long, so a block holds at most this many sequences. */
const MAX_SEQUENCES = Math.ceil(BLOCK_SIZE / 3);

const LL_BASE = new Int32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);
const LL_BITS = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
const ML_BASE = new Int32Array([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 39, 41, 43, 47, 51, 59, 67, 83,
  99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
]);
const ML_BITS = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
]);
/** The predefined distributions (RFC 8878, 3.1.1.3.2.2). */
export const LL_DEFAULT = [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1];
export const ML_DEFAULT = [
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
];
export const OF_DEFAULT = [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1];

/** Code of each small length (the larger ones follow their highest bit). */
function smallCodes(base: Int32Array, bits: Uint8Array, size: number): Uint8Array {
  const codes = new Uint8Array(size);
  for (let code = 0; code < base.length; code++) {
    for (let v = base[code]! - base[0]!; v < Math.min(size, base[code]! - base[0]! + (1 << bits[code]!)); v++) codes[v] = code;
  }
  return codes;
}
const LL_CODE = smallCodes(LL_BASE, LL_BITS, 64);
const ML_CODE = smallCodes(ML_BASE, ML_BITS, 128);

/** Copies `source[from..to)` to `target[at]` (a loop for the few bytes between most matches). */
function copyBytes(source: Uint8Array, from: number, to: number, target: Uint8Array, at: number): void {
  if (to - from > 32) target.set(source.subarray(from, to), at);
  else for (let i = from; i < to; i++) target[at++] = source[i]!;
}

/** One block's sequences and their codes, with the literals between matches, and the repeat offsets as decoders keep them. */
export class Sequences {
  count = 0;
  literalCount = 0;
  readonly llCodes = new Uint8Array(MAX_SEQUENCES);
  readonly mlCodes = new Uint8Array(MAX_SEQUENCES);
  readonly ofCodes = new Uint8Array(MAX_SEQUENCES);
  /**
   * The extra bits after each code, shifted left by 5, and their number in
   * the low 5 bits. Offset codes stand for offset values, 1..3 for repeat
   * codes and offset + 3 otherwise: 1 << code, plus the extra bits.
   */
  readonly llExtras = new Int32Array(MAX_SEQUENCES);
  readonly mlExtras = new Int32Array(MAX_SEQUENCES);
  readonly ofExtras = new Int32Array(MAX_SEQUENCES);
  /** How many times each code occurs. */
  readonly llCounts = new Uint32Array(MAX_SYMBOLS);
  readonly mlCounts = new Uint32Array(MAX_SYMBOLS);
  readonly ofCounts = new Uint32Array(MAX_SYMBOLS);
  readonly literals = new Uint8Array(BLOCK_SIZE);
  rep0 = 1;
  rep1 = 4;
  rep2 = 8;

  /** Empties the store for a new block (the repeat offsets carry over). */
  clear(): void {
    this.count = 0;
    this.literalCount = 0;
    this.llCounts.fill(0);
    this.mlCounts.fill(0);
    this.ofCounts.fill(0);
  }

  /** Stores the literals `input[from..to)` followed by a match of `length` bytes `offset` back. */
  add(input: Uint8Array, from: number, to: number, offset: number, length: number): void {
    const literalLength = to - from;
    copyBytes(input, from, to, this.literals, this.literalCount);
    this.literalCount += literalLength;
    const at = this.count++;
    const llCode = literalLength < 64 ? LL_CODE[literalLength]! : highBit(literalLength) + 19;
    const mlCode = length - 3 < 128 ? ML_CODE[length - 3]! : highBit(length - 3) + 36;
    this.llCodes[at] = llCode;
    this.mlCodes[at] = mlCode;
    this.llExtras[at] = ((literalLength - LL_BASE[llCode]!) << 5) | LL_BITS[llCode]!;
    this.mlExtras[at] = ((length - ML_BASE[mlCode]!) << 5) | ML_BITS[mlCode]!;
    this.llCounts[llCode]!++;
    this.mlCounts[mlCode]!++;
    const value = this.offsetValue(offset, literalLength > 0);
    const ofCode = highBit(value);
    this.ofCodes[at] = ofCode;
    this.ofExtras[at] = ((value - (1 << ofCode)) << 5) | ofCode;
    this.ofCounts[ofCode]!++;
  }

  /** The offset value of `offset` (a repeat code if it is a recent offset), updating the recent offsets as decoders will. */
  private offsetValue(offset: number, literals: boolean): number {
    // Repeat codes shift by one after no literals (RFC 8878, 3.1.2.5).
    const { rep0, rep1, rep2 } = this;
    let value: number;
    if (literals && offset === rep0) return 1;
    if (offset === rep1) value = literals ? 2 : 1;
    else if (offset === rep2) value = literals ? 3 : 2;
    else if (!literals && offset === rep0 - 1) value = 3;
    else value = offset + 3;
    // The offset used becomes the most recent; the second recent only swaps with the first.
    if (offset !== rep1) this.rep2 = rep1;
    this.rep1 = rep0;
    this.rep0 = offset;
    return value;
  }

  /** Stores the literals at the end of the block, which no match follows. */
  end(input: Uint8Array, from: number, to: number): void {
    copyBytes(input, from, to, this.literals, this.literalCount);
    this.literalCount += to - from;
  }
}
