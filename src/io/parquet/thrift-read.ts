/**
 * A reader of the Thrift compact protocol, the serialization of Parquet's
 * page headers: zigzag varints for integers, a one-byte header per struct
 * field (id delta and type; booleans carry their value in the type), lists
 * and sets with a size-and-type header, maps, length-prefixed binaries.
 *
 * Every read stays inside bytes[pos, end) and every failure is a
 * CorruptParquet naming `what` is being read. Each element of a container
 * takes at least one byte and nesting is bounded, so no input makes the
 * reader loop or recurse without bound.
 */
import { CorruptParquet } from './faults.js';

/** The compact protocol's type numbers. */
export const ThriftType = {
  STOP: 0,
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
  UUID: 13,
} as const;

/** Containers and structs nest at most this deep. */
const MAX_DEPTH = 32;

/** Reads compact-protocol values from bytes[pos, end), moving pos. */
export class ThriftReader {
  /** Element type of the last list or set header read. */
  elementType = 0;
  /** Id of the last field header read. */
  fieldId = 0;

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    /** What the bytes hold, for messages ("page header"). */
    readonly what = 'Thrift data',
  ) {}

  private fail(problem: string): never {
    throw new CorruptParquet(`${this.what} ${problem}`);
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('ends early');
    return this.bytes[this.pos++]!;
  }

  /** An unsigned varint below 2^32 (sizes, and the zigzag form of i16 and i32). */
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = this.byte();
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    const byte = this.byte();
    if (byte > 0x0f) this.fail('has an integer over 32 bits');
    return value + byte * 2 ** 28;
  }

  /** An i16 or i32 (zigzag varint). */
  i32(): number {
    const n = this.varint();
    return (n >>> 1) ^ -(n & 1);
  }

  /** An i64 (zigzag varint) as a number: exact up to 2^53 in magnitude, beyond it rounded (and so never a safe integer). */
  i64(): number {
    let value = 0;
    for (let k = 0, scale = 1; ; k++, scale *= 128) {
      if (k === 10) this.fail('has a varint over 10 bytes');
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
    }
    // Zigzag: even n is n / 2, odd n is -(n + 1) / 2 (exact while n < 2^53).
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  /** A binary (or string): a varint length and the bytes, as a view into the input. */
  binary(): Uint8Array {
    const length = this.varint();
    if (length > this.end - this.pos) this.fail(`ends inside a binary of ${length} bytes`);
    this.pos += length;
    return this.bytes.subarray(this.pos - length, this.pos);
  }

  /** The header of a list or set: its size; its element type goes to `elementType`. */
  listHeader(): number {
    const byte = this.byte();
    this.elementType = byte & 0x0f;
    const size = byte >> 4 === 15 ? this.varint() : byte >> 4;
    // Every element takes at least one byte.
    if (size > this.end - this.pos) this.fail(`ends inside a list of ${size} elements`);
    return size;
  }

  /**
   * The header of the next field of a struct whose previous field was
   * `previous` (0 before the first): its type, or STOP at the struct's end;
   * its id goes to `fieldId`. A caller skips the fields it does not read.
   */
  field(previous: number): number {
    const byte = this.byte();
    if (byte === ThriftType.STOP) return ThriftType.STOP;
    this.fieldId = byte >> 4 ? previous + (byte >> 4) : this.i32();
    return byte & 0x0f;
  }

  /** Skips the fields of a struct up to its STOP byte (`depth`: how deep it nests). */
  skipStruct(depth: number): void {
    for (let id = 0, type = this.field(0); type !== ThriftType.STOP; type = this.field(id)) {
      id = this.fieldId;
      this.skip(type, depth + 1);
    }
  }

  /** Skips a value of `type`; `element` for a list, set or map element (where booleans take a byte). */
  skip(type: number, depth = 0, element = false): void {
    if (depth > MAX_DEPTH) this.fail(`nests over ${MAX_DEPTH} levels`);
    switch (type) {
      case ThriftType.TRUE:
      case ThriftType.FALSE:
        if (element) this.byte();
        return;
      case ThriftType.BYTE:
        this.byte();
        return;
      case ThriftType.I16:
      case ThriftType.I32:
      case ThriftType.I64:
        for (let k = 0; this.byte() >= 0x80; k++) if (k === 9) this.fail('has a varint over 10 bytes');
        return;
      case ThriftType.DOUBLE:
        return this.advance(8);
      case ThriftType.UUID:
        return this.advance(16);
      case ThriftType.BINARY:
        this.binary();
        return;
      case ThriftType.LIST:
      case ThriftType.SET: {
        const size = this.listHeader();
        const elements = this.elementType;
        for (let k = 0; k < size; k++) this.skip(elements, depth + 1, true);
        return;
      }
      case ThriftType.MAP: {
        const size = this.varint();
        if (size === 0) return;
        const types = this.byte();
        if (2 * size > this.end - this.pos) this.fail(`ends inside a map of ${size} entries`);
        for (let k = 0; k < size; k++) {
          this.skip(types >> 4, depth + 1, true);
          this.skip(types & 0x0f, depth + 1, true);
        }
        return;
      }
      case ThriftType.STRUCT:
        return this.skipStruct(depth);
      default:
        this.fail(`has a value of unknown type ${type}`);
    }
  }

  private advance(length: number): void {
    if (length > this.end - this.pos) this.fail('ends early');
    this.pos += length;
  }
}
