/**
 * LZ4 block compression (the block format alone, without a frame: Parquet's
 * LZ4_RAW codec), after the reference encoder's fast mode: a hash table of
 * 4-byte sequences (5 bytes from 64 KiB of input on), offsets up to 65535,
 * probes ever sparser while nothing matches, and the format's end-of-block
 * rules: the last 5 bytes are literals and the last match starts at least
 * 12 bytes before the end.
 */

const MAX_HASH_LOG = 13;
/** Inputs from this size on hash 5 bytes, which finds fewer short, costly matches. */
const WIDE_HASH_FROM = 1 << 16;
const MIN_HASH_LOG = 8;
const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MATCH_START_MARGIN = 12;
const MAX_OFFSET = 65535;
/** Probes get one byte further apart after every 2^SKIP_LOG failed ones. */
const SKIP_LOG = 6;

const table = new Int32Array(1 << MAX_HASH_LOG);

/** Largest possible block for `n` bytes (all literals). */
function maxCompressedLength(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/** Writes `value` as a run of 255s and a last byte below 255 (lengths past a token's 15). */
function writeLength(out: Uint8Array, at: number, value: number): number {
  for (; value >= 255; value -= 255) out[at++] = 255;
  out[at++] = value;
  return at;
}

/** Writes literals `input[from..to)` and, if `offset` > 0, a match of `length` bytes `offset` back; returns the end. */
function writeSequence(out: Uint8Array, at: number, input: Uint8Array, from: number, to: number, offset: number, length: number): number {
  const literals = to - from;
  const matchCode = length - MIN_MATCH;
  const token = at++;
  out[token] = (Math.min(literals, 15) << 4) | (offset > 0 ? Math.min(matchCode, 15) : 0);
  if (literals >= 15) at = writeLength(out, at, literals - 15);
  if (literals > 32) out.set(input.subarray(from, to), at);
  else for (let i = 0; i < literals; i++) out[at + i] = input[from + i]!;
  at += literals;
  if (offset === 0) return at;
  out[at++] = offset & 0xff;
  out[at++] = offset >>> 8;
  return matchCode >= 15 ? writeLength(out, at, matchCode - 15) : at;
}

/**
 * The LZ4 block of `input` (for empty input the single token a reference
 * decoder expects), at the start of `into` when it is long enough (a view
 * of it), else in a new buffer.
 */
export function lz4RawCompress(input: Uint8Array, into?: Uint8Array): Uint8Array {
  const n = input.length;
  const out = into && into.length >= maxCompressedLength(n) ? into : new Uint8Array(maxCompressedLength(n));
  let at = 0;
  let anchor = 0;
  const matchStartLimit = n - MATCH_START_MARGIN;
  const matchEndLimit = n - LAST_LITERALS;
  if (matchStartLimit > 0) {
    let log = MIN_HASH_LOG;
    while (log < MAX_HASH_LOG && 1 << log < n) log++;
    const shift = 32 - log;
    table.fill(0, 0, 1 << log);
    const view = new DataView(input.buffer, input.byteOffset, n);
    const fifth = n >= WIDE_HASH_FROM ? 0xff : 0;
    const hash = (i: number) => (Math.imul(view.getInt32(i, true), 0x9e3779b1) ^ Math.imul(input[i + 4]! & fifth, 0x85ebca77)) >>> shift;
    let ip = 1;
    search: for (;;) {
      let candidate: number;
      let probes = 1 << SKIP_LOG;
      for (;;) {
        const h = hash(ip);
        candidate = table[h]!;
        table[h] = ip;
        if (ip - candidate <= MAX_OFFSET && candidate < ip && view.getInt32(candidate, true) === view.getInt32(ip, true)) break;
        ip += probes++ >> SKIP_LOG;
        if (ip > matchStartLimit) break search;
      }
      for (;;) {
        while (ip > anchor && candidate > 0 && input[ip - 1] === input[candidate - 1]) {
          ip--;
          candidate--;
        }
        let end = ip + MIN_MATCH;
        let from = candidate + MIN_MATCH;
        while (end + 4 <= matchEndLimit && view.getInt32(end, true) === view.getInt32(from, true)) {
          end += 4;
          from += 4;
        }
        while (end < matchEndLimit && input[end] === input[from]) {
          end++;
          from++;
        }
        at = writeSequence(out, at, input, anchor, ip, ip - candidate, end - ip);
        ip = anchor = end;
        if (ip > matchStartLimit) break search;
        table[hash(ip - 2)] = ip - 2;
        // A match right after a match needs no literals.
        const h = hash(ip);
        candidate = table[h]!;
        table[h] = ip;
        if (ip - candidate > MAX_OFFSET || view.getInt32(candidate, true) !== view.getInt32(ip, true)) break;
      }
      ip++;
      if (ip > matchStartLimit) break;
    }
  }
  at = writeSequence(out, at, input, anchor, n, 0, 0);
  return out.subarray(0, at);
}
