/**
 * Thrift compact-protocol structs as a generic tree, for structs that are
 * carried from one file to another without knowing every field: each field
 * keeps its id, its wire type and its value, whatever the field is. Values
 * are numbers (i8, i16, i32), bigints (i64, exactly), booleans, bytes
 * (binary, and the 16 bytes of a UUID), ThriftDouble (the 8 stored bytes),
 * ThriftList (lists and sets), ThriftMap and ThriftStruct.
 *
 * Serializing a parsed tree (thrift-tree-write.ts) gives back the bytes it was parsed from when a
 * Thrift writer wrote them: what such writers leave open is kept (a field
 * header in the long form where a delta would fit, a list header in the
 * long form for under 15 elements, the byte of a false list element: 2 from
 * Thrift's own writers, 0 from others). Varints are assumed minimal.
 */
import { CorruptParquet } from './faults.js';
import { ThriftReader, ThriftType } from './thrift-read.js';

const { STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT, UUID } = ThriftType;

const INTEGERS = new Set<number>([BYTE, I16, I32, I64]);

/** Containers and structs nest at most this deep (as in ThriftReader). */
const MAX_DEPTH = 32;

export type ThriftValue = number | bigint | boolean | Uint8Array | ThriftDouble | ThriftList | ThriftMap | ThriftStruct;

export interface ThriftField {
  readonly id: number;
  /** The wire type (ThriftType); a boolean field is TRUE or FALSE, as its value says when written. */
  type: number;
  value: ThriftValue;
  /** The header was written as a type byte and the id, where a delta would have fit. */
  longHeader?: true;
}

/** A double as its 8 stored bytes (little-endian), so that every NaN keeps its bits. */
export class ThriftDouble {
  constructor(readonly bytes: Uint8Array) {}

  get value(): number {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset, 8).getFloat64(0, true);
  }
}

/** A list or set of values of one type. */
export class ThriftList {
  /** The size was written as a varint after the header byte, though under 15. */
  longHeader?: true;
  /** The byte of a false boolean element. */
  falseByte = 2;

  constructor(
    public elementType: number,
    readonly items: ThriftValue[] = [],
    readonly isSet = false,
  ) {}
}

/** A map; an empty map has no key or value type on the wire (both 0 here). */
export class ThriftMap {
  falseByte = 2;

  constructor(
    public keyType: number,
    public valueType: number,
    readonly entries: [ThriftValue, ThriftValue][] = [],
  ) {}
}

/** A struct (or union): its fields in the order they are written. */
export class ThriftStruct {
  constructor(readonly fields: ThriftField[] = []) {}

  field(id: number): ThriftField | undefined {
    return this.fields.find((field) => field.id === id);
  }

  get(id: number): ThriftValue | undefined {
    return this.field(id)?.value;
  }

  /** The struct of field `id`, or undefined when it is absent or not a struct. */
  struct(id: number): ThriftStruct | undefined {
    const value = this.get(id);
    return value instanceof ThriftStruct ? value : undefined;
  }

  /** The value of integer field `id` (i8, i16, i32 or i64), or undefined when it is absent or not an integer. */
  integer(id: number): bigint | undefined {
    const field = this.field(id);
    if (!field || !INTEGERS.has(field.type)) return undefined;
    return BigInt(field.value as number | bigint);
  }

  /** Sets field `id`, in place when it is there, else where its id falls among the others. */
  set(id: number, type: number, value: ThriftValue): void {
    const field = this.field(id);
    if (field) {
      field.type = type;
      field.value = value;
      return;
    }
    const at = this.fields.findIndex((other) => other.id > id);
    this.fields.splice(at < 0 ? this.fields.length : at, 0, { id, type, value });
  }

  /** Removes field `id`; whether it was there. */
  delete(id: number): boolean {
    const at = this.fields.findIndex((field) => field.id === id);
    if (at >= 0) this.fields.splice(at, 1);
    return at >= 0;
  }

  /** A deep copy (byte values are shared: the tree never changes them). */
  clone(): ThriftStruct {
    return new ThriftStruct(this.fields.map((field) => ({ ...field, value: cloneValue(field.value) })));
  }
}

function cloneValue(value: ThriftValue): ThriftValue {
  if (value instanceof ThriftStruct) return value.clone();
  if (value instanceof ThriftList) {
    const list = new ThriftList(value.elementType, value.items.map(cloneValue), value.isSet);
    list.falseByte = value.falseByte;
    if (value.longHeader) list.longHeader = true;
    return list;
  }
  if (value instanceof ThriftMap) {
    const map = new ThriftMap(value.keyType, value.valueType, value.entries.map(([k, v]) => [cloneValue(k), cloneValue(v)]));
    map.falseByte = value.falseByte;
    return map;
  }
  return value;
}

/** Parses the struct of bytes[start, end) that starts at `start`; `what` names it in errors. */
export function parseThriftStruct(bytes: Uint8Array, what: string, start = 0, end = bytes.length): ThriftStruct {
  return readThriftStruct(new ThriftReader(bytes, start, end, what));
}

/** Reads the struct at the reader's position, leaving the reader after its stop byte. */
export function readThriftStruct(r: ThriftReader, depth = 0): ThriftStruct {
  if (depth > MAX_DEPTH) throw new CorruptParquet(`${r.what} nests over ${MAX_DEPTH} levels`);
  const fields: ThriftField[] = [];
  for (let id = 0; ; ) {
    const head = r.pos < r.end ? r.bytes[r.pos]! : 0;
    const type = r.field(id);
    if (type === STOP) return new ThriftStruct(fields);
    const delta = r.fieldId - id;
    id = r.fieldId;
    const field: ThriftField = { id, type, value: type === TRUE || type === FALSE ? type === TRUE : readValue(r, type, depth) };
    if (head >> 4 === 0 && delta > 0 && delta <= 15) field.longHeader = true;
    fields.push(field);
  }
}

/** A value of `type`; `container` when it is an element of a list, set or map (where a boolean is a byte). */
function readValue(r: ThriftReader, type: number, depth: number, container?: ThriftList | ThriftMap): ThriftValue {
  switch (type) {
    case TRUE:
    case FALSE: {
      const byte = r.byte();
      if (byte === 0) container!.falseByte = 0;
      return byte === 1;
    }
    case BYTE:
      return (r.byte() << 24) >> 24;
    case I16:
    case I32:
      return r.i32();
    case I64:
      return readI64(r);
    case DOUBLE:
      return new ThriftDouble(take(r, 8));
    case UUID:
      return take(r, 16);
    case BINARY:
      return r.binary();
    case LIST:
    case SET: {
      const long = r.pos < r.end && r.bytes[r.pos]! >> 4 === 15;
      const size = r.listHeader();
      const list = new ThriftList(r.elementType, [], type === SET);
      if (long && size < 15) list.longHeader = true;
      for (let k = 0; k < size; k++) list.items.push(readValue(r, list.elementType, depth + 1, list));
      return list;
    }
    case MAP: {
      const size = r.varint();
      if (size === 0) return new ThriftMap(0, 0);
      const types = r.byte();
      if (2 * size > r.end - r.pos) throw new CorruptParquet(`${r.what} ends inside a map of ${size} entries`);
      const map = new ThriftMap(types >> 4, types & 0x0f);
      for (let k = 0; k < size; k++) map.entries.push([readValue(r, map.keyType, depth + 1, map), readValue(r, map.valueType, depth + 1, map)]);
      return map;
    }
    case STRUCT:
      return readThriftStruct(r, depth + 1);
    default:
      throw new CorruptParquet(`${r.what} has a value of unknown type ${type}`);
  }
}

/** A zigzag varint of up to 64 bits, exactly. */
function readI64(r: ThriftReader): bigint {
  // Numbers hold the first 49 bits exactly; most offsets and counts fit.
  let small = 0;
  for (let shift = 0; shift < 49; shift += 7) {
    const byte = r.byte();
    small += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return BigInt(small % 2 ? -(small + 1) / 2 : small / 2);
  }
  let n = BigInt(small);
  for (let shift = 49n; ; shift += 7n) {
    if (shift > 63n) throw new CorruptParquet(`${r.what} has a varint over 10 bytes`);
    const byte = r.byte();
    n |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  n = BigInt.asUintN(64, n);
  return (n >> 1n) ^ -(n & 1n);
}

function take(r: ThriftReader, length: number): Uint8Array {
  if (length > r.end - r.pos) throw new CorruptParquet(`${r.what} ends early`);
  r.pos += length;
  return r.bytes.subarray(r.pos - length, r.pos);
}
