/**
 * Serializing a generic Thrift tree (thrift-tree.ts) in the compact
 * protocol: fields in the order the struct holds them, each header in the
 * form it was read in, booleans in the field header or, as list, set or map
 * elements, one byte (1, or the container's byte for false).
 */
import { ByteWriter } from 'hyparquet-writer';
import { ThriftType } from './thrift-read.js';
import { ThriftDouble, ThriftList, ThriftMap, ThriftStruct, type ThriftValue } from './thrift-tree.js';
import { type Writer, writeVarint, writeZigzag32, writeZigzag64 } from './thrift-write.js';

const { TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT, UUID } = ThriftType;

/** Appends `struct` with its stop byte. */
export function writeThriftStruct(out: Writer, struct: ThriftStruct): void {
  let last = 0;
  for (const field of struct.fields) {
    const isBool = field.type === TRUE || field.type === FALSE;
    const type = isBool ? (field.value ? TRUE : FALSE) : field.type;
    const delta = field.id - last;
    if (!field.longHeader && delta > 0 && delta <= 15) out.appendUint8((delta << 4) | type);
    else {
      out.appendUint8(type);
      writeZigzag32(out, field.id);
    }
    if (!isBool) writeValue(out, type, field.value);
    last = field.id;
  }
  out.appendUint8(0);
}

/** The bytes of `struct`. */
export function encodeThriftStruct(struct: ThriftStruct): Uint8Array {
  const out = new ByteWriter(256);
  writeThriftStruct(out, struct);
  return out.getBytes();
}

function writeValue(out: Writer, type: number, value: ThriftValue, container?: ThriftList | ThriftMap): void {
  const wrong = (): never => {
    throw new TypeError(`a Thrift value of type ${type} cannot be ${String(value)}`);
  };
  switch (type) {
    case TRUE:
    case FALSE:
      return out.appendUint8(value === true ? 1 : value === false ? container!.falseByte : wrong());
    case BYTE:
      return out.appendUint8(typeof value === 'number' ? value & 0xff : wrong());
    case I16:
    case I32:
      return writeZigzag32(out, typeof value === 'number' ? value : wrong());
    case I64:
      return writeZigzag64(out, typeof value === 'bigint' ? value : wrong());
    case DOUBLE:
      return out.appendBytes(value instanceof ThriftDouble ? value.bytes : wrong());
    case UUID:
      return out.appendBytes(value instanceof Uint8Array && value.length === 16 ? value : wrong());
    case BINARY: {
      const bytes = value instanceof Uint8Array ? value : wrong();
      writeVarint(out, bytes.length);
      return out.appendBytes(bytes);
    }
    case LIST:
    case SET: {
      const list = value instanceof ThriftList ? value : wrong();
      const size = list.items.length;
      if (size < 15 && !list.longHeader) out.appendUint8((size << 4) | list.elementType);
      else {
        out.appendUint8(0xf0 | list.elementType);
        writeVarint(out, size);
      }
      for (const item of list.items) writeValue(out, list.elementType, item, list);
      return;
    }
    case MAP: {
      const map = value instanceof ThriftMap ? value : wrong();
      writeVarint(out, map.entries.length);
      if (!map.entries.length) return;
      out.appendUint8((map.keyType << 4) | map.valueType);
      for (const [k, v] of map.entries) writeValue(out, map.keyType, k, map), writeValue(out, map.valueType, v, map);
      return;
    }
    case STRUCT:
      return writeThriftStruct(out, value instanceof ThriftStruct ? value : wrong());
    default:
      throw new TypeError(`Thrift has no type ${type}`);
  }
}
