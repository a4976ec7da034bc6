/**
 * Seeded randomness: the same seed gives the same numbers on every machine,
 * so a shuffled fit or a sample can be repeated bit for bit.
 */

/** A source of uniform numbers in [0, 1) and integers in [0, n). */
export interface Random {
  next(): number;
  below(n: number): number;
}

/** splitmix32: spreads a seed (and a stream number) over 32 bits. */
function mix(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** xoshiro128** seeded from `seed` and `stream` (e.g. the epoch), so each stream is independent. */
export function seededRandom(seed: number, stream = 0): Random {
  let a = mix(seed ^ Math.imul(stream + 1, 0x632be5ab));
  let b = mix(a);
  let c = mix(b);
  let d = mix(c);
  if ((a | b | c | d) === 0) a = 1;
  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = () => next32() / 4294967296;
  return {
    next,
    below(n) {
      // Rejection keeps every integer equally likely.
      const limit = 4294967296 - (4294967296 % n);
      let x = next32();
      while (x >= limit) x = next32();
      return x % n;
    },
  };
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
