/**
 * Column chunks of flat numeric columns (INT32, INT64, FLOAT, DOUBLE; required
 * or optional), written page by page from typed arrays as their rows come,
 * in runs of any length: every page holds the same number of rows (about
 * PAGE_BYTES of values, a multiple of 8), counted from the chunk's first
 * row whatever the runs, so a chunk written in pieces has the pages of one
 * written whole. A page within a run is written from the run's own array
 * (its valid values only); the rows a run ends with wait for the next in a
 * page-sized buffer used again for every page (and every chunk: scratch.ts). PLAIN values are the
 * array's bytes, and definition levels are the validity bitmap as one
 * bit-packed run, or one RLE run in a page without nulls.
 */
import type { SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { sliceBitmap } from '../arrow/bitmap.js';
import type { Validity } from './chunk-parts.js';
import type { WriteCodec } from './codecs.js';
import type { ChunkOut } from './file-write.js';
import { ChunkWriter, type FlatValues, PAGE_BYTES } from './pages-out.js';
import { borrow, giveBack } from './scratch.js';
import type { SortOrder } from './statistics.js';
import type { Writer } from './thrift-write.js';

const EMPTY = new Uint8Array(0);

/** Definition levels of `n` rows whose validity starts at bit `offset` of `bitmap` (none: every row valid) in the RLE / bit-packed hybrid encoding, bit width 1. */
function definitionLevels(bitmap: Uint8Array | undefined, offset: number, n: number): Uint8Array {
  const level = new ByteWriter(16);
  if (!bitmap) {
    level.appendVarInt(n << 1); // one RLE run of n ones
    level.appendUint8(1);
    return level.getBytes();
  }
  // One bit-packed run: groups of 8 levels, LSB first, which is exactly a validity bitmap.
  const groups = (n + 7) >> 3;
  level.appendVarInt((groups << 1) | 1);
  const bits = sliceBitmap(bitmap, offset, n);
  level.appendBytes(bits.subarray(0, n >> 3));
  // The last group's levels past n are 0, whatever the bitmap holds there (the bytes must not depend on it).
  if (n & 7) level.appendUint8(bits[n >> 3]! & ((1 << (n & 7)) - 1));
  return level.getBytes();
}

function isSet(bitmap: Uint8Array, bit: number): boolean {
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

// The loops below are functions of their own: V8 optimizes a loop on its first long run, and code after it that has not run yet would stop it at every call.

/** Nulls among `n` bits from bit `bit` of `bitmap`. */
function countNulls(bitmap: Uint8Array, bit: number, n: number): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) if (!isSet(bitmap, bit + i)) nulls++;
  return nulls;
}

/** The values of `values[from, from + n)` whose bit (from bit `bit`) is set, packed into `out`; returns how many. */
function packValid(values: FlatValues, bitmap: Uint8Array, bit: number, from: number, n: number, out: FlatValues): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (isSet(bitmap, bit + i)) out[k++] = values[from + i]!;
  return k;
}

/** Copies `n` validity bits from bit `from` of `source` (all set when none) to bit `to` of `bits`; returns how many are nulls. */
function copyBits(source: Uint8Array | undefined, from: number, bits: Uint8Array, to: number, n: number): number {
  if (!source && (to & 7) === 0) {
    // All valid from a byte on: whole bytes (and the bits of the last one beyond n are set too, which no page reads).
    bits.fill(0xff, to >> 3, (to + n + 7) >> 3);
    return 0;
  }
  let nulls = 0;
  for (let i = 0, at = to; i < n; i++, at++) {
    if (!source || isSet(source, from + i)) bits[at >> 3]! |= 1 << (at & 7);
    else {
      bits[at >> 3]! &= ~(1 << (at & 7));
      nulls++;
    }
  }
  return nulls;
}

/** Writes one flat column chunk at the writer's position, a run of rows at a time. */
export class FlatPages {
  private readonly out: ChunkWriter;
  private readonly optional: boolean;
  /** Rows per page, set by the first run's value width. */
  private perPage = 0;
  /** Rows written in pages so far. */
  private written = 0;
  /** Rows waiting for their page to fill, their values and validity bits. */
  private held = 0;
  private heldValues: FlatValues | undefined;
  private heldBits: Uint8Array | undefined;
  private heldNulls = 0;
  /** The valid values of a page with nulls. */
  private packed: FlatValues | undefined;

  /** `total`, when given, is the chunk's rows: the run that ends them is written without waiting for more. */
  constructor(writer: Writer, schemaPath: SchemaElement[], order: SortOrder | undefined, codec: WriteCodec, private readonly total?: number) {
    this.optional = schemaPath[schemaPath.length - 1]!.repetition_type === 'OPTIONAL';
    this.out = new ChunkWriter(writer, schemaPath, order, codec);
  }

  /** Rows given so far. */
  get rows(): number {
    return this.written + this.held;
  }

  /** Adds a run of rows: one value per row (null rows hold anything), validity undefined when none is null. */
  push(values: FlatValues, validity: Validity | undefined): void {
    const n = values.length;
    // A multiple of 8 rows, so that a page of a run's rows starts on a byte of its bitmap where the run does.
    if (!this.perPage) this.perPage = Math.max(8, Math.floor(PAGE_BYTES / values.BYTES_PER_ELEMENT / 8) * 8);
    const { perPage } = this;
    let from = 0;
    if (this.held) {
      from = Math.min(n, perPage - this.held);
      this.hold(values, validity, 0, from);
      if (this.held === perPage) this.writeHeld();
    }
    for (; n - from >= perPage; from += perPage) this.page(values, validity?.bitmap, (validity?.offset ?? 0) + from, from, perPage);
    if (from === n) return;
    // The chunk's last rows go out from the run; other rows wait for the next.
    if (!this.held && this.written + n - from === this.total) this.page(values, validity?.bitmap, (validity?.offset ?? 0) + from, from, n - from);
    else this.hold(values, validity, from, n);
  }

  /** Writes the last page; returns the chunk's footer entry and offset index. */
  finish(): ChunkOut {
    if (this.held) this.writeHeld();
    giveBack(this.heldValues, this.heldBits, this.packed);
    this.heldValues = this.heldBits = this.packed = undefined;
    return this.out.finish();
  }

  /** Writes rows [from, from + n) of `values` as a page, validity from bit `bit` of `bitmap`. */
  private page(values: FlatValues, bitmap: Uint8Array | undefined, bit: number, from: number, n: number): void {
    const nulls = bitmap ? countNulls(bitmap, bit, n) : 0;
    let page = values.subarray(from, from + n) as FlatValues;
    if (nulls) {
      if (!this.packed || this.packed.constructor !== values.constructor) this.packed = borrow(values.constructor as new (n: number) => FlatValues, this.perPage);
      page = this.packed.subarray(0, packValid(values, bitmap!, bit, from, n, this.packed)) as FlatValues;
    }
    const def = this.optional ? definitionLevels(nulls ? bitmap : undefined, bit, n) : EMPTY;
    this.out.page({ rep: EMPTY, def, values: page, entries: n, rows: n, firstRow: this.written });
    this.written += n;
  }

  private writeHeld(): void {
    this.page(this.heldValues!, this.heldNulls ? this.heldBits : undefined, 0, 0, this.held);
    this.held = 0;
    this.heldNulls = 0;
  }

  /** Copies rows [from, to) of a run into the rows that wait for their page. */
  private hold(values: FlatValues, validity: Validity | undefined, from: number, to: number): void {
    if (to <= from) return;
    if (!this.heldValues || this.heldValues.constructor !== values.constructor) {
      this.heldValues = borrow(values.constructor as new (n: number) => FlatValues, this.perPage);
      this.heldBits = borrow(Uint8Array, this.perPage >> 3);
    }
    (this.heldValues as Float64Array).set(values.subarray(from, to) as Float64Array, this.held);
    this.heldNulls += copyBits(validity?.bitmap, (validity?.offset ?? 0) + from, this.heldBits!, this.held, to - from);
    this.held += to - from;
  }
}
