/** The safetensors reader and writer: layout, dtypes, and every way a file can be malformed. */
import { describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { isSafetensorsHead, parseSafetensors, type SafetensorsTensor } from '../../../src/io/safetensors/read.js';
import { duplicateKey } from '../../../src/io/safetensors/json.js';
import { float16ToNumber } from '../../../src/core/to-float64.js';
import { encodeFloats, encodeInt64, tensorNumbers } from '../../../src/io/safetensors/values.js';
import { formatSafetensors } from '../../../src/io/safetensors/write.js';

/** A file from a header (object or raw text) and data bytes; `length` overrides the header length field. */
function file(header: object | string, data: ArrayLike<number> = [], length?: bigint): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(Array.from(data), 8 + text.length);
  return out;
}

const f32 = (name: string, values: number[]): SafetensorsTensor => ({ name, dtype: 'F32', shape: [values.length], bytes: encodeFloats(Float64Array.from(values), 'F32') });

/** The message of the DataError that parsing throws. */
function error(bytes: Uint8Array): string {
  try {
    parseSafetensors(bytes, 'bad.safetensors');
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).not.toMatch(/\n/);
    return (e as Error).message;
  }
  throw new Error('parsed without an error');
}

describe('writing and reading', () => {
  test('tensors and metadata read back; the header is padded to 8 bytes and starts with "{"', () => {
    const tensors = [f32('b', [1, 2, 3]), { name: 'a', dtype: 'I64', shape: [], bytes: encodeInt64(7) }, f32('1', [0.5])];
    const bytes = formatSafetensors(tensors, { z: '1', format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    expect(bytes[8]).toBe(0x7b);
    const parsed = parseSafetensors(bytes, 'x');
    expect(parsed.metadata).toEqual({ format: 'pt', z: '1' });
    expect([...parsed.tensors.keys()].sort()).toEqual(['1', 'a', 'b']);
    expect(Array.from(tensorNumbers(parsed.tensors.get('b')!, ['F32'], 'x'))).toEqual([1, 2, 3]);
    expect(Array.from(tensorNumbers(parsed.tensors.get('a')!, ['I64'], 'x'))).toEqual([7]);
    expect(parsed.tensors.get('a')!.shape).toEqual([]);
  });

  test('the order is stable: 8-byte dtypes first, then by name, whatever order they are given in', () => {
    const tensors = [f32('weight', [1]), f32('bias', [2]), { name: 'num_batches_tracked', dtype: 'I64', shape: [], bytes: encodeInt64(3) }];
    const a = formatSafetensors(tensors);
    expect(formatSafetensors([...tensors].reverse())).toEqual(a);
    const header = new TextDecoder().decode(a.subarray(8, 8 + Number(new DataView(a.buffer).getBigUint64(0, true))));
    expect(header.trimEnd()).toBe(
      '{"num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"weight":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}',
    );
  });

  test('duplicate names are refused by the writer', () => {
    expect(() => formatSafetensors([f32('a', [1]), f32('a', [2])])).toThrow(/unique/);
  });

  test('empty tensors (shape with a 0) take no bytes', () => {
    const parsed = parseSafetensors(file({ e: { dtype: 'F32', shape: [4, 0], data_offsets: [0, 0] } }), 'x');
    expect(parsed.tensors.get('e')!.bytes.length).toBe(0);
  });
});

describe('detection', () => {
  test('a header length has control bytes; JSON text does not', () => {
    expect(isSafetensorsHead(formatSafetensors([f32('a', [1])]))).toBe(true);
    expect(isSafetensorsHead(file('{}', [], 2n ** 40n))).toBe(true);
    expect(isSafetensorsHead(new TextEncoder().encode('{\n  "format": "bn1d-state"}'))).toBe(false);
    expect(isSafetensorsHead(new TextEncoder().encode('\t\r\n {"fit": {'))).toBe(false);
    expect(isSafetensorsHead(new Uint8Array(5))).toBe(false);
  });
});

describe('malformed files are one-line DataErrors naming the file and tensor', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const data = new Uint8Array(8);

  test.each([
    ['too short', new Uint8Array(5), /bad\.safetensors: 5 bytes is too short/],
    ['a header length of 2^40 (fuzzed)', file(ok, data, 2n ** 40n), /claims 1,099,511,627,776 bytes but only [\d,]+ follow/],
    ['a header length of 2^64 - 1', file(ok, data, 2n ** 64n - 1n), /claims 18,446,744,073,709,551,615 bytes/],
    ['a header that is not an object', file('[1, 2]'), /does not start with "\{"/],
    ['a header that is not JSON', file('{"a": '), /not valid JSON/],
    ['a duplicate tensor', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', data), /the key "a" twice/],
    ['a duplicate field', file('{"a":{"dtype":"F32","dtype":"F64","shape":[2],"data_offsets":[0,8]}}', data), /the key "dtype" twice/],
    ['an unknown dtype', file({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 8] } }, data), /tensor "a" has the unknown dtype "F128"/],
    ['no dtype', file({ a: { shape: [2], data_offsets: [0, 8] } }, data), /tensor "a" has no "dtype"/],
    ['an entry that is not an object', file({ a: [1] }, data), /tensor "a" must be an object/],
    ['a negative extent', file({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data), /tensor "a" has a "shape" that is not/],
    ['a fractional extent', file({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 8] } }, data), /tensor "a" has a "shape" that is not/],
    ['three offsets', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4, 8] } }, data), /tensor "a" has "data_offsets" that are not two/],
    ['offsets that end before they begin', file({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, data), /tensor "a" has data_offsets \[8, 0\] that end before/],
    ['offsets beyond the file', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 2 ** 40] } }, data), /tensor "a" has data_offsets \[0, 1099511627776\] beyond the 8 bytes/],
    ['a shape that needs more bytes', file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data), /tensor "a" of dtype F32 and shape \[3\] needs 12 bytes, but its data_offsets span 8/],
    ['a huge shape', file({ a: { dtype: 'F64', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, data), /tensor "a" .* needs more than [\d,]+ bytes, but its data_offsets span 8/],
    ['a shape that needs fewer bytes', file({ a: { dtype: 'F64', shape: [], data_offsets: [0, 4] } }, data.subarray(0, 4)), /needs 8 bytes, but its data_offsets span 4/],
    [
      'overlapping tensors',
      file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data),
      /tensor "b" \(bytes 4-8\) overlaps tensor "a" \(which ends at 8\)/,
    ],
    ['a gap between tensors', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data), /bytes 0-4 of the data, before tensor "a", belong to no tensor/],
    ['trailing garbage', file(ok, new Uint8Array(11)), /3 trailing bytes after the last tensor/],
    ['metadata that is not an object', file({ __metadata__: 'x', ...ok }, data), /"__metadata__" must be an object of strings/],
    ['metadata with a number', file({ __metadata__: { eps: 1e-5 }, ...ok }, data), /"__metadata__" entry "eps" must be a string/],
  ])('%s', (_what, bytes, message) => {
    const text = error(bytes);
    expect(text).toMatch(/^bad\.safetensors: /);
    expect(text).toMatch(message);
  });

  test('invalid UTF-8 in the header is named', () => {
    const bytes = file('{"ab":1}');
    bytes[10] = 0xff;
    expect(error(bytes)).toMatch(/not valid UTF-8/);
  });
});

describe('duplicate keys', () => {
  test('found at any depth, with escapes and braces inside strings', () => {
    expect(duplicateKey('{"a": 1, "b": {"a": 2}}')).toBeUndefined();
    expect(duplicateKey('{"a": "{\\"a\\": 1}", "b": ["a", "a"]}')).toBeUndefined();
    expect(duplicateKey('{"x": [{"k": 1, "k": 2}]}')).toBe('k');
    expect(duplicateKey('{"a\\"b": 1, "a\\u0022b" : 2}')).toBe('a"b');
    expect(duplicateKey('{"a":{}, "b":[], "a":null}')).toBe('a');
  });
});

describe('values', () => {
  test('half precision: normal, subnormal, largest, signed zero and infinity, exactly', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0x3555)).toBe(0.333251953125);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });

  test('every float and integer dtype reads as float64', () => {
    const tensor = (dtype: string, bytes: number[]): SafetensorsTensor => ({ name: 't', dtype, shape: [], bytes: Uint8Array.from(bytes) });
    const all = ['F16', 'BF16', 'F32', 'F64', 'I32', 'I64'];
    expect(tensorNumbers(tensor('F16', [0x00, 0xc0]), all, 'x')[0]).toBe(-2);
    expect(tensorNumbers(tensor('BF16', [0x80, 0x3f]), all, 'x')[0]).toBe(1);
    expect(tensorNumbers(tensor('BF16', [0x49, 0x40]), all, 'x')[0]).toBe(3.140625);
    expect(tensorNumbers(tensor('F32', [0, 0, 0xc0, 0x3f]), all, 'x')[0]).toBe(1.5);
    expect(tensorNumbers({ ...tensor('F64', []), bytes: encodeFloats(Float64Array.of(0.1), 'F64') }, all, 'x')[0]).toBe(0.1);
    expect(tensorNumbers(tensor('I32', [0xff, 0xff, 0xff, 0xff]), all, 'x')[0]).toBe(-1);
    expect(tensorNumbers({ ...tensor('I64', []), bytes: encodeInt64(2 ** 53 - 1) }, all, 'x')[0]).toBe(2 ** 53 - 1);
  });

  test('an int64 beyond 2^53 and an unexpected dtype are DataErrors naming the tensor', () => {
    const big: SafetensorsTensor = { name: 'n', dtype: 'I64', shape: [], bytes: new Uint8Array([1, 0, 0, 0, 0, 0, 0x20, 0]) };
    expect(() => tensorNumbers(big, ['I64'], 'f.safetensors')).toThrow(/^f\.safetensors: tensor "n" holds 9007199254740993, beyond/);
    expect(() => tensorNumbers(big, ['F32', 'F64'], 'f.safetensors')).toThrow(/^f\.safetensors: tensor "n" has dtype I64; expected F32, F64$/);
  });

  test('F32 rounds to nearest; F64 keeps every bit', () => {
    const values = Float64Array.of(0.1, -1e-300, 1 / 3, -0);
    expect(Array.from(new Float32Array(encodeFloats(values, 'F32').buffer))).toEqual(Array.from(values, Math.fround));
    expect(Array.from(new Float64Array(encodeFloats(values, 'F64').buffer))).toEqual(Array.from(values));
  });
});
