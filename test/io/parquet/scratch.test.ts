/** Scratch arrays: a borrowed array is long enough and nobody else's; given back, the next borrow of its kind may get it. */
import { describe, expect, test } from 'vitest';
import { borrow, giveBack } from '../../../src/io/parquet/scratch.js';

describe('scratch arrays', () => {
  test('a borrow gets an array given back when it is long enough, of its kind, and never one borrowed', () => {
    const a = borrow(Float32Array, 1000);
    const b = borrow(Float32Array, 1000);
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(1000);
    giveBack(a);
    expect(borrow(Float64Array, 10)).not.toBe(a);
    expect(borrow(Float32Array, 2000)).not.toBe(a);
    const again = borrow(Float32Array, 500);
    expect(again).toBe(a);
    expect(borrow(Float32Array, 500)).not.toBe(a);
  });

  test('empty arrays and undefined are not kept', () => {
    giveBack(new Int32Array(0), undefined);
    expect(borrow(Int32Array, 0).length).toBe(0);
  });
});
