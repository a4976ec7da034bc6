/**
 * Physical values of one Parquet leaf column: what a page decodes to before
 * any logical annotation is applied, kept in compact typed form.
 */
import type { ParquetType } from 'hyparquet';
import { CorruptParquet } from './faults.js';

/** INT32, INT64, FLOAT or DOUBLE values. */
export type NumericArray = Int32Array | BigInt64Array | Float32Array | Float64Array;

/** Non-null values of a leaf column, in order. */
export type PhysicalValues =
  | { readonly kind: 'numeric'; readonly data: NumericArray }
  /** BOOLEAN, one byte (0 or 1) per value. */
  | { readonly kind: 'bool'; readonly data: Uint8Array }
  /** FIXED_LEN_BYTE_ARRAY and INT96: `width` bytes per value, back to back. */
  | { readonly kind: 'fixed'; readonly width: number; readonly data: Uint8Array }
  /** BYTE_ARRAY, one view per value. */
  | { readonly kind: 'bytes'; readonly data: Uint8Array[] };

/** Number of values held. */
export function valueCount(values: PhysicalValues): number {
  return values.kind === 'fixed' ? values.data.length / values.width : values.data.length;
}

/** Empty values of a physical type. */
export function emptyValues(type: ParquetType, width: number): PhysicalValues {
  switch (type) {
    case 'BOOLEAN':
      return { kind: 'bool', data: new Uint8Array(0) };
    case 'BYTE_ARRAY':
      return { kind: 'bytes', data: [] };
    case 'INT96':
    case 'FIXED_LEN_BYTE_ARRAY':
      return { kind: 'fixed', width, data: new Uint8Array(0) };
    default:
      return { kind: 'numeric', data: new (numericConstructor(type))(0) };
  }
}

/** Typed array class of a numeric physical type. */
export function numericConstructor(type: ParquetType) {
  switch (type) {
    case 'INT32':
      return Int32Array;
    case 'INT64':
      return BigInt64Array;
    case 'FLOAT':
      return Float32Array;
    case 'DOUBLE':
      return Float64Array;
    default:
      throw new CorruptParquet(`${type} is not a numeric type`);
  }
}

/** Values [from, to), sharing their buffer. */
export function sliceValues(values: PhysicalValues, from: number, to: number): PhysicalValues {
  switch (values.kind) {
    case 'fixed':
      return { kind: 'fixed', width: values.width, data: values.data.subarray(from * values.width, to * values.width) };
    case 'bytes':
      return { kind: 'bytes', data: values.data.slice(from, to) };
    case 'bool':
      return { kind: 'bool', data: values.data.subarray(from, to) };
    case 'numeric':
      return { kind: 'numeric', data: values.data.subarray(from, to) };
  }
}

/** The parts one after another (a copy of fixed-width values goes in a buffer of `memory`, when given). */
export function concatValues(parts: PhysicalValues[], type: ParquetType, width: number, memory?: (bytes: number) => ArrayBuffer): PhysicalValues {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return emptyValues(type, width);
  if (parts[0]!.kind === 'bytes') {
    const data: Uint8Array[] = [];
    for (const part of parts) for (const value of part.data as Uint8Array[]) data.push(value);
    return { kind: 'bytes', data };
  }
  const arrays = parts.map((part) => part.data as NumericArray | Uint8Array);
  let total = 0;
  for (const array of arrays) total += array.length;
  const Ctor = arrays[0]!.constructor as { new (length: number): NumericArray | Uint8Array; new (buffer: ArrayBuffer, offset: number, length: number): NumericArray | Uint8Array; BYTES_PER_ELEMENT: number };
  const out = memory ? new Ctor(memory(total * Ctor.BYTES_PER_ELEMENT), 0, total) : new Ctor(total);
  let at = 0;
  for (const array of arrays) {
    (out as Uint8Array).set(array as Uint8Array, at);
    at += array.length;
  }
  const first = parts[0]!;
  if (first.kind === 'fixed') return { kind: 'fixed', width: first.width, data: out as Uint8Array };
  if (first.kind === 'bool') return { kind: 'bool', data: out as Uint8Array };
  return { kind: 'numeric', data: out as NumericArray };
}

/** Values at the given dictionary indices. */
export function gather(dictionary: PhysicalValues, indices: Int32Array): PhysicalValues {
  const size = valueCount(dictionary);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (index < 0 || index >= size) throw new CorruptParquet(`dictionary index ${index} is out of range (${size} entries)`);
  }
  switch (dictionary.kind) {
    case 'bytes':
      return { kind: 'bytes', data: Array.from(indices, (i) => dictionary.data[i]!) };
    case 'fixed': {
      const { width, data } = dictionary;
      const out = new Uint8Array(indices.length * width);
      for (let i = 0; i < indices.length; i++) out.set(data.subarray(indices[i]! * width, (indices[i]! + 1) * width), i * width);
      return { kind: 'fixed', width, data: out };
    }
    case 'bool':
      return { kind: 'bool', data: Uint8Array.from(indices, (i) => dictionary.data[i]!) };
    case 'numeric': {
      const source = dictionary.data;
      const out = new (source.constructor as new (length: number) => NumericArray)(indices.length);
      for (let i = 0; i < indices.length; i++) out[i] = source[indices[i]!]!;
      return { kind: 'numeric', data: out };
    }
  }
}
