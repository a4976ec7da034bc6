import fc from 'fast-check';
import { expect, test } from 'vitest';
import { encodeLevels } from '../../src/io/parquet-levels.js';
import { readLevels } from '../../src/io/parquet-rle.js';

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
