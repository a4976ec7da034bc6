/** The footer bytes of min/max statistics: physical encodings, and the 64-byte cut of long byte arrays with its exactness flags. */
import type { SchemaElement } from 'hyparquet';
import { describe, expect, test } from 'vitest';
import { MinMax, type SortOrder } from '../../../src/io/parquet/statistics.js';
import { chunkStatistics } from '../../../src/io/parquet/statistics-out.js';

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | undefined) => bytes && new TextDecoder().decode(bytes);

function bytesStatistics(element: SchemaElement, values: Uint8Array[]) {
  const minMax = new MinMax('bytes');
  minMax.addBytes(values);
  return chunkStatistics(element, minMax, 2);
}

describe('byte arrays', () => {
  const string: SchemaElement = { name: 's', type: 'BYTE_ARRAY', logical_type: { type: 'STRING' } };
  const binary: SchemaElement = { name: 'b', type: 'BYTE_ARRAY' };

  test('strings up to 64 bytes are kept whole, exact (no flag), with the null count', () => {
    const stats = bytesStatistics(string, ['pear', 'apple', 'x'.repeat(64)].map((s) => utf8.encode(s)));
    expect(stats).toEqual({ null_count: 2n, min_value: utf8.encode('apple'), max_value: utf8.encode('x'.repeat(64)) });
  });

  test('a longer string is cut between characters; the maximum has its last character incremented; both flagged inexact', () => {
    const long = `a${'é'.repeat(40)}`; // 81 bytes: byte 64 continues the 32nd é
    const stats = bytesStatistics(string, [utf8.encode(long)]);
    expect(text(stats.min_value)).toBe(`a${'é'.repeat(31)}`);
    expect(text(stats.max_value)).toBe(`a${'é'.repeat(30)}ê`);
    expect([stats.is_min_value_exact, stats.is_max_value_exact]).toEqual([false, false]);
    expect(text(stats.max_value)! > long).toBe(true);
  });

  test("a maximum whose last characters cannot grow within 64 bytes grows an earlier one; U+10FFFF never grows", () => {
    const stats = bytesStatistics(string, [utf8.encode(`${'b'.repeat(60)}\u{10FFFF}\u{10FFFF}`)]);
    expect(text(stats.max_value)).toBe(`${'b'.repeat(59)}c`);
  });

  test('binary is cut bytewise: trailing 0xFF dropped and the byte before incremented; a maximum of only 0xFF stays whole and exact', () => {
    const value = Uint8Array.from({ length: 70 }, (_, i) => (i >= 62 ? 0xff : i));
    const stats = bytesStatistics(binary, [value]);
    expect(Array.from(stats.min_value!)).toEqual(Array.from(value.subarray(0, 64)));
    expect(Array.from(stats.max_value!)).toEqual([...Array.from(value.subarray(0, 61)), 62]);
    const ones = bytesStatistics(binary, [new Uint8Array(70).fill(0xff)]);
    expect([ones.min_value!.length, ones.max_value!.length, ones.is_min_value_exact, ones.is_max_value_exact]).toEqual([64, 70, false, undefined]);
  });

  test('JSON values are never cut (a prefix is no document)', () => {
    const json = utf8.encode(JSON.stringify({ key: 'v'.repeat(100) }));
    expect(bytesStatistics({ name: 'j', type: 'BYTE_ARRAY', converted_type: 'JSON' }, [json])).toEqual({ null_count: 2n, min_value: json, max_value: json });
  });

  test('bounds are copies, not views of the values', () => {
    const buffer = utf8.encode('shared buffer');
    const stats = bytesStatistics(string, [buffer.subarray(0, 6)]);
    expect(stats.min_value!.buffer).not.toBe(buffer.buffer);
  });
});

describe('numbers', () => {
  const typed = (element: SchemaElement, order: SortOrder, values: Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array) => {
    const minMax = new MinMax(order);
    minMax.addTyped(values);
    const stats = chunkStatistics(element, minMax, 0);
    return [Array.from(stats.min_value ?? []), Array.from(stats.max_value ?? []), stats.nan_count];
  };

  test('INT32, INT64 little-endian; unsigned INT32 by its bits; FLOAT and DOUBLE with -0 as the minimum, +0 as the maximum and the NaN count', () => {
    expect(typed({ name: 'i', type: 'INT32' }, 'signed', Int32Array.of(5, -2, 7))).toEqual([[0xfe, 0xff, 0xff, 0xff], [7, 0, 0, 0], undefined]);
    expect(typed({ name: 'u', type: 'INT32', converted_type: 'UINT_32' }, 'unsigned', Int32Array.of(-1, 3))).toEqual([[3, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], undefined]);
    expect(typed({ name: 'l', type: 'INT64' }, 'signed', BigInt64Array.of(-(2n ** 63n), 1n))).toEqual([[0, 0, 0, 0, 0, 0, 0, 0x80], [1, 0, 0, 0, 0, 0, 0, 0], undefined]);
    expect(typed({ name: 'f', type: 'FLOAT' }, 'float', Float32Array.of(0, NaN, 0))).toEqual([[0, 0, 0, 0x80], [0, 0, 0, 0], 1n]);
    expect(typed({ name: 'd', type: 'DOUBLE' }, 'float', Float64Array.of(-0, NaN, NaN, 1))).toEqual([[0, 0, 0, 0, 0, 0, 0, 0x80], [0, 0, 0, 0, 0, 0, 0xf0, 0x3f], 2n]);
    expect(typed({ name: 'b', type: 'BOOLEAN' }, 'boolean', Uint8Array.of(1, 1))).toEqual([[1], [1], undefined]);
  });

  test('DECIMAL bounds: the unscaled value in the physical type, big-endian in byte arrays (the fewest bytes in BYTE_ARRAY)', () => {
    const decimal = (element: SchemaElement, values: Uint8Array[]) => {
      const minMax = new MinMax('decimal');
      minMax.addDecoded(values);
      const stats = chunkStatistics(element, minMax, 0);
      return [Array.from(stats.min_value!), Array.from(stats.max_value!)];
    };
    const flba: SchemaElement = { name: 'x', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 4, converted_type: 'DECIMAL', precision: 9, scale: 2 };
    expect(decimal(flba, [Uint8Array.of(0xff, 0xff, 0xff, 0xfe), Uint8Array.of(0, 0, 1, 0)])).toEqual([[0xff, 0xff, 0xff, 0xfe], [0, 0, 1, 0]]);
    const bytes: SchemaElement = { name: 'x', type: 'BYTE_ARRAY', converted_type: 'DECIMAL', precision: 9, scale: 2 };
    expect(decimal(bytes, [Uint8Array.of(0x80), Uint8Array.of(0, 0, 0, 0xff)])).toEqual([[0x80], [0, 0xff]]);
    const minMax = new MinMax('decimal');
    minMax.addTyped(Int32Array.of(-300, 12));
    const stats = chunkStatistics({ name: 'x', type: 'INT32', converted_type: 'DECIMAL', precision: 5, scale: 2 }, minMax, 0);
    expect([Array.from(stats.min_value!), Array.from(stats.max_value!)]).toEqual([[0xd4, 0xfe, 0xff, 0xff], [12, 0, 0, 0]]);
  });

  test('no values: only the null count (and the NaN count of floats)', () => {
    expect(chunkStatistics({ name: 'd', type: 'DOUBLE' }, new MinMax('float'), 4)).toEqual({ null_count: 4n, nan_count: 0n });
    expect(chunkStatistics({ name: 't', type: 'INT96' }, undefined, 1)).toEqual({ null_count: 1n });
  });
});
