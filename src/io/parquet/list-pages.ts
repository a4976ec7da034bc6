/**
 * Column chunks of lists of numbers (List, LargeList or FixedSizeList of
 * INT32, INT64, FLOAT or DOUBLE; the 3-D features), written page by page
 * from typed arrays as their rows come, in runs of any length. A page ends
 * after the first row that brings it to PAGE_BYTES of entries, counted from
 * the chunk's first row whatever the runs, so a chunk written in pieces has
 * the pages of one written whole. Levels are gathered per page into byte
 * buffers used again for every page and chunk (scratch.ts), then RLE / bit-packed; the valid
 * element values are written as PLAIN bytes. The levels are those of
 * encode.ts: a null row is list.def - 1, an empty list list.def, an element
 * leaf.def (leaf.def - 1 when null); repetition is 0 at a row's start and
 * list.rep after.
 */
import { type Data, type FixedSizeList, Type } from 'apache-arrow';
import { DataError } from '../../core/errors.js';
import type { Validity } from './chunk-parts.js';
import type { WriteCodec } from './codecs.js';
import type { ChunkOut } from './file-write.js';
import { encodeLevels } from './levels.js';
import { ChunkWriter, type FlatValues, isFlatType, isFlatValues, PAGE_BYTES } from './pages-out.js';
import { physicalValues } from './physical.js';
import { bitWidthOf } from './rle.js';
import type { LeafNode, ListNode } from './schema.js';
import { borrow, giveBack } from './scratch.js';
import { sortOrder } from './statistics.js';
import type { Writer } from './thrift-write.js';
import type { WriteColumn } from './write-plan.js';

/** A run of rows of a list of numbers, as its Arrow data holds them. */
export interface ListRun {
  readonly rows: number;
  /** Elements per row of a FixedSizeList, else 0. */
  readonly size: number;
  /** Row r holds elements [offsets[r], offsets[r + 1]) (lists of a variable size). */
  readonly offsets: Int32Array | Float64Array | undefined;
  readonly rowValidity: Validity | undefined;
  /** Validity of the elements, indexed as `values`. */
  readonly elementValidity: Validity | undefined;
  /** Element values, as physical values. */
  readonly values: FlatValues;
}

/** The leaf and list of a column written as a list of numbers, or undefined. */
export function listShape(column: WriteColumn): { list: ListNode; leaf: LeafNode } | undefined {
  const list = column.node;
  if (list.kind !== 'list' || list.item.kind !== 'leaf' || list.item.maxRep !== list.rep || list.rep !== 1) return undefined;
  return isFlatType(list.item.element) ? { list, leaf: list.item } : undefined;
}

/** A part of a column as a run of a list of numbers, or undefined when it is not one. */
export function listRun(column: WriteColumn, leaf: LeafNode, data: Data): ListRun | undefined {
  if (![Type.List, Type.LargeList, Type.FixedSizeList].includes(data.type.typeId)) return undefined;
  const child = data.children[0]!;
  const values = physicalValues(leaf.element, child, column.name);
  if (!isFlatValues(leaf.element, values)) return undefined;
  const validity = (d: Data) => (d.nullCount > 0 && d.nullBitmap ? { bitmap: d.nullBitmap, offset: d.offset } : undefined);
  const size = data.type.typeId === Type.FixedSizeList ? (data.type as FixedSizeList).listSize : 0;
  const offsets = size ? undefined : numberOffsets(data.valueOffsets as Int32Array | BigInt64Array, data.length + 1);
  return { rows: data.length, size, offsets, rowValidity: validity(data), elementValidity: validity(child), values };
}

/** The levels of pages that have them all alike, by what makes them alike (the latest few). */
const levelCache = new Map<string, Uint8Array>();

function sameLevels(key: string, encode: () => Uint8Array): Uint8Array {
  let bytes = levelCache.get(key);
  if (!bytes) {
    if (levelCache.size >= 8) levelCache.delete(levelCache.keys().next().value!);
    levelCache.set(key, (bytes = encode()));
  }
  return bytes;
}

/** A LargeList's offsets as numbers, once per run rather than once per row (the row loop then reads one kind of array). */
function numberOffsets(offsets: Int32Array | BigInt64Array, count: number): Int32Array | Float64Array {
  if (offsets instanceof Int32Array) return offsets;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Number(offsets[i]!);
  return out;
}

function bit(validity: Validity | undefined, index: number): boolean {
  if (!validity) return true;
  const at = validity.offset + index;
  return ((validity.bitmap[at >> 3]! >> (at & 7)) & 1) === 1;
}

/** Writes one list column chunk at the writer's position, a run of rows at a time. */
export class ListPages {
  private readonly out: ChunkWriter;
  private readonly perPage: number;
  private readonly repWidth: number;
  private readonly defWidth: number;
  /** The page being filled: its levels, values, entries (k), values (n), rows, and the chunk row it starts at. */
  private rep = new Uint8Array(0);
  private def = new Uint8Array(0);
  private page: FlatValues | undefined;
  private k = 0;
  private n = 0;
  private pageRows = 0;
  private firstRow = 0;
  /** The length of every row of the page when all have that length and no null (else 0), -1 before its first row. */
  private uniform = -1;

  constructor(
    writer: Writer,
    private readonly column: WriteColumn,
    private readonly list: ListNode,
    private readonly leaf: LeafNode,
    codec: WriteCodec,
    bytesPerValue: number,
  ) {
    this.repWidth = bitWidthOf(list.rep);
    this.defWidth = bitWidthOf(leaf.def);
    this.perPage = Math.max(1, Math.floor(PAGE_BYTES / bytesPerValue));
    this.out = new ChunkWriter(writer, column.leafPaths[0]!, sortOrder(leaf.element), codec);
  }

  /** Rows given so far. */
  get rows(): number {
    return this.firstRow + this.pageRows;
  }

  push(run: ListRun): void {
    const { list, leaf, perPage } = this;
    const { size, offsets, rowValidity, elementValidity, values } = run;
    const fail = (what: string) => new DataError(`column "${this.column.name}" holds a null ${what} where its Parquet schema requires a value`);
    // Without nulls, a row is its elements in a loop of their own.
    const dense = !rowValidity && !elementValidity;
    for (let r = 0; r < run.rows; r++) {
      const from = size ? r * size : offsets![r]!;
      const to = size ? from + size : offsets![r + 1]!;
      this.reserve(Math.max(1, to - from), values);
      const { rep, def } = this;
      const page = this.page!;
      let k = this.k;
      const length = dense && from < to ? to - from : 0;
      this.uniform = this.uniform < 0 || this.uniform === length ? length : 0;
      if (length) {
        let n = this.n;
        rep[k] = 0;
        def[k++] = leaf.def;
        page[n++] = values[from]!;
        for (let e = from + 1; e < to; e++) {
          rep[k] = list.rep;
          def[k++] = leaf.def;
          page[n++] = values[e]!;
        }
        this.n = n;
      } else if (!bit(rowValidity, r)) {
        if (!list.nullable) throw fail('list');
        rep[k] = 0;
        def[k++] = list.def - 1;
      } else if (from === to) {
        rep[k] = 0;
        def[k++] = list.def;
      } else {
        let n = this.n;
        for (let e = from; e < to; e++) {
          rep[k] = e === from ? 0 : list.rep;
          if (bit(elementValidity, e)) {
            def[k++] = leaf.def;
            page[n++] = values[e]!;
          } else {
            if (!leaf.nullable) throw fail('element');
            def[k++] = leaf.def - 1;
          }
        }
        this.n = n;
      }
      this.k = k;
      this.pageRows++;
      if (k >= perPage) this.writePage();
    }
  }

  /** Writes the last page; returns the chunk's footer entry and offset index. */
  finish(): ChunkOut {
    if (this.pageRows) this.writePage();
    giveBack(this.rep, this.def, this.page);
    this.rep = this.def = new Uint8Array(0);
    this.page = undefined;
    return this.out.finish();
  }

  /** Room in the page's buffers for `entries` more entries. */
  private reserve(entries: number, values: FlatValues): void {
    const need = this.k + entries;
    if (this.page && this.page.constructor !== values.constructor) throw new Error(`column "${this.column.name}": runs of different value types`);
    if (this.page && need <= Math.min(this.rep.length, this.def.length, this.page.length)) return;
    const capacity = Math.max(need, this.perPage + 64);
    const grow = <T extends Uint8Array | FlatValues>(old: T | undefined, kind: new (n: number) => T): T => {
      const out = borrow(kind, capacity);
      if (old) {
        (out as Uint8Array).set((old as Uint8Array).subarray(0, this.k));
        giveBack(old);
      }
      return out;
    };
    this.rep = grow(this.rep, Uint8Array);
    this.def = grow(this.def, Uint8Array);
    this.page = grow(this.page, values.constructor as new (n: number) => FlatValues);
  }

  private writePage(): void {
    const { k, uniform } = this;
    // Rows of one length without nulls have the levels of every such page, encoded once.
    const levels = (kind: string, bytes: Uint8Array, width: number) =>
      uniform > 0 ? sameLevels(`${kind} ${width} ${uniform} ${this.pageRows} ${kind === 'def' ? this.leaf.def : this.list.rep}`, () => encodeLevels(bytes, k, width)) : encodeLevels(bytes, k, width);
    this.out.page({
      rep: levels('rep', this.rep, this.repWidth),
      def: this.defWidth ? levels('def', this.def, this.defWidth) : new Uint8Array(0),
      values: this.page!.subarray(0, this.n) as FlatValues,
      entries: k,
      rows: this.pageRows,
      firstRow: this.firstRow,
    });
    this.firstRow += this.pageRows;
    this.pageRows = 0;
    this.uniform = -1;
    this.k = 0;
    this.n = 0;
  }
}
