import fc from 'fast-check';
import { snappyUncompress } from 'hyparquet';
import { snappyCompress as referenceCompress } from 'hyparquet-writer/src/snappy.js';
import { describe, expect, test } from 'vitest';
import { snappyCompress } from '../../src/io/snappy-compress.js';

/** Whether hyparquet's independent decoder gives the input back (byte comparison: deep equality is slow on megabytes). */
function roundTrips(input: Uint8Array): boolean {
  const out = new Uint8Array(input.length);
  snappyUncompress(snappyCompress(input), out);
  return Buffer.from(out.buffer).equals(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
}

describe('snappyCompress', () => {
  test('property: any bytes decompress back to themselves', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        expect(roundTrips(bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('property: repetitive data (small alphabets, runs, repeats beyond 64 KiB) round-trips and shrinks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 200_000 }), (motif, size) => {
        const bytes = Uint8Array.from({ length: size }, (_, i) => motif[i % motif.length]!);
        const compressed = snappyCompress(bytes);
        if (size > 1000) expect(compressed.length).toBeLessThan(size / 4);
        expect(roundTrips(bytes)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('float columns of a few megabytes round-trip, no larger than the reference compressor makes them', () => {
    let s = 12345;
    const floats = Float32Array.from({ length: 1 << 20 }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 10);
    floats.fill(1.5, 1000, 5000);
    const bytes = new Uint8Array(floats.buffer);
    expect(roundTrips(bytes)).toBe(true);
    expect(snappyCompress(bytes).length).toBeLessThanOrEqual(referenceCompress(bytes).length * 1.02);
  });

  test('empty input and inputs shorter than the match margin', () => {
    for (const n of [0, 1, 4, 14, 15, 16]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => i % 3);
      expect(roundTrips(bytes)).toBe(true);
    }
  });
});
