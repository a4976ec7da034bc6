/**
 * Arrow data of one primitive column from its physical Parquet values and
 * which slots hold a value. Numeric values stay in typed arrays throughout;
 * byte arrays are copied once into the Arrow data buffer.
 */
import { type Data, type DataType, type Decimal, type FixedSizeBinary, makeData, type Null, Type } from 'apache-arrow';
import { CorruptParquet, UnsupportedParquet } from './faults.js';
import { type Memory, typed, type TypedArrayClass } from './part-pool.js';
import { type NumericArray, type PhysicalValues, valueCount } from './values.js';

/** Which slots hold a value (1) and which are null (0); undefined when all hold one. */
export type Present = Uint8Array | undefined;

/** Arrow validity bitmap and null count of a presence mask. */
export function validity(present: Present, length: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!present) return { nullCount: 0 };
  const { bits, ones } = packBits(present, length);
  return ones === length ? { nullCount: 0 } : { nullBitmap: bits, nullCount: length - ones };
}

/** A 0/1 byte per item packed into an Arrow bitmap (64-byte padded), and how many are 1. */
function packBits(flags: Uint8Array, length: number): { bits: Uint8Array; ones: number } {
  const bits = new Uint8Array(((length + 511) & ~511) >> 3);
  let ones = 0;
  for (let i = 0; i < length; i++) {
    if (flags[i]) {
      bits[i >> 3]! |= 1 << (i & 7);
      ones++;
    }
  }
  return { bits, ones };
}

/** Arrow data of `length` slots of `type` holding `values` in its present slots (spread out in `memory`, when given). */
export function buildLeaf(type: DataType, values: PhysicalValues, present: Present, length: number, memory?: Memory): Data {
  let presentCount = length;
  if (present) {
    presentCount = 0;
    for (let i = 0; i < length; i++) presentCount += present[i]!;
  }
  if (presentCount !== valueCount(values)) {
    throw new CorruptParquet(`levels announce ${presentCount} values but the pages hold ${valueCount(values)}`);
  }
  if (type.typeId === Type.Null) {
    if (presentCount > 0) throw new CorruptParquet(`a column annotated NULL holds ${presentCount} values`);
    return makeData({ type: type as Null, length });
  }
  const base = { type, length, ...validity(present, length) };
  if (values.kind === 'bytes') {
    if (type.typeId === Type.Decimal) return makeData({ ...base, data: scatter(decimalWords(values, type as Decimal), present, length, wordsOf(type), memory) } as never);
    return makeData({ ...base, ...joinBytes(values.data, present, length) } as never);
  }
  if (values.kind === 'bool') {
    return makeData({ ...base, data: packBits(scatter(values.data, present, length, 1, memory), length).bits } as never);
  }
  if (values.kind === 'fixed') {
    if (type.typeId === Type.Decimal) return makeData({ ...base, data: scatter(decimalWords(values, type as Decimal), present, length, wordsOf(type), memory) } as never);
    if (type.typeId === Type.Float) return makeData({ ...base, data: scatter(new Uint16Array(values.data.slice().buffer), present, length, 1, memory) } as never);
    return makeData({ ...base, data: scatter(values.data, present, length, (type as FixedSizeBinary).byteWidth, memory) } as never);
  }
  return makeData({ ...base, data: scatter(numericFor(type, values.data), present, length, wordsOf(type), memory) } as never);
}

function wordsOf(type: DataType): number {
  return type.typeId === Type.Decimal ? (type as Decimal).bitWidth / 32 : 1;
}

type Scatterable = NumericArray | Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | BigUint64Array;

/** Dense values spread over the present slots, `stride` elements per slot. */
function scatter<T extends Scatterable>(dense: T, present: Present, length: number, stride: number, memory: Memory | undefined): T {
  if (!present) return dense;
  const out = typed(dense.constructor as TypedArrayClass<T>, length * stride, memory);
  // Null slots hold zeros, in a buffer read into before too.
  if (memory) out.fill((out instanceof BigInt64Array || out instanceof BigUint64Array ? 0n : 0) as never);
  let from = 0;
  for (let i = 0; i < length; i++) {
    if (!present[i]) continue;
    if (stride === 1) (out as Uint8Array)[i] = (dense as Uint8Array)[from++]!;
    else {
      out.set(dense.subarray(from, from + stride) as never, i * stride);
      from += stride;
    }
  }
  return out;
}

/** The physical numbers as the typed array of the Arrow type, checking that narrow integers fit. */
function numericFor(type: DataType, data: NumericArray): Scatterable {
  switch (type.typeId) {
    case Type.Int:
      return narrowInt(type as DataType & { bitWidth: number; isSigned: boolean }, data);
    case Type.Decimal:
      return decimalWords({ kind: 'numeric', data }, type as Decimal);
    default:
      return data;
  }
}

function narrowInt(type: { bitWidth: number; isSigned: boolean }, data: NumericArray): Scatterable {
  const { bitWidth, isSigned } = type;
  if (bitWidth === 64) return isSigned ? data : new BigUint64Array(data.buffer, data.byteOffset, data.length);
  if (bitWidth === 32) return isSigned ? data : new Uint32Array(data.buffer, data.byteOffset, data.length);
  const min = isSigned ? -(2 ** (bitWidth - 1)) : 0;
  const max = isSigned ? 2 ** (bitWidth - 1) - 1 : 2 ** bitWidth - 1;
  const values = data as Int32Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min || v > max) throw new CorruptParquet(`value ${v} is out of range for a ${isSigned ? '' : 'u'}int${bitWidth} column`);
  }
  const Ctor = bitWidth === 8 ? (isSigned ? Int8Array : Uint8Array) : (isSigned ? Int16Array : Uint16Array);
  return Ctor.from(values);
}

/** Unscaled decimal values as little-endian two's-complement 32-bit words. */
function decimalWords(values: PhysicalValues, type: Decimal): Uint32Array {
  const words = type.bitWidth / 32;
  const count = valueCount(values);
  const out = new Uint32Array(count * words);
  if (values.kind === 'numeric') {
    for (let i = 0; i < count; i++) {
      let v = BigInt(values.data[i]!);
      for (let w = 0; w < words; w++, v >>= 32n) out[i * words + w] = Number(BigInt.asUintN(32, v));
    }
    return out;
  }
  const bytes = new Uint8Array(out.buffer);
  const width = words * 4;
  for (let i = 0; i < count; i++) {
    const be = values.kind === 'fixed' ? values.data.subarray(i * values.width, (i + 1) * values.width) : (values.data as Uint8Array[])[i]!;
    const sign = be.length && be[0]! & 0x80 ? 0xff : 0;
    for (let b = 0; b < be.length - width; b++) {
      if (be[b] !== sign) throw new UnsupportedParquet(`decimal value wider than ${type.bitWidth} bits`);
    }
    const target = i * width;
    for (let b = 0; b < width; b++) bytes[target + b] = b < be.length ? be[be.length - 1 - b]! : sign;
  }
  return out;
}

/** Utf8 / Binary offsets and data of byte arrays spread over the present slots. */
function joinBytes(values: Uint8Array[], present: Present, length: number): { valueOffsets: Int32Array; data: Uint8Array } {
  let total = 0;
  for (const value of values) total += value.length;
  if (total > 0x7fffffff) throw new UnsupportedParquet('more than 2 GiB of byte arrays in one row group');
  const valueOffsets = new Int32Array(length + 1);
  const data = new Uint8Array(total);
  let at = 0;
  let from = 0;
  for (let i = 0; i < length; i++) {
    if (!present || present[i]) {
      const value = values[from++]!;
      data.set(value, at);
      at += value.length;
    }
    valueOffsets[i + 1] = at;
  }
  return { valueOffsets, data };
}
