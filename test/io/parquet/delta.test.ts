/**
 * The DELTA_BINARY_PACKED decoder against a straightforward encoder written
 * for the tests (delta-reference.ts): values of any size in any
 * block layout, the edge cases of the format, and broken data. Files of
 * other writers are in delta-files.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CorruptParquet } from '../../../src/io/parquet/faults.js';
import { asBits, decode, encode, firstBlockWidths, INT64_MAX, INT64_MIN } from './delta-reference.js';

const layouts = fc.integer({ min: 1, max: 4 }).chain((k) => {
  const divisors = [1, 2, 4, 8, 16].filter((m) => (4 * k) % m === 0);
  return fc.record({ blockSize: fc.constant(128 * k), miniblocks: fc.constantFrom(...divisors), unusedWidth: fc.nat(255) });
});

function int64s(): fc.Arbitrary<bigint[]> {
  const any = fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
  const walk = fc.tuple(any, fc.array(fc.bigInt({ min: -1000n, max: 1000n }), { maxLength: 700 }))
    .map(([start, steps]) => steps.reduce((vs, s) => [...vs, BigInt.asIntN(64, vs.at(-1)! + s)], [start]));
  const extremes = fc.array(fc.constantFrom(INT64_MIN, INT64_MAX, 0n, -1n, 1n), { minLength: 1, maxLength: 300 });
  return fc.oneof(fc.array(any, { minLength: 1, maxLength: 700 }), walk, extremes);
}

describe('against the reference encoder', () => {
  test('property: INT64 values of any size, in any block layout, decode exactly and end where the data ends', () => {
    fc.assert(
      fc.property(int64s(), layouts, fc.uint8Array({ maxLength: 9 }), (values, layout, junk) => {
        const bytes = encode(values, 64, layout);
        const { values: got, end } = decode(Uint8Array.from([...bytes, ...junk]), values.length, 64);
        expect(got).toEqual(values);
        expect(end).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  test('property: INT32 values, with deltas wrapped to 32 bits or taken in 64, and miniblocks wider than they need', () => {
    const int32s = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(BigInt), { minLength: 1, maxLength: 700 });
    fc.assert(
      fc.property(int32s, layouts, fc.boolean(), fc.array(fc.nat(40), { minLength: 16, maxLength: 16 }), (values, layout, wideDeltas, extra) => {
        const bytes = encode(values, 32, { ...layout, wideDeltas, extraBits: (m) => extra[m]! });
        const { values: got, end } = decode(bytes, values.length, 32);
        expect(got).toEqual(values);
        expect(end).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  test('INT64 extremes: deltas that wrap, a miniblock of 64-bit values, then one of 0-bit values', () => {
    // 0 → MIN is a delta of MIN, MIN → -1 one of MAX: their range takes all 64 bits. Then steps of MIN (wrapping).
    const values = [0n, INT64_MIN, -1n, INT64_MAX, INT64_MIN];
    while (values.length < 45) values.push(BigInt.asIntN(64, values.at(-1)! + INT64_MIN));
    const bytes = encode(values, 64, { blockSize: 128, miniblocks: 4, unusedWidth: 200 });
    expect(firstBlockWidths(bytes)).toEqual([64, 0, 200, 200]);
    expect(decode(bytes, values.length, 64)).toEqual({ values, end: bytes.length });
  });

  test('negative deltas, a single value, a count one past a block, and a count not a multiple of the miniblock', () => {
    for (const n of [1, 2, 33, 128, 129, 130, 200, 1000]) {
      const values = Array.from({ length: n }, (_, i) => BigInt((i * 7919) % 613) * -1_000_003n + 7n);
      for (const bits of [32, 64] as const) {
        const expected = asBits(values, bits);
        const bytes = encode(expected, bits, { blockSize: 128, miniblocks: 4, unusedWidth: 0xff });
        expect(decode(bytes, n, bits).values, `${n} values, ${bits} bits`).toEqual(expected);
      }
    }
  });

  test('an empty page: a header and no blocks', () => {
    const bytes = encode([], 64, { blockSize: 128, miniblocks: 4 });
    expect(decode(bytes, 0, 64)).toEqual({ values: [], end: bytes.length });
  });

  test('every truncation is a CorruptParquet, except inside the last miniblock\'s padding', () => {
    const values = Array.from({ length: 300 }, (_, i) => BigInt(i) ** 3n - 5000n * BigInt(i % 17));
    for (const bits of [32, 64] as const) {
      const expected = asBits(values, bits);
      const bytes = encode(expected, bits, { blockSize: 256, miniblocks: 8 });
      const outcomes = Array.from({ length: bytes.length }, (_, end) => {
        try {
          expect(decode(bytes, values.length, bits, end).values).toEqual(expected);
          return 'read';
        } catch (error) {
          if (!(error instanceof CorruptParquet)) throw error;
          return 'corrupt';
        }
      });
      // 43 deltas in the last block: its second miniblock holds 11 values and the padding of 21.
      const firstRead = outcomes.indexOf('read');
      expect(outcomes.slice(firstRead).every((o) => o === 'read')).toBe(true);
      expect(bytes.length - firstRead).toBeLessThan(Math.ceil((21 * 64) / 8));
      expect(firstRead).toBeGreaterThan(bytes.length * 0.8);
    }
  });

  test.each([
    ['a block size not a multiple of 128', [100, 4, 1, 0], 1, /bad DELTA_BINARY_PACKED block layout \(100 values in 4 miniblocks\)/],
    ['miniblocks of 16 values', [0x80, 1, 8, 1, 0], 1, /bad DELTA_BINARY_PACKED block layout/],
    ['no miniblocks', [0x80, 1, 0, 1, 0], 1, /bad DELTA_BINARY_PACKED block layout/],
    ['more values than the page has', [0x80, 1, 4, 5, 0], 4, /DELTA_BINARY_PACKED data of 5 values where 4 are expected/],
    ['fewer values than the page has', [0x80, 1, 4, 3, 0], 4, /of 3 values where 4 are expected/],
    ['a 65-bit miniblock', [0x80, 1, 4, 2, 0, 0, 65, 0, 0, 0], 2, /miniblock of 65-bit values/],
    ['a varint over 10 bytes', [0x80, 1, 4, 2, ...Array<number>(10).fill(0xff), 1], 2, /varint over 10 bytes/],
    ['a block size over 2^32', [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 1, /block size over 2\^32/],
    ['no header at all', [], 1, /ends early/],
  ])('%s is a CorruptParquet', (_, bytes, count, message) => {
    expect(() => decode(Uint8Array.from(bytes), count, 64)).toThrow(CorruptParquet);
    expect(() => decode(Uint8Array.from(bytes), count, 64)).toThrow(message);
  });
});
