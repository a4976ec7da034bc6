/**
 * LevelCursor: a page's levels read some entries at a time, with entries
 * given back, are the levels that were encoded (by bn1d's encoder, in RLE
 * and bit-packed runs) and those readLevels decodes; bytes that readLevels
 * rejects fail the cursor with the same message.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeLevels } from '../../../src/io/parquet/levels.js';
import { LevelCursor } from '../../../src/io/parquet/level-cursor.js';
import { bitWidthOf, readLevels } from '../../../src/io/parquet/rle.js';

/** Every level of a cursor over `bytes`, read `sizes` entries at a time (cycling), giving back `back` entries of each read. */
function readAll(bytes: Uint8Array, max: number, count: number, sizes: number[], back = 0): Uint8Array {
  const cursor = new LevelCursor(bytes, 0, bytes.length, max, count, 'definition');
  const out = new Uint8Array(count);
  for (let at = 0, k = 0; at < count; k++) {
    const n = Math.min(sizes[k % sizes.length]!, count - at);
    cursor.read(out, at, n);
    const keep = n - Math.min(back, n - 1);
    cursor.unread(out.slice(at + keep, at + n));
    at += keep;
  }
  return out;
}

/** Levels up to `max` in runs (some long enough for RLE runs, some not). */
const levels = fc.integer({ min: 1, max: 200 }).chain((max) =>
  fc.tuple(
    fc.constant(max),
    fc.array(fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 60 })
      .map((runs) => Uint8Array.from(runs.flatMap(([value, length]) => Array<number>(length).fill(value)))),
  ));

describe('valid levels', () => {
  test('property: read in any sizes, with entries given back, the cursor gives the levels encoded', () => {
    fc.assert(
      fc.property(levels, fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 10 }), ([max, values], sizes, back) => {
        const bytes = encodeLevels(values, values.length, bitWidthOf(max));
        expect(readLevels(bytes, 0, bytes.length, max, values.length, 'definition')).toEqual(values);
        expect(readAll(bytes, max, values.length, sizes, back)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  test('a bit-packed run longer than the entries asked for ends where they do, as readLevels reads it', () => {
    // One run of 2 groups (16 levels of 1 bit), of which the page has 11.
    const bytes = Uint8Array.from([(2 << 1) | 1, 0b10110101, 0b01101101]);
    const expected = readLevels(bytes, 0, bytes.length, 1, 11, 'repetition');
    expect([...expected]).toEqual([1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1]);
    expect(readAll(bytes, 1, 11, [3])).toEqual(expected);
  });
});

describe('bad levels fail as readLevels fails', () => {
  const cases: [string, number[], number, number][] = [
    ['bytes that end early', [(4 << 1), 1], 1, 6],
    ['a bit-packed run past its bytes', [(3 << 1) | 1, 0xff], 1, 20],
    ['a run header that never ends', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 1, 5],
    ['a level above the maximum', [(5 << 1), 6], 5, 5],
    ['no bytes', [], 3, 2],
  ];
  test.each(cases)('%s', (_, data, max, count) => {
    const bytes = Uint8Array.from(data);
    let expected = '';
    try {
      readLevels(bytes, 0, bytes.length, max, count, 'definition');
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(expected).not.toBe('');
    for (const sizes of [[1], [2, 3], [count]]) expect(() => readAll(bytes, max, count, sizes)).toThrow(expected);
  });
});
