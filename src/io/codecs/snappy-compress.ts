/**
 * Snappy compression (the block format Parquet's SNAPPY codec uses), after
 * the reference implementation: 64 KiB fragments, a hash table of 4-byte
 * sequences, and its skip heuristic, which looks for matches ever more
 * sparsely while none are found, so incompressible data (float columns)
 * costs little more than a copy. Output goes into one preallocated buffer.
 */

const FRAGMENT = 1 << 16;
const TABLE_BITS = 14;
const INPUT_MARGIN = 15;

/** Largest possible compressed size of `n` bytes. */
function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

function load32(a: Uint8Array, i: number): number {
  return a[i]! | (a[i + 1]! << 8) | (a[i + 2]! << 16) | (a[i + 3]! << 24);
}

class Output {
  readonly bytes: Uint8Array;
  at = 0;

  constructor(size: number, into: Uint8Array | undefined) {
    this.bytes = into && into.length >= size ? into : new Uint8Array(size);
  }

  varint(value: number): void {
    while (value >= 0x80) {
      this.bytes[this.at++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.bytes[this.at++] = value;
  }

  literal(input: Uint8Array, from: number, to: number): void {
    const n = to - from - 1;
    if (n < 60) {
      this.bytes[this.at++] = n << 2;
    } else {
      const count = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
      this.bytes[this.at++] = (59 + count) << 2;
      for (let i = 0; i < count; i++) this.bytes[this.at++] = (n >>> (8 * i)) & 0xff;
    }
    this.bytes.set(input.subarray(from, to), this.at);
    this.at += to - from;
  }

  private copy2(offset: number, length: number): void {
    this.bytes[this.at++] = 2 | ((length - 1) << 2);
    this.bytes[this.at++] = offset & 0xff;
    this.bytes[this.at++] = offset >>> 8;
  }

  copy(offset: number, length: number): void {
    while (length >= 68) {
      this.copy2(offset, 64);
      length -= 64;
    }
    if (length > 64) {
      this.copy2(offset, 60);
      length -= 60;
    }
    if (length < 12 && offset < 2048) {
      this.bytes[this.at++] = 1 | ((length - 4) << 2) | ((offset >>> 8) << 5);
      this.bytes[this.at++] = offset & 0xff;
    } else {
      this.copy2(offset, length);
    }
  }
}

/** Compresses one fragment (at most 64 KiB) of `input`: bytes [start, end). */
function compressFragment(input: Uint8Array, start: number, end: number, table: Uint16Array, out: Output): void {
  const length = end - start;
  let bits = 8;
  while (bits < TABLE_BITS && 1 << bits < length) bits++;
  const shift = 32 - bits;
  table.fill(0, 0, 1 << bits);
  const hash = (bytes: number) => Math.imul(bytes, 0x1e35a7bd) >>> shift;
  let emitFrom = start;
  let ip = start;
  if (length >= INPUT_MARGIN) {
    const limit = end - INPUT_MARGIN;
    let nextHash = hash(load32(input, ++ip));
    for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate: number;
      do {
        ip = nextIp;
        const h = nextHash;
        nextIp = ip + (skip++ >> 5);
        if (nextIp > limit) {
          if (emitFrom < end) out.literal(input, emitFrom, end);
          return;
        }
        nextHash = hash(load32(input, nextIp));
        candidate = start + table[h]!;
        table[h] = ip - start;
      } while (load32(input, ip) !== load32(input, candidate));
      out.literal(input, emitFrom, ip);
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < end && input[candidate + matched] === input[ip + matched]) matched++;
        ip += matched;
        out.copy(base - candidate, matched);
        emitFrom = ip;
        if (ip >= limit) {
          if (emitFrom < end) out.literal(input, emitFrom, end);
          return;
        }
        table[hash(load32(input, ip - 1))] = ip - 1 - start;
        const h = hash(load32(input, ip));
        candidate = start + table[h]!;
        table[h] = ip - start;
      } while (load32(input, ip) === load32(input, candidate));
      nextHash = hash(load32(input, ++ip));
    }
  }
  if (emitFrom < end) out.literal(input, emitFrom, end);
}

/** The Snappy-compressed bytes of `input`, at the start of `into` when it is long enough (a view of it), else in a new buffer. */
export function snappyCompress(input: Uint8Array, into?: Uint8Array): Uint8Array {
  const out = new Output(maxCompressedLength(input.length), into);
  out.varint(input.length);
  const table = new Uint16Array(1 << TABLE_BITS);
  for (let start = 0; start < input.length; start += FRAGMENT) {
    compressFragment(input, start, Math.min(input.length, start + FRAGMENT), table, out);
  }
  return out.bytes.subarray(0, out.at);
}
