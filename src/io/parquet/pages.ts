/**
 * Decoding of the values section of one Parquet page (after decompression),
 * for every encoding in the format: PLAIN, dictionary indices, RLE booleans,
 * BYTE_STREAM_SPLIT and the three DELTA encodings.
 */
import type { Encoding, ParquetType } from 'hyparquet';
import { joinByteStreams } from './byte-stream-split.js';
import { readDeltaBinaryPacked } from './delta.js';
import { CorruptParquet } from './faults.js';
import { readRleHybrid } from './rle.js';
import { emptyValues, gather, numericConstructor, type PhysicalValues } from './values.js';

/** Physical type and width of the column a page belongs to. */
export interface ColumnType {
  readonly type: ParquetType;
  /** Bytes per value of FIXED_LEN_BYTE_ARRAY (12 for INT96). */
  readonly width: number;
}

/** Decodes `count` values of bytes[start, end) in the given encoding. */
export function decodeValues(
  bytes: Uint8Array, start: number, end: number, encoding: Encoding, column: ColumnType, count: number,
  dictionary: PhysicalValues | undefined,
): PhysicalValues {
  if (count === 0) return emptyValues(column.type, column.width);
  switch (encoding) {
    case 'PLAIN':
      return readPlainValues(bytes, start, end, column, count);
    case 'PLAIN_DICTIONARY':
    case 'RLE_DICTIONARY': {
      if (!dictionary) throw new CorruptParquet('dictionary-encoded page without a dictionary page');
      const indices = new Int32Array(count);
      if (count > 0) {
        if (start >= end) throw new CorruptParquet('dictionary page data is empty');
        readRleHybrid(bytes, start + 1, end, bytes[start]!, indices, count);
      }
      return gather(dictionary, indices);
    }
    case 'RLE': {
      if (column.type !== 'BOOLEAN') throw new CorruptParquet(`RLE encoding of ${column.type} values`);
      if (start + 4 > end) throw new CorruptParquet('RLE data ends early');
      const length = new DataView(bytes.buffer, bytes.byteOffset + start, 4).getUint32(0, true);
      const data = new Uint8Array(count);
      readRleHybrid(bytes, start + 4, Math.min(end, start + 4 + length), 1, data, count);
      return { kind: 'bool', data };
    }
    case 'BYTE_STREAM_SPLIT': {
      if (column.type === 'BOOLEAN' || column.type === 'BYTE_ARRAY' || column.type === 'INT96') {
        throw new CorruptParquet(`BYTE_STREAM_SPLIT encoding of ${column.type} values`);
      }
      if (column.type === 'FIXED_LEN_BYTE_ARRAY') {
        return { kind: 'fixed', width: column.width, data: joinByteStreams(bytes, start, end, count, column.width) };
      }
      const Ctor = numericConstructor(column.type);
      return { kind: 'numeric', data: new Ctor(joinByteStreams(bytes, start, end, count, Ctor.BYTES_PER_ELEMENT).buffer) };
    }
    case 'DELTA_BINARY_PACKED': {
      if (column.type !== 'INT32' && column.type !== 'INT64') throw new CorruptParquet(`DELTA_BINARY_PACKED encoding of ${column.type} values`);
      const data = column.type === 'INT32' ? new Int32Array(count) : new BigInt64Array(count);
      readDeltaBinaryPacked(bytes, start, end, data);
      return { kind: 'numeric', data };
    }
    case 'DELTA_LENGTH_BYTE_ARRAY':
    case 'DELTA_BYTE_ARRAY': {
      if (column.type !== 'BYTE_ARRAY' && column.type !== 'FIXED_LEN_BYTE_ARRAY') {
        throw new CorruptParquet(`${encoding} encoding of ${column.type} values`);
      }
      const values = encoding === 'DELTA_BYTE_ARRAY'
        ? deltaByteArray(bytes, start, end, count)
        : deltaLengthByteArray(bytes, start, end, count);
      if (column.type === 'BYTE_ARRAY') return { kind: 'bytes', data: values };
      return { kind: 'fixed', width: column.width, data: joinFixed(values, column.width) };
    }
    default:
      throw new CorruptParquet(`unsupported encoding ${String(encoding)}`);
  }
}

/** PLAIN values (also the encoding of dictionary pages). */
export function readPlainValues(bytes: Uint8Array, start: number, end: number, column: ColumnType, count: number): PhysicalValues {
  const { type, width } = column;
  switch (type) {
    case 'BOOLEAN': {
      need(start, end, Math.ceil(count / 8));
      const data = new Uint8Array(count);
      for (let i = 0; i < count; i++) data[i] = (bytes[start + (i >> 3)]! >> (i & 7)) & 1;
      return { kind: 'bool', data };
    }
    case 'BYTE_ARRAY': {
      const data = new Array<Uint8Array>(count);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let pos = start;
      for (let i = 0; i < count; i++) {
        need(pos, end, 4);
        const length = view.getUint32(pos, true);
        need(pos + 4, end, length);
        data[i] = bytes.subarray(pos + 4, pos + 4 + length);
        pos += 4 + length;
      }
      return { kind: 'bytes', data };
    }
    case 'INT96':
    case 'FIXED_LEN_BYTE_ARRAY':
      need(start, end, count * width);
      return { kind: 'fixed', width, data: bytes.slice(start, start + count * width) };
    default: {
      const Ctor = numericConstructor(type);
      need(start, end, count * Ctor.BYTES_PER_ELEMENT);
      // slice() copies into a fresh, aligned buffer.
      return { kind: 'numeric', data: new Ctor(bytes.slice(start, start + count * Ctor.BYTES_PER_ELEMENT).buffer) };
    }
  }
}

function need(start: number, end: number, length: number): void {
  if (start + length > end) throw new CorruptParquet(`values need ${length} bytes, only ${Math.max(0, end - start)} are left`);
}

function joinFixed(values: Uint8Array[], width: number): Uint8Array {
  const out = new Uint8Array(values.length * width);
  values.forEach((value, i) => {
    if (value.length !== width) throw new CorruptParquet(`a value of ${value.length} bytes in a column of ${width}-byte values`);
    out.set(value, i * width);
  });
  return out;
}

function deltaLengthByteArray(bytes: Uint8Array, start: number, end: number, count: number): Uint8Array[] {
  const lengths = new Int32Array(count);
  let pos = readDeltaBinaryPacked(bytes, start, end, lengths);
  return Array.from(lengths, (length) => {
    if (length < 0) throw new CorruptParquet(`negative value length ${length}`);
    need(pos, end, length);
    pos += length;
    return bytes.subarray(pos - length, pos);
  });
}

function deltaByteArray(bytes: Uint8Array, start: number, end: number, count: number): Uint8Array[] {
  const prefixes = new Int32Array(count);
  const suffixes = new Int32Array(count);
  let pos = readDeltaBinaryPacked(bytes, readDeltaBinaryPacked(bytes, start, end, prefixes), end, suffixes);
  const out = new Array<Uint8Array>(count);
  let previous = new Uint8Array(0);
  for (let i = 0; i < count; i++) {
    const prefix = prefixes[i]!;
    const suffix = suffixes[i]!;
    if (prefix < 0 || suffix < 0 || prefix > previous.length) throw new CorruptParquet(`bad DELTA_BYTE_ARRAY prefix ${prefix} / suffix ${suffix}`);
    need(pos, end, suffix);
    const value = new Uint8Array(prefix + suffix);
    value.set(previous.subarray(0, prefix));
    value.set(bytes.subarray(pos, pos + suffix), prefix);
    pos += suffix;
    out[i] = previous = value;
  }
  return out;
}
