/**
 * Arrow data sent between threads: a Data tree as plain objects and typed
 * arrays (which postMessage can move without copying), and back. Types are
 * not sent: the receiver knows the schema and rebuilds each Data with it.
 */
import { Data, type DataType } from 'apache-arrow';

type Buffer = ArrayBufferView | undefined;

/** A Data without its type. */
export interface PlainData {
  offset: number;
  length: number;
  nullCount: number;
  /** valueOffsets, values, nullBitmap, typeIds (Arrow's buffer order). */
  buffers: [Buffer, Buffer, Buffer, Buffer];
  /** The data buffers of binary and string views. */
  variadicBuffers: Uint8Array[];
  children: PlainData[];
}

/** A typed array that owns its whole buffer, so moving the buffer moves exactly it. */
function owned(view: ArrayBufferView | undefined, transfer: Set<ArrayBuffer>): Buffer {
  if (!view) return undefined;
  let own = view as ArrayBufferView & { slice(): ArrayBufferView };
  if (view.byteOffset !== 0 || view.byteLength !== view.buffer.byteLength || !(view.buffer instanceof ArrayBuffer)) own = own.slice() as typeof own;
  transfer.add(own.buffer as ArrayBuffer);
  return own;
}

/** `data` as plain objects; the buffers to move are added to `transfer`. */
export function toPlain(data: Data, transfer: Set<ArrayBuffer>): PlainData {
  return {
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    buffers: [owned(data.valueOffsets, transfer), owned(data.values, transfer), owned(data.nullBitmap, transfer), owned(data.typeIds, transfer)],
    variadicBuffers: data.variadicBuffers.map((buffer) => owned(buffer, transfer) as Uint8Array),
    children: data.children.map((child) => toPlain(child, transfer)),
  };
}

/** The Data of type `type` that toPlain described. */
export function fromPlain(type: DataType, plain: PlainData): Data {
  const childTypes = (type.children ?? []).map((f) => f.type as DataType);
  const children = plain.children.map((child, i) => fromPlain(childTypes[i]!, child));
  const [valueOffsets, values, nullBitmap, typeIds] = plain.buffers;
  return new Data(type, plain.offset, plain.length, plain.nullCount, [valueOffsets, values, nullBitmap, typeIds] as never, children, undefined, plain.variadicBuffers);
}
