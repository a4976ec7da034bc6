/** Helpers of the compressor tests: seeded byte patterns, and comparing bytes (deep equality is slow on megabytes). */
import { seededRandom } from '../../../src/core/random.js';

export function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function randomBytes(n: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => random.below(256));
}

/** `n` bytes repeating `motif`, with a share `noise` of them replaced by random bytes. */
export function periodic(motif: Uint8Array, n: number, noise: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: n }, (_, i) => (random.next() < noise ? random.below(256) : motif[i % motif.length]!));
}
