/**
 * The sequences section of a compressed zstd block (RFC 8878, 3.1.1.3.2):
 * each code type (literal lengths, offsets, match lengths) coded with the
 * predefined distribution, RLE or its own FSE table, whichever is smallest,
 * and all sequences in one backward bit stream. The stream's loop is a
 * function of its own that hands its state back in variables: V8's code
 * optimized during a first long loop otherwise stopped, at every later
 * call, at code after the loop that had not run yet when it was compiled.
 */
import { BitWriter } from './zstd-bits.js';
import { accuracyLog, FseTable, MAX_SYMBOLS, normalize, writeDistribution } from './zstd-fse.js';
import { LL_DEFAULT, ML_DEFAULT, OF_DEFAULT, type Sequences } from './zstd-sequences.js';

const PREDEFINED = 0;
const RLE = 1;
const FSE = 2;

/** One code type (literal lengths, offsets or match lengths): its tables. */
class CodeType {
  /** The table chosen for the block. */
  table: FseTable;
  private readonly norm = new Int16Array(MAX_SYMBOLS);
  private readonly own = new FseTable();
  private readonly predefined: FseTable;

  constructor(
    distribution: number[],
    log: number,
    private readonly maxLog: number,
  ) {
    this.predefined = new FseTable().build(distribution, distribution.length - 1, log);
    this.table = this.predefined;
  }

  /** Picks the cheapest table for `n` codes counted in `counts` and writes its description at `bits`; returns the mode. */
  choose(counts: Uint32Array, n: number, bits: BitWriter): number {
    const { norm, predefined } = this;
    let maxSymbol = 0;
    let distinct = 0;
    for (let s = 0; s < MAX_SYMBOLS; s++) {
      if (counts[s] === 0) continue;
      maxSymbol = s;
      distinct++;
    }
    const predefinedCost = predefined.cost(counts, maxSymbol) + predefined.log;
    this.table = predefined;
    if (distinct === 1) {
      if (predefinedCost <= 8) return PREDEFINED;
      bits.add(maxSymbol, 8);
      norm.fill(0);
      norm[maxSymbol] = 1;
      this.table = this.own.build(norm, maxSymbol, 0);
      return RLE;
    }
    const log = accuracyLog(n, maxSymbol, this.maxLog);
    normalize(counts, maxSymbol, n, log, norm);
    const ownCost = this.own.build(norm, maxSymbol, log).cost(counts, maxSymbol) + log;
    const start = bits.at;
    writeDistribution(bits, norm, maxSymbol, log);
    if (ownCost + 8 * (bits.at - start) >= predefinedCost) {
      bits.at = start;
      return PREDEFINED;
    }
    this.table = this.own;
    return FSE;
  }
}

const literalLengths = new CodeType(LL_DEFAULT, 6, 9);
const offsets = new CodeType(OF_DEFAULT, 5, 8);
const matchLengths = new CodeType(ML_DEFAULT, 6, 9);
const bits = new BitWriter();
// The coder's state between writeSequences and encodeSequences: variables rather than properties,
// which optimized code may use after its loop without having seen them used.
let llState = 0;
let ofState = 0;
let mlState = 0;
let pendingBits = 0;
let pendingCount = 0;

/** Writes the sequences section of `sequences` at `out[at]`; returns its end. */
export function writeSequences(sequences: Sequences, out: Uint8Array, at: number): number {
  const n = sequences.count;
  if (n < 128) {
    out[at++] = n;
  } else if (n < 0x7f00) {
    out[at++] = (n >>> 8) + 128;
    out[at++] = n & 0xff;
  } else {
    out[at++] = 255;
    out[at++] = (n - 0x7f00) & 0xff;
    out[at++] = (n - 0x7f00) >>> 8;
  }
  if (n === 0) return at;
  bits.start(out, at + 1);
  const llMode = literalLengths.choose(sequences.llCounts, n, bits);
  const ofMode = offsets.choose(sequences.ofCounts, n, bits);
  out[at] = (llMode << 6) | (ofMode << 4) | (matchLengths.choose(sequences.mlCounts, n, bits) << 2);
  const ll = literalLengths.table;
  const of = offsets.table;
  const ml = matchLengths.table;
  const last = n - 1;
  llState = ll.initial(sequences.llCodes[last]!);
  ofState = of.initial(sequences.ofCodes[last]!);
  mlState = ml.initial(sequences.mlCodes[last]!);
  const end = encodeSequences(sequences, ll, of, ml, out, bits.at);
  bits.start(out, end);
  bits.add(pendingBits, pendingCount);
  bits.add(mlState, ml.log);
  bits.add(ofState, of.log);
  bits.add(llState, ll.log);
  return bits.close();
}

/**
 * The bit stream of the sequences, last one first: its codes give the states
 * decoders start from, then for each earlier sequence the state transitions
 * (offset, match length, literal length) and the extra bits (literal length,
 * match length, offset), read by decoders in the opposite order. Bits
 * gather in `acc`, fewer than 16 between fields, and go out two bytes at a
 * time; fields are at most 16 bits (longer offsets go in two parts).
 * Starts from the states in `llState`, `ofState`, `mlState` and leaves them
 * there, with the bits not yet stored in `pendingBits`.
 */
function encodeSequences(sequences: Sequences, llTable: FseTable, ofTable: FseTable, mlTable: FseTable, out: Uint8Array, p: number): number {
  const { llCodes, mlCodes, ofCodes, llExtras, mlExtras, ofExtras } = sequences;
  const { deltaBits: llBits, deltaState: llNext, states: llStates } = llTable;
  const { deltaBits: mlBits, deltaState: mlNext, states: mlStates } = mlTable;
  const { deltaBits: ofBits, deltaState: ofNext, states: ofStates } = ofTable;
  let llS = llState;
  let mlS = mlState;
  let ofS = ofState;
  let i = sequences.count - 1;
  let acc = 0;
  let count = 0;
  for (;;) {
    let extra = llExtras[i]!;
    acc |= (extra >>> 5) << count;
    count += extra & 31;
    if (count >= 16) {
      out[p++] = acc;
      out[p++] = acc >>> 8;
      acc >>>= 16;
      count -= 16;
    }
    extra = mlExtras[i]!;
    acc |= (extra >>> 5) << count;
    count += extra & 31;
    if (count >= 16) {
      out[p++] = acc;
      out[p++] = acc >>> 8;
      acc >>>= 16;
      count -= 16;
    }
    extra = ofExtras[i]!;
    let value = extra >>> 5;
    let n = extra & 31;
    if (n > 16) {
      acc |= (value & 0xffff) << count;
      out[p++] = acc;
      out[p++] = acc >>> 8;
      acc >>>= 16;
      value >>>= 16;
      n -= 16;
    }
    acc |= value << count;
    count += n;
    if (count >= 16) {
      out[p++] = acc;
      out[p++] = acc >>> 8;
      acc >>>= 16;
      count -= 16;
    }
    if (--i < 0) break;
    // State transitions into sequence i + 1's states from those of sequence i.
    const o = ofCodes[i]!;
    let nb = (ofS + ofBits[o]!) >>> 16;
    acc |= (ofS & ((1 << nb) - 1)) << count;
    count += nb;
    ofS = ofStates[(ofS >>> nb) + ofNext[o]!]!;
    if (count >= 16) {
      out[p++] = acc;
      out[p++] = acc >>> 8;
      acc >>>= 16;
      count -= 16;
    }
    const m = mlCodes[i]!;
    nb = (mlS + mlBits[m]!) >>> 16;
    acc |= (mlS & ((1 << nb) - 1)) << count;
    count += nb;
    mlS = mlStates[(mlS >>> nb) + mlNext[m]!]!;
    if (count >= 16) {
      out[p++] = acc;
      out[p++] = acc >>> 8;
      acc >>>= 16;
      count -= 16;
    }
    const l = llCodes[i]!;
    nb = (llS + llBits[l]!) >>> 16;
    acc |= (llS & ((1 << nb) - 1)) << count;
    count += nb;
    llS = llStates[(llS >>> nb) + llNext[l]!]!;
    if (count >= 16) {
      out[p++] = acc;
      out[p++] = acc >>> 8;
      acc >>>= 16;
      count -= 16;
    }
  }
  llState = llS;
  ofState = ofS;
  mlState = mlS;
  pendingBits = acc;
  pendingCount = count;
  return p;
}
