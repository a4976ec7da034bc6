import fc from 'fast-check';
import { expect, test } from 'vitest';
import { encodeLevels } from '../../../src/io/parquet/levels.js';
import { readLevels, readRleHybrid } from '../../../src/io/parquet/rle.js';

test('property: levels of any width decode back with the reader, and long runs stay small', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.tuple(fc.nat(15), fc.integer({ min: 1, max: 40 })), { maxLength: 60 }), (width, runs) => {
      const max = 2 ** width - 1;
      const levels = Uint8Array.from(runs.flatMap(([v, n]) => Array<number>(n).fill(v % (max + 1))));
      const bytes = encodeLevels(levels, levels.length, width);
      expect(Array.from(readLevels(bytes, 0, bytes.length, max, levels.length, 'test'))).toEqual(Array.from(levels));
    }),
  );
  const run = new Uint8Array(100_000).fill(1);
  expect(encodeLevels(run, run.length, 1).length).toBeLessThan(8);
});

test('a list pattern [0, 1 x 15] repeated encodes compactly and exactly', () => {
  const levels = Uint8Array.from({ length: 16 * 1000 }, (_, i) => (i % 16 === 0 ? 0 : 1));
  const bytes = encodeLevels(levels, levels.length, 1);
  expect(Array.from(readLevels(bytes, 0, bytes.length, 1, levels.length, 'rep'))).toEqual(Array.from(levels));
  // parquet-mr makes each run of 8+ ones an RLE run: 4 bytes per 16 levels here, a quarter of one byte per level.
  expect(bytes.length).toBeLessThanOrEqual(levels.length / 4);
});

test('property: values of any width up to 32 (dictionary indices) decode back, runs and groups mixed', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 32 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 20 })), { maxLength: 40 }), (width, runs) => {
      const max = width === 32 ? 2 ** 31 - 1 : 2 ** width - 1;
      const values = Int32Array.from(runs.flatMap(([v, n]) => Array<number>(n).fill(width === 32 ? v | (v % 2 ? 0x80000000 : 0) : v % (max + 1))));
      const bytes = encodeLevels(values, values.length, width);
      const out = new Int32Array(values.length);
      readRleHybrid(bytes, 0, bytes.length, width, out, values.length);
      expect(Array.from(out)).toEqual(Array.from(values));
    }),
  );
});

test('a long stretch without runs is one bit-packed run under one header, and a range from an offset encodes alone', () => {
  const values = Uint8Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const bytes = encodeLevels(values, values.length, 1);
  // 12,500 groups: the header (12,500 << 1 | 1) is a 3-byte varint, then one byte per group.
  expect(bytes.length).toBe(3 + 12_500);
  expect(Array.from(readLevels(bytes, 0, bytes.length, 1, values.length, 'def'))).toEqual(Array.from(values));
  const part = encodeLevels(values, 50, 1, 1000);
  expect(Array.from(readLevels(part, 0, part.length, 1, 50, 'def'))).toEqual(Array.from(values.subarray(1000, 1050)));
});
