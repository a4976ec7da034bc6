/**
 * Thrift's compact protocol, in which Parquet serializes its footer, page
 * headers and page indexes, written field by field. A struct is a run of
 * fields, each a header byte (the field id as a delta of 1 to 15 from the
 * previous one in the high nibble, the type in the low nibble; otherwise the
 * type alone followed by the id as a zigzag varint), then the value; a zero
 * byte ends it. Integers are zigzag varints, binary values a varint length
 * and the bytes, booleans live in the field header's type, and a list is a
 * header (the size in the high nibble when under 15, else 15 and a varint)
 * with the element type in the low nibble, then the elements.
 */

/** Where encoded bytes go: the part of hyparquet-writer's public ByteWriter that bn1d uses. */
export interface Writer {
  /** Bytes written so far (the file position of the next byte). */
  readonly offset: number;
  appendUint8(value: number): void;
  appendUint32(value: number): void;
  appendBytes(value: Uint8Array): void;
  /** Appends bytes that stay as they are until written, which a writer may keep instead of copying them. */
  appendShared?(value: Uint8Array): void;
}

/** Compact protocol type ids. */
export const CompactType = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

const { TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, STRUCT } = CompactType;
const utf8 = new TextEncoder();
const scratch = new DataView(new ArrayBuffer(8));

/** Appends `value` (an unsigned 32-bit integer) as a ULEB128 varint. */
export function writeVarint(out: Writer, value: number): void {
  let v = value >>> 0;
  while (v > 0x7f) {
    out.appendUint8((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.appendUint8(v);
}

/** Appends a signed 32-bit integer as a zigzag varint. */
export function writeZigzag32(out: Writer, value: number): void {
  writeVarint(out, (value << 1) ^ (value >> 31));
}

/** Appends a signed 64-bit integer as a zigzag varint. */
export function writeZigzag64(out: Writer, value: bigint): void {
  let v = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  while (v > 0x7fn) {
    out.appendUint8(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.appendUint8(Number(v));
}

/**
 * Writes one struct's fields in the order they are called; a value that is
 * undefined writes nothing, so optional fields can be passed as they are.
 * Nested structs and list elements go through the same writer.
 */
export class CompactWriter {
  private readonly outer: number[] = [];

  constructor(
    readonly out: Writer,
    /** The id of the field written last, which the next header's delta is from (to go on with a struct written before). */
    private last = 0,
  ) {}

  /** The whole top-level struct that `body` writes, with its stop byte. */
  message(body: () => void): void {
    this.outer.push(this.last);
    this.last = 0;
    body();
    this.out.appendUint8(0);
    this.last = this.outer.pop()!;
  }

  i8(id: number, value: number | undefined): void {
    if (value === undefined) return;
    this.header(id, BYTE);
    this.out.appendUint8(value & 0xff);
  }

  i16(id: number, value: number | undefined): void {
    if (value === undefined) return;
    this.header(id, I16);
    writeZigzag32(this.out, value);
  }

  i32(id: number, value: number | undefined): void {
    if (value === undefined) return;
    this.header(id, I32);
    writeZigzag32(this.out, value);
  }

  i64(id: number, value: bigint | number | undefined): void {
    if (value === undefined) return;
    this.header(id, I64);
    writeZigzag64(this.out, BigInt(value));
  }

  bool(id: number, value: boolean | undefined): void {
    if (value === undefined) return;
    this.header(id, value ? TRUE : FALSE);
  }

  double(id: number, value: number | undefined): void {
    if (value === undefined) return;
    this.header(id, DOUBLE);
    this.element.double(value);
  }

  /** A binary or string field (strings are UTF-8). */
  binary(id: number, value: Uint8Array | string | undefined): void {
    if (value === undefined) return;
    this.header(id, BINARY);
    this.element.binary(value);
  }

  /** A struct (or union) field whose fields `body` writes; nothing when `body` is undefined. */
  struct(id: number, body: (() => void) | undefined): void {
    if (!body) return;
    this.header(id, STRUCT);
    this.message(body);
  }

  /**
   * A list field of `items` of compact type `type`, each written by `each`
   * with the element writers (a list of booleans has type TRUE, as Thrift's
   * own writers give it).
   */
  list<T>(id: number, type: number, items: readonly T[] | undefined, each: (item: T) => void): void {
    if (!items) return;
    this.header(id, LIST);
    const size = items.length;
    this.out.appendUint8(size < 15 ? (size << 4) | type : 0xf0 | type);
    if (size >= 15) writeVarint(this.out, size);
    for (const item of items) each(item);
  }

  /** Writers of list elements (no field headers). */
  readonly element = {
    i32: (value: number): void => writeZigzag32(this.out, value),
    i64: (value: bigint | number): void => writeZigzag64(this.out, BigInt(value)),
    /** A boolean element is one byte: 1 for true, 0 for false. */
    bool: (value: boolean): void => this.out.appendUint8(value ? 1 : 0),
    double: (value: number): void => {
      scratch.setFloat64(0, value, true);
      this.out.appendBytes(new Uint8Array(scratch.buffer.slice(0)));
    },
    binary: (value: Uint8Array | string): void => {
      const bytes = typeof value === 'string' ? utf8.encode(value) : value;
      writeVarint(this.out, bytes.length);
      this.out.appendBytes(bytes);
    },
    struct: (body: () => void): void => this.message(body),
  };

  private header(id: number, type: number): void {
    const delta = id - this.last;
    if (delta > 0 && delta <= 15) this.out.appendUint8((delta << 4) | type);
    else {
      this.out.appendUint8(type);
      writeZigzag32(this.out, id);
    }
    this.last = id;
  }
}
