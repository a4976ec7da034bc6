/**
 * Seeded randomness: the same seed gives the same numbers on every machine,
 * so a shuffled fit or a sample can be repeated bit for bit.
 */

/** A source of uniform numbers in [0, 1) and integers in [0, n). */
export interface Random {
  next(): number;
  /** An integer in [0, n) (n < 2^32), with a bias of at most n / 2^32. */
  below(n: number): number;
}

/** splitmix32: spreads a seed (and a stream number) over 32 bits. */
function mix(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** xoshiro128**: small, fast, and the same on every machine. */
class Xoshiro128 implements Random {
  constructor(
    private a: number,
    private b: number,
    private c: number,
    private d: number,
  ) {}

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  below(n: number): number {
    // Multiply and shift, exact while x * n < 2^53: each integer's probability is off by at most n / 2^32.
    if (n <= 2097152) return Math.floor((this.nextUint32() * n) / 4294967296);
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }
}

/** xoshiro128** seeded from `seed` and `stream` (e.g. the epoch), so each stream is independent. */
export function seededRandom(seed: number, stream = 0): Random {
  const a = mix(seed ^ Math.imul(stream + 1, 0x632be5ab));
  const b = mix(a);
  const c = mix(b);
  const d = mix(c);
  return new Xoshiro128((a | b | c | d) === 0 ? 1 : a, b, c, d);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, random: Random): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.below(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
