/** Tensor bytes to and from numbers: the float and integer dtypes a BatchNorm state_dict uses. */
import { DataError } from '../../core/errors.js';
import { float16ToNumber } from '../../core/to-float64.js';
import { DTYPE_SIZES, type SafetensorsTensor } from './read.js';

const bfloat = new DataView(new ArrayBuffer(4));

/** Reads one element of a float or integer dtype at a byte offset. */
const READERS: Readonly<Record<string, (view: DataView, at: number) => number | bigint>> = {
  F16: (view, at) => float16ToNumber(view.getUint16(at, true)),
  // bfloat16 is the high half of a float32.
  BF16: (view, at) => {
    bfloat.setUint32(0, view.getUint16(at, true) << 16);
    return bfloat.getFloat32(0);
  },
  F32: (view, at) => view.getFloat32(at, true),
  F64: (view, at) => view.getFloat64(at, true),
  I32: (view, at) => view.getInt32(at, true),
  I64: (view, at) => view.getBigInt64(at, true),
};

/** Floating-point dtypes bn1d reads. */
export const FLOAT_DTYPES = ['F16', 'BF16', 'F32', 'F64'] as const;

/**
 * The tensor's elements as float64 (exact for every dtype listed), or a
 * DataError naming `source` and the tensor when its dtype is not in `dtypes`
 * or an integer does not fit a float64 exactly.
 */
export function tensorNumbers(tensor: SafetensorsTensor, dtypes: readonly string[], source: string): Float64Array {
  const name = JSON.stringify(tensor.name);
  if (!dtypes.includes(tensor.dtype)) throw new DataError(`${source}: tensor ${name} has dtype ${tensor.dtype}; expected ${dtypes.join(', ')}`);
  const read = READERS[tensor.dtype]!;
  const size = DTYPE_SIZES[tensor.dtype]!;
  const view = new DataView(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength);
  const out = new Float64Array(tensor.bytes.byteLength / size);
  for (let i = 0; i < out.length; i++) {
    const value = read(view, i * size);
    if (typeof value === 'bigint' && (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))) {
      throw new DataError(`${source}: tensor ${name} holds ${value}, beyond 2^53 - 1, the integers float64 counts exactly`);
    }
    out[i] = Number(value);
  }
  return out;
}

/** Little-endian bytes of float64 values as F32 (rounded to nearest) or F64 (exact). */
export function encodeFloats(values: Float64Array, dtype: 'F32' | 'F64'): Uint8Array {
  const size = dtype === 'F64' ? 8 : 4;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => (dtype === 'F64' ? view.setFloat64(i * size, v, true) : view.setFloat32(i * size, v, true)));
  return bytes;
}

/** Little-endian bytes of one I64 value. */
export function encodeInt64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
  return bytes;
}
