/**
 * Finite State Entropy (tANS) coding as zstd uses it (RFC 8878, 4.1):
 * normalizing symbol counts to a power of two, the table description that
 * gives decoders the distribution, and encoding tables built from the same
 * spread of symbols over states that decoders build. Encoders go through the
 * symbols backward, so that decoders, reading the stream backward, meet them
 * in order.
 */
import type { BitWriter } from './zstd-bits.js';

/** Symbols an FSE table can hold here (the 53 match length codes). */
export const MAX_SYMBOLS = 64;
const MAX_LOG = 9;

/** The position of the highest set bit of x > 0. */
export function highBit(x: number): number {
  return 31 - Math.clz32(x);
}

/** An encoding table. Encoder states are decoder states plus the table size. */
export class FseTable {
  log = 0;
  /** The distribution: states per symbol, -1 for "less than 1" (one state). */
  readonly norm = new Int16Array(MAX_SYMBOLS);
  /** Added to a state, its high 16 bits are the number of bits to write for the symbol. */
  readonly deltaBits = new Int32Array(MAX_SYMBOLS);
  /** Where the symbol's states start in `states`. */
  private readonly starts = new Int32Array(MAX_SYMBOLS);
  /** `starts` less the symbol's count: added to a state shifted by the bits written, the index of the next state. */
  readonly deltaState = new Int32Array(MAX_SYMBOLS);
  /** The symbols' states, symbol by symbol, each in increasing order. */
  readonly states = new Uint16Array(1 << MAX_LOG);
  private readonly spread = new Uint8Array(1 << MAX_LOG);
  private readonly next = new Int32Array(MAX_SYMBOLS);

  /** Builds the table of distribution `norm[0..maxSymbol]` over 1 << log states (log 0: one symbol, RLE). */
  build(norm: ArrayLike<number>, maxSymbol: number, log: number): this {
    const size = 1 << log;
    this.log = log;
    this.norm.fill(0);
    let high = size - 1;
    let start = 0;
    for (let s = 0; s <= maxSymbol; s++) {
      const n = norm[s]!;
      this.norm[s] = n;
      this.starts[s] = start;
      this.next[s] = start;
      if (n === -1) this.spread[high--] = s;
      start += n === -1 ? 1 : n;
    }
    const step = (size >> 1) + (size >> 3) + 3;
    let position = 0;
    for (let s = 0; s <= maxSymbol; s++) {
      for (let i = 0; i < norm[s]!; i++) {
        this.spread[position] = s;
        do position = (position + step) & (size - 1);
        while (position > high);
      }
    }
    for (let u = 0; u < size; u++) this.states[this.next[this.spread[u]!]!++] = size + u;
    for (let s = 0; s <= maxSymbol; s++) {
      const n = norm[s] === -1 ? 1 : norm[s]!;
      if (n === 0) continue;
      const maxBits = n === 1 ? log : log - highBit(n - 1);
      this.deltaBits[s] = (maxBits << 16) - (n << maxBits);
      this.deltaState[s] = this.starts[s]! - n;
    }
    return this;
  }

  /** The state to start from, for the last symbol the decoder reads: its first, which costs the most bits to leave (at least 1 unless RLE). */
  initial(symbol: number): number {
    return this.states[this.starts[symbol]!]!;
  }

  /** Writes the bits that lead from the state of `symbol` to `state`; returns the state of `symbol`. */
  encode(bits: BitWriter, state: number, symbol: number): number {
    const n = (state + this.deltaBits[symbol]!) >>> 16;
    bits.add(state, n);
    return this.states[(state >>> n) + this.deltaState[symbol]!]!;
  }

  /** Writes the final state, which decoders read first. */
  flush(bits: BitWriter, state: number): void {
    bits.add(state, this.log);
  }

  /** Approximate bits of coding `counts[0..maxSymbol]` with this table; Infinity if a symbol has no state. */
  cost(counts: ArrayLike<number>, maxSymbol: number): number {
    let total = 0;
    for (let s = 0; s <= maxSymbol; s++) {
      const c = counts[s]!;
      if (c === 0) continue;
      const n = this.norm[s]!;
      if (n === 0) return Infinity;
      total += c * (this.log - Math.log2(n === -1 ? 1 : n));
    }
    return total;
  }
}

/** The accuracy log for `total` symbols up to `maxSymbol` (as small as the symbols allow, larger for more symbols). */
export function accuracyLog(total: number, maxSymbol: number, maxLog: number): number {
  const minimum = Math.min(highBit(total) + 1, highBit(Math.max(1, maxSymbol)) + 2);
  return Math.max(5, minimum, Math.min(maxLog, highBit(total - 1) - 2));
}

/** Scales `counts[0..maxSymbol]` (summing to `total`) to sum to 1 << log in `norm`, every present symbol keeping at least 1. */
export function normalize(counts: ArrayLike<number>, maxSymbol: number, total: number, log: number, norm: Int16Array): void {
  const target = 1 << log;
  let sum = 0;
  let largest = -1;
  for (let s = 0; s <= maxSymbol; s++) {
    const c = counts[s]!;
    const n = c === 0 ? 0 : Math.max(1, Math.round((c * target) / total));
    norm[s] = n;
    sum += n;
    if (largest < 0 || n > norm[largest]!) largest = s;
  }
  // Rounding leaves a small difference: the largest symbols absorb it, where it costs least.
  if (sum <= target) {
    norm[largest] = norm[largest]! + target - sum;
    return;
  }
  for (; sum > target; sum--) {
    let biggest = 0;
    for (let s = 1; s <= maxSymbol; s++) if (norm[s]! > norm[biggest]!) biggest = s;
    norm[biggest] = norm[biggest]! - 1;
  }
}

/** Writes the table description of `norm[0..maxSymbol]` (RFC 8878, 4.1.1) at `bits`. */
export function writeDistribution(bits: BitWriter, norm: ArrayLike<number>, maxSymbol: number, log: number): void {
  bits.add(log - 5, 4);
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let width = log + 1;
  let previousZero = false;
  for (let s = 0; s <= maxSymbol && remaining > 1; s++) {
    if (previousZero) {
      let zeros = 0;
      while (norm[s] === 0) {
        zeros++;
        s++;
      }
      for (; zeros >= 3; zeros -= 3) bits.add(3, 2);
      bits.add(zeros, 2);
    }
    const n = norm[s]!;
    const max = 2 * threshold - 1 - remaining;
    remaining -= Math.abs(n);
    let value = n + 1;
    if (value >= threshold) value += max;
    bits.add(value, value < max ? width - 1 : width);
    previousZero = value === 1;
    while (remaining < threshold) {
      width--;
      threshold >>= 1;
    }
  }
  bits.pad();
}

/**
 * Encodes `symbols[0..n)` (n ≥ 2) with two interleaved states sharing `table`,
 * the first for even positions, the second for odd ones (Huffman weights,
 * RFC 8878, 4.2.1.2). Decoders stop when a state update runs past the start
 * of the stream, so the last two symbols get states that read at least one bit.
 */
export function encodeInterleaved(bits: BitWriter, table: FseTable, symbols: Uint8Array, n: number): void {
  let even = table.initial(symbols[(n - 1) & ~1]!);
  let odd = table.initial(symbols[(n - 2) | 1]!);
  for (let i = n - 3; i >= 0; i--) {
    if (i & 1) odd = table.encode(bits, odd, symbols[i]!);
    else even = table.encode(bits, even, symbols[i]!);
  }
  table.flush(bits, odd);
  table.flush(bits, even);
}
