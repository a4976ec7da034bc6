/**
 * Huffman coding of zstd literals (RFC 8878, 4.2): code lengths limited to
 * 11 bits, the canonical codes decoders derive from them, the tree
 * description (weights, FSE-compressed or 4 bits each) and the coded
 * streams, written backward so that decoders read the literals in order.
 */
import { BitWriter } from './zstd-bits.js';
import { accuracyLog, encodeInterleaved, FseTable, normalize, writeDistribution } from './zstd-fse.js';

const MAX_BITS = 11;
const WEIGHTS_MAX_LOG = 6;
/** Largest description with FSE-compressed weights: its size must fit the header byte's 0..127. */
const MAX_COMPRESSED_WEIGHTS = 127;
/** Direct (4-bit) weights describe at most 128 symbols before the last. */
const MAX_DIRECT_WEIGHTS = 128;

export class HuffmanTable {
  maxSymbol = 0;
  /** Longest code. */
  maxBits = 0;
  /** Per symbol: code << 8 | length (0: absent). */
  readonly codes = new Uint32Array(256);
  private readonly lengths = new Uint8Array(256);
  private readonly order = new Uint32Array(256);
  private readonly weight = new Uint32Array(512);
  private readonly parent = new Uint16Array(512);
  private readonly depth = new Uint8Array(512);
  private readonly weights = new Uint8Array(256);
  private readonly weightCounts = new Uint32Array(16);
  private readonly weightNorm = new Int16Array(16);
  private readonly weightTable = new FseTable();
  private readonly bits = new BitWriter();

  /** Builds the codes of symbols 0..maxSymbol with `counts` (at least two present); returns the coded size in bits. */
  build(counts: Uint32Array, maxSymbol: number): number {
    this.maxSymbol = maxSymbol;
    const n = this.leafLengths(counts, maxSymbol);
    let maxBits = 0;
    this.lengths.fill(0);
    for (let i = 0; i < n; i++) {
      const length = this.depth[i]!;
      this.lengths[this.order[i]! & 0xff] = length;
      if (length > maxBits) maxBits = length;
    }
    this.maxBits = maxBits;
    // Canonical codes: longest first, in symbol order within a length.
    const next = this.weightCounts.fill(0);
    for (let s = 0; s <= maxSymbol; s++) next[this.lengths[s]!]!++;
    let start = 0;
    for (let length = maxBits; length > 0; length--) {
      const count = next[length]!;
      next[length] = start;
      start += count << (maxBits - length);
    }
    let total = 0;
    for (let s = 0; s <= maxSymbol; s++) {
      const length = this.lengths[s]!;
      if (length === 0) {
        this.codes[s] = 0;
        continue;
      }
      this.codes[s] = ((next[length]! >>> (maxBits - length)) << 8) | length;
      next[length] = next[length]! + (1 << (maxBits - length));
      total += counts[s]! * length;
    }
    return total;
  }

  /** Huffman code lengths (in `depth`, by rank) of the present symbols sorted by count (`order`), limited to MAX_BITS; returns how many. */
  private leafLengths(counts: Uint32Array, maxSymbol: number): number {
    const { order, weight, parent, depth } = this;
    let n = 0;
    for (let s = 0; s <= maxSymbol; s++) if (counts[s]! > 0) order[n++] = counts[s]! * 256 + s;
    order.subarray(0, n).sort();
    for (let i = 0; i < n; i++) weight[i] = order[i]! >>> 8;
    // Two queues: leaves in count order, and inner nodes, which are made in count order.
    let leaf = 0;
    let inner = n;
    for (let node = n; node < 2 * n - 1; node++) {
      const a = leaf < n && (inner >= node || weight[leaf]! <= weight[inner]!) ? leaf++ : inner++;
      const b = leaf < n && (inner >= node || weight[leaf]! <= weight[inner]!) ? leaf++ : inner++;
      weight[node] = weight[a]! + weight[b]!;
      parent[a] = node;
      parent[b] = node;
    }
    depth[2 * n - 2] = 0;
    let longest = 0;
    for (let i = 2 * n - 3; i >= 0; i--) {
      depth[i] = depth[parent[i]!]! + 1;
      if (i < n && depth[i]! > longest) longest = depth[i]!;
    }
    if (longest > MAX_BITS) limitLengths(depth, n);
    return n;
  }

  /** Writes the tree description at `out[at]`; returns its end, or -1 when it cannot be described (then literals go raw). */
  writeDescription(out: Uint8Array, at: number): number {
    const { weights, maxSymbol, maxBits } = this;
    const counts = this.weightCounts.fill(0);
    let distinct = 0;
    for (let s = 0; s < maxSymbol; s++) {
      const length = this.lengths[s]!;
      const w = length === 0 ? 0 : maxBits + 1 - length;
      weights[s] = w;
      if (counts[w]!++ === 0) distinct++;
    }
    const direct = maxSymbol <= MAX_DIRECT_WEIGHTS ? 1 + ((maxSymbol + 1) >> 1) : Infinity;
    if (distinct >= 2) {
      const log = accuracyLog(maxSymbol, maxBits, WEIGHTS_MAX_LOG);
      normalize(counts, maxBits, maxSymbol, log, this.weightNorm);
      const table = this.weightTable.build(this.weightNorm, maxBits, log);
      const bits = this.bits;
      bits.start(out, at + 1);
      writeDistribution(bits, this.weightNorm, maxBits, log);
      encodeInterleaved(bits, table, weights, maxSymbol);
      const end = bits.close();
      if (end - at - 1 <= MAX_COMPRESSED_WEIGHTS && end - at <= direct) {
        out[at] = end - at - 1;
        return end;
      }
    }
    if (direct === Infinity) return -1;
    out[at] = 127 + maxSymbol;
    for (let s = 0; s < maxSymbol; s += 2) out[at + 1 + (s >> 1)] = (weights[s]! << 4) | (s + 1 < maxSymbol ? weights[s + 1]! : 0);
    return at + direct;
  }
}

/** Lengthens codes past MAX_BITS back to it and rebalances others so the code stays complete (depths of leaves by rank, rarest first). */
function limitLengths(depth: Uint8Array, n: number): void {
  const capacity = 1 << MAX_BITS;
  let kraft = 0;
  for (let i = 0; i < n; i++) {
    if (depth[i]! > MAX_BITS) depth[i] = MAX_BITS;
    kraft += 1 << (MAX_BITS - depth[i]!);
  }
  // Over capacity: lengthen the longest codes still short of the limit, rarest first.
  for (let i = 0; kraft > capacity; ) {
    if (depth[i] === MAX_BITS) {
      i++;
      continue;
    }
    depth[i] = depth[i]! + 1;
    kraft -= 1 << (MAX_BITS - depth[i]!);
  }
  // Under capacity: shorten codes, commonest first, while it fits.
  for (let i = n - 1; i >= 0 && kraft < capacity; i--) {
    while (depth[i]! > 1 && kraft + (1 << (MAX_BITS - depth[i]!)) <= capacity) {
      kraft += 1 << (MAX_BITS - depth[i]!);
      depth[i] = depth[i]! - 1;
    }
  }
}

/** Codes `literals[from..to)` into one stream at `out[at]`, last literal first; returns its end. */
export function encodeStream(table: HuffmanTable, literals: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  const p = encodeCodes(table.codes, literals, from, to, out, at);
  out[p] = pendingBits | (1 << pendingCount);
  return p + 1;
}

// What encodeCodes leaves for its caller to write with the end mark: variables, which
// optimized code may set after its loop without having seen that run (see zstd-sequences-section.ts).
let pendingBits = 0;
let pendingCount = 0;

/** The codes of `literals[from..to)`, last first, stored by whole bytes (3 bytes to spare in `out`); returns the end of the whole bytes. */
function encodeCodes(codes: Uint32Array, literals: Uint8Array, from: number, to: number, out: Uint8Array, p: number): number {
  let acc = 0;
  let n = 0;
  let i = to - 1;
  if ((to - from) & 1) {
    const e = codes[literals[i--]!]!;
    acc = e >>> 8;
    n = e & 0xff;
    if (n >= 8) {
      out[p++] = acc;
      acc >>>= 8;
      n -= 8;
    }
  }
  for (; i > from; i -= 2) {
    const e1 = codes[literals[i]!]!;
    const e2 = codes[literals[i - 1]!]!;
    acc |= (e1 >>> 8) << n;
    n += e1 & 0xff;
    acc |= (e2 >>> 8) << n;
    n += e2 & 0xff;
    out[p] = acc;
    out[p + 1] = acc >>> 8;
    out[p + 2] = acc >>> 16;
    const k = n >>> 3;
    p += k;
    acc >>>= k << 3;
    n &= 7;
  }
  pendingBits = acc;
  pendingCount = n;
  return p;
}
