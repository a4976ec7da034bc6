import { describe, expect, test } from 'vitest';
import { type ColumnData, columnRows, concatColumns, rowOfValue, sliceColumn } from '../../src/core/column.js';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('columnRows', () => {
  test('counts rows of scalar, fixed-size and variable list columns', () => {
    expect(columnRows({ values: f64(1, 2, 3) })).toBe(3);
    expect(columnRows({ values: f64(1, 2, 3, 4, 5, 6), listSize: 3 })).toBe(2);
    expect(columnRows({ values: f64(1, 2, 3), offsets: Int32Array.from([0, 0, 2, 3]) })).toBe(3);
    expect(columnRows({ values: f64(), listSize: 0 })).toBe(0);
  });
});

describe('sliceColumn', () => {
  test('a slice of a scalar column is a view of the same buffer', () => {
    const values = f64(1, 2, 3, 4);
    const slice = sliceColumn({ values, valid: Uint8Array.from([1, 0, 1, 1]) }, 1, 3);
    expect(Array.from(slice.values)).toEqual([2, 3]);
    expect(Array.from(slice.valid!)).toEqual([0, 1]);
    expect(slice.values.buffer).toBe(values.buffer);
  });

  test('slices fixed-size lists by whole rows', () => {
    const slice = sliceColumn({ values: f64(1, 2, 3, 4, 5, 6), listSize: 2 }, 1, 3);
    expect(Array.from(slice.values)).toEqual([3, 4, 5, 6]);
    expect(columnRows(slice)).toBe(2);
  });

  test('slices variable lists through offsets that need not start at 0', () => {
    const column: ColumnData = { values: f64(10, 11, 12, 13, 14), offsets: Int32Array.from([0, 2, 2, 5]) };
    const slice = sliceColumn(column, 1, 3);
    expect(Array.from(slice.values)).toEqual([12, 13, 14]);
    expect(Array.from(slice.offsets!)).toEqual([2, 2, 5]);
    const inner = sliceColumn(slice, 1, 2);
    expect(Array.from(inner.values)).toEqual([12, 13, 14]);
  });
});

describe('concatColumns', () => {
  test('joins rows, fills validity for parts without nulls, and rebases offsets', () => {
    const a: ColumnData = { values: f64(1, 2, 3), offsets: Int32Array.from([5, 6, 8]) };
    const b: ColumnData = { values: f64(4, 5), valid: Uint8Array.from([0, 1]), offsets: Int32Array.from([0, 0, 2]) };
    const joined = concatColumns([a, b]);
    expect(Array.from(joined.values)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(joined.valid!)).toEqual([1, 1, 1, 0, 1]);
    expect(Array.from(joined.offsets!)).toEqual([0, 1, 3, 3, 5]);
  });

  test('a single part is returned as is', () => {
    const a = { values: f64(1) };
    expect(concatColumns([a])).toBe(a);
  });
});

describe('rowOfValue', () => {
  test('maps a value index to its row, skipping empty lists', () => {
    const column: ColumnData = { values: f64(1, 2, 3, 4, 5), offsets: Int32Array.from([3, 3, 5, 5, 8]) };
    expect([0, 1, 2, 3, 4].map((i) => rowOfValue(column, i))).toEqual([1, 1, 3, 3, 3]);
    expect(rowOfValue({ values: f64(1, 2, 3, 4, 5, 6), listSize: 3 }, 4)).toBe(1);
    expect(rowOfValue({ values: f64(1, 2, 3) }, 2)).toBe(2);
  });
});
