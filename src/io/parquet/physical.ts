/**
 * Arrow data of a primitive column -> the physical Parquet values that
 * the column writers encode, one per Arrow slot (null slots hold a
 * placeholder). This is the inverse of leaf.ts: a value read from
 * Parquet goes back to the same physical value.
 */
import { type Data, type DataType, type Decimal, type FixedSizeBinary, Type, TimeUnit } from 'apache-arrow';
import type { DecodedArray, SchemaElement } from 'hyparquet';
import { DataError } from '../../core/errors.js';
import { viewValues } from '../arrow/views.js';
import { isDateDay } from './arrow-types.js';

const DAY_MS = 86_400_000n;

/** Physical values of every slot of `data` for a leaf written as `element`; `column` names it in errors. */
export function physicalValues(element: SchemaElement, data: Data, column: string): DecodedArray {
  if (data.type.typeId === Type.Dictionary) return fromDictionary(element, data, column);
  const type = data.type as DataType;
  const length = data.length;
  const values = data.values as ArrayLike<number | bigint> & { subarray(a: number, b: number): never };
  const fail = (why: string) => new DataError(`column "${column}": ${why}`);
  switch (element.type) {
    case 'BOOLEAN': {
      const out = new Array<boolean>(length);
      const bits = data.values as Uint8Array;
      for (let i = 0; i < length; i++) out[i] = ((bits[(data.offset + i) >> 3]! >> ((data.offset + i) & 7)) & 1) === 1;
      return out;
    }
    case 'INT32': {
      if (type.typeId === Type.Decimal) return Int32Array.from(decimals(data), (v) => Number(fit(v, 32n, fail)));
      if (type.typeId === Type.Date && !isDateDay(type)) {
        return Int32Array.from(values.subarray(0, length) as BigInt64Array, (ms) => Number(floorDiv(ms, DAY_MS)));
      }
      const dense = values.subarray(0, length) as Int32Array | Uint32Array | Int8Array | Int16Array | Uint8Array | Uint16Array;
      const scale = type.typeId === Type.Time && (type as DataType & { unit: TimeUnit }).unit === TimeUnit.SECOND ? 1000 : 1;
      if (dense instanceof Int32Array && scale === 1) return dense;
      if (dense instanceof Uint32Array) return new Int32Array(dense.buffer, dense.byteOffset, dense.length);
      return Int32Array.from(dense, (v) => v * scale);
    }
    case 'INT64': {
      if (type.typeId === Type.Decimal) return BigInt64Array.from(decimals(data), (v) => fit(v, 64n, fail));
      const dense = values.subarray(0, length) as BigInt64Array | BigUint64Array;
      if (type.typeId === Type.Timestamp && (type as DataType & { unit: TimeUnit }).unit === TimeUnit.SECOND) {
        return BigInt64Array.from(dense as BigInt64Array, (v) => v * 1000n);
      }
      if (dense instanceof BigUint64Array) return new BigInt64Array(dense.buffer, dense.byteOffset, dense.length);
      if (dense instanceof BigInt64Array) return dense;
      return BigInt64Array.from(dense as ArrayLike<number>, (v) => BigInt(v));
    }
    case 'FLOAT':
    case 'DOUBLE':
      return values.subarray(0, length);
    case 'BYTE_ARRAY': {
      if (type.typeId === Type.Decimal) return decimals(data).map((v) => bigEndian(v, minimalBytes(v)));
      if (type.typeId === Type.Utf8View || type.typeId === Type.BinaryView) return viewValues(data);
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      const bytes = data.values as Uint8Array;
      return Array.from({ length }, (_, i) => bytes.subarray(Number(offsets[i]!), Number(offsets[i + 1]!)));
    }
    case 'INT96':
    case 'FIXED_LEN_BYTE_ARRAY': {
      const width = element.type === 'INT96' ? 12 : element.type_length!;
      if (type.typeId === Type.Decimal) {
        return decimals(data).map((v) => bigEndian(fit(v, BigInt(8 * width), fail), width));
      }
      const bytes = type.typeId === Type.Float
        ? new Uint8Array((values as unknown as Uint16Array).buffer, (values as unknown as Uint16Array).byteOffset, length * 2)
        : (data.values as Uint8Array);
      const stride = type.typeId === Type.Float ? 2 : (type as FixedSizeBinary).byteWidth;
      if (stride !== width) throw fail(`values of ${stride} bytes for a column of ${width}`);
      return Array.from({ length }, (_, i) => bytes.subarray(i * width, (i + 1) * width));
    }
    default:
      throw fail(`cannot write physical type ${String(element.type)}`);
  }
}

/** Dictionary-encoded data: the dictionary's physical values at each index. */
function fromDictionary(element: SchemaElement, data: Data, column: string): DecodedArray {
  const dictionaryData = (data.dictionary?.data ?? []) as Data[];
  const parts = dictionaryData.map((part) => physicalValues(element, part, column));
  const dictionary: unknown[] = [];
  for (const part of parts) for (let i = 0; i < part.length; i++) dictionary.push(part[i]);
  const indices = data.values as ArrayLike<number | bigint>;
  return Array.from({ length: data.length }, (_, i) => {
    const value = dictionary[Number(indices[i]!)];
    return value ?? placeholder(element);
  }) as DecodedArray;
}

function placeholder(element: SchemaElement): unknown {
  switch (element.type) {
    case 'BOOLEAN':
      return false;
    case 'INT32':
    case 'FLOAT':
    case 'DOUBLE':
      return 0;
    case 'INT64':
      return 0n;
    case 'BYTE_ARRAY':
      return new Uint8Array(0);
    default:
      return new Uint8Array(element.type === 'INT96' ? 12 : element.type_length ?? 0);
  }
}

/** Unscaled decimal values of every slot, from the little-endian 32-bit words Arrow stores. */
function decimals(data: Data): bigint[] {
  const { bitWidth } = data.type as Decimal;
  const words = bitWidth / 32;
  const values = data.values as Uint32Array;
  return Array.from({ length: data.length }, (_, i) => {
    let v = 0n;
    for (let w = words - 1; w >= 0; w--) v = (v << 32n) | BigInt(values[i * words + w]!);
    return BigInt.asIntN(bitWidth, v);
  });
}

function fit(v: bigint, bits: bigint, fail: (why: string) => Error): bigint {
  const limit = 1n << (bits - 1n);
  if (v < -limit || v >= limit) throw fail(`decimal ${v} does not fit in ${bits} bits`);
  return v;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function minimalBytes(v: bigint): number {
  let bytes = 1;
  while (v < -(1n << BigInt(8 * bytes - 1)) || v >= 1n << BigInt(8 * bytes - 1)) bytes++;
  return bytes;
}

/** Big-endian two's complement of `v` in `width` bytes. */
function bigEndian(v: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let rest = BigInt.asUintN(8 * width, v);
  for (let i = width - 1; i >= 0; i--, rest >>= 8n) out[i] = Number(rest & 0xffn);
  return out;
}
