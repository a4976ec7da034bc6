/**
 * Bounds-checked reading of FlatBuffers, the encoding of Arrow IPC metadata.
 * apache-arrow's generated readers trust every offset; a corrupt file must
 * instead fail here, before any of its numbers is used to loop or allocate.
 */
import { ArrowFormatError } from './format-error.js';

const decoder = new TextDecoder();

/** One table of a flatbuffer, with typed, bounds-checked access to its fields. */
export class FbTable {
  private constructor(
    private readonly view: DataView,
    /** Where the table starts in the buffer. */
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
    private readonly tableSize: number,
  ) {}

  /** The root table of a flatbuffer. */
  static root(bytes: Uint8Array): FbTable {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return FbTable.at(view, uoffset(view, 0));
  }

  private static at(view: DataView, pos: number): FbTable {
    need(view, pos, 4);
    const vtable = pos - view.getInt32(pos, true);
    need(view, vtable, 4);
    const vtableSize = view.getUint16(vtable, true);
    const tableSize = view.getUint16(vtable + 2, true);
    // Flatbuffers' generated readers (apache-arrow's among them) take these sizes as signed 16-bit numbers.
    if (vtableSize < 4 || vtableSize % 2 !== 0 || vtableSize > 0x7fff || tableSize > 0x7fff) throw new ArrowFormatError('corrupt metadata (bad flatbuffer vtable)');
    need(view, vtable, vtableSize);
    need(view, pos, Math.max(4, tableSize));
    return new FbTable(view, pos, vtable, vtableSize, tableSize);
  }

  /** The whole flatbuffer this table belongs to. */
  get bytes(): Uint8Array {
    return new Uint8Array(this.view.buffer, this.view.byteOffset, this.view.byteLength);
  }

  /** Position of a present field's value, checked to hold `size` bytes; 0 when absent. */
  private slot(field: number, size: number): number {
    const entry = 4 + 2 * field;
    if (entry + 2 > this.vtableSize) return 0;
    const offset = this.view.getUint16(this.vtable + entry, true);
    if (offset === 0) return 0;
    if (offset + size > this.tableSize) throw new ArrowFormatError('corrupt metadata (flatbuffer field outside its table)');
    return this.pos + offset;
  }

  int8(field: number, fallback = 0): number {
    const at = this.slot(field, 1);
    return at === 0 ? fallback : this.view.getInt8(at);
  }

  uint8(field: number, fallback = 0): number {
    const at = this.slot(field, 1);
    return at === 0 ? fallback : this.view.getUint8(at);
  }

  bool(field: number): boolean {
    return this.uint8(field) !== 0;
  }

  int16(field: number, fallback = 0): number {
    const at = this.slot(field, 2);
    return at === 0 ? fallback : this.view.getInt16(at, true);
  }

  int32(field: number, fallback = 0): number {
    const at = this.slot(field, 4);
    return at === 0 ? fallback : this.view.getInt32(at, true);
  }

  int64(field: number, fallback = 0n): bigint {
    const at = this.slot(field, 8);
    return at === 0 ? fallback : this.view.getBigInt64(at, true);
  }


  /** Where an int64 field's value is stored (0 when absent). */
  int64Position(field: number): number {
    return this.slot(field, 8);
  }

  table(field: number): FbTable | null {
    const at = this.slot(field, 4);
    return at === 0 ? null : FbTable.at(this.view, at + uoffset(this.view, at));
  }

  /** Where a string field's length prefix is (its bytes follow), checked; 0 when absent. */
  stringPosition(field: number): number {
    const at = this.slot(field, 4);
    if (at === 0) return 0;
    const start = at + uoffset(this.view, at);
    vectorLength(this.view, start, 1);
    return start;
  }

  string(field: number): string | null {
    const at = this.slot(field, 4);
    if (at === 0) return null;
    const start = at + uoffset(this.view, at);
    const length = vectorLength(this.view, start, 1);
    return decoder.decode(new Uint8Array(this.view.buffer, this.view.byteOffset + start + 4, length));
  }

  /** The tables of a vector-of-tables field ([] when absent). */
  tables(field: number): FbTable[] {
    const start = this.vector(field, 4);
    if (start < 0) return [];
    const count = this.view.getUint32(start, true);
    const out: FbTable[] = [];
    for (let i = 0; i < count; i++) {
      const at = start + 4 + 4 * i;
      out.push(FbTable.at(this.view, at + uoffset(this.view, at)));
    }
    return out;
  }

  /** Where the elements of a vector of `size`-byte structs or scalars start, and how many there are. */
  structs(field: number, size: number): { at: number; count: number } {
    const start = this.vector(field, size);
    return start < 0 ? { at: 0, count: 0 } : { at: start + 4, count: this.view.getUint32(start, true) };
  }

  /** The values of a vector of int32 ([] when absent). */
  int32s(field: number): number[] {
    const { at, count } = this.structs(field, 4);
    return Array.from({ length: count }, (_, i) => this.view.getInt32(at + 4 * i, true));
  }

  /** The values of a vector of int64 ([] when absent). */
  int64s(field: number): bigint[] {
    const { at, count } = this.structs(field, 8);
    return Array.from({ length: count }, (_, i) => this.view.getBigInt64(at + 8 * i, true));
  }

  /** Reads an int64 at a position found with structs(). */
  int64At(at: number): bigint {
    return this.view.getBigInt64(at, true);
  }

  /** Reads an int32 at a position found with structs(). */
  int32At(at: number): number {
    return this.view.getInt32(at, true);
  }

  private vector(field: number, elementSize: number): number {
    const at = this.slot(field, 4);
    if (at === 0) return -1;
    const start = at + uoffset(this.view, at);
    vectorLength(this.view, start, elementSize);
    return start;
  }
}

function need(view: DataView, pos: number, length: number): void {
  if (pos < 0 || length < 0 || pos + length > view.byteLength) {
    throw new ArrowFormatError('corrupt metadata (flatbuffer offset out of bounds)');
  }
}

function uoffset(view: DataView, at: number): number {
  need(view, at, 4);
  return view.getUint32(at, true);
}

/** The element count of the vector at `start`, checked to fit in the buffer. */
function vectorLength(view: DataView, start: number, elementSize: number): number {
  need(view, start, 4);
  const count = view.getUint32(start, true);
  need(view, start + 4, count * elementSize);
  return count;
}
