/**
 * Column chunks of lists of numbers (List, LargeList or FixedSizeList of
 * INT32, INT64, FLOAT or DOUBLE; the 3-D features), written from typed arrays:
 * levels are computed per page into byte arrays and RLE / bit-packed, and
 * the valid element values are written as PLAIN bytes. The levels are those
 * of parquet-encode.ts: a null row is list.def - 1, an empty list list.def,
 * an element leaf.def (leaf.def - 1 when null); repetition is 0 at a row's
 * start and list.rep after.
 */
import { type Data, type FixedSizeList, Type } from 'apache-arrow';
import type { ColumnChunk, OffsetIndex } from 'hyparquet';
import type { Writer } from 'hyparquet-writer/src/types.js';
import { DataError } from '../core/errors.js';
import { encodeLevels } from './parquet-levels.js';
import { ChunkWriter, type FlatValues, isFlatType, isFlatValues, PAGE_BYTES } from './parquet-pages-out.js';
import { physicalValues } from './parquet-physical.js';
import { bitWidthOf } from './parquet-rle.js';
import type { LeafNode, ListNode } from './parquet-schema.js';
import type { WriteColumn } from './parquet-write-plan.js';

/** A top-level list of numbers, ready to write. */
export interface ListChunk {
  readonly column: WriteColumn;
  readonly list: ListNode;
  readonly leaf: LeafNode;
  readonly data: Data;
  /** Element values of the child, as physical values. */
  readonly values: FlatValues;
  readonly statistics: boolean;
}

/** The column as a list of numbers the fast path writes, or undefined. */
export function listChunk(column: WriteColumn, data: Data, statistics: boolean): ListChunk | undefined {
  const list = column.node;
  if (list.kind !== 'list' || list.item.kind !== 'leaf' || list.item.maxRep !== list.rep || list.rep !== 1) return undefined;
  if (![Type.List, Type.LargeList, Type.FixedSizeList].includes(data.type.typeId)) return undefined;
  const leaf = list.item;
  if (!isFlatType(leaf.element)) return undefined;
  const values = physicalValues(leaf.element, data.children[0]!, column.name);
  if (!isFlatValues(leaf.element, values)) return undefined;
  return { column, list, leaf, data, values, statistics };
}

function bit(bitmap: Uint8Array | undefined, index: number): boolean {
  return !bitmap || ((bitmap[index >> 3]! >> (index & 7)) & 1) === 1;
}

/** Writes the chunk at the writer's position; returns its footer entry and offset index. */
export function writeListChunk(writer: Writer, chunk: ListChunk): { chunk: ColumnChunk; offsetIndex?: OffsetIndex } {
  const { list, leaf, data, values } = chunk;
  const child = data.children[0]!;
  const rowBits = data.nullCount > 0 ? data.nullBitmap : undefined;
  const childBits = child.nullCount > 0 ? child.nullBitmap : undefined;
  const size = data.type.typeId === Type.FixedSizeList ? (data.type as FixedSizeList).listSize : 0;
  const offsets = size ? undefined : (data.valueOffsets as Int32Array | BigInt64Array);
  const startOf = (r: number) => (size ? r * size : Number(offsets![r]!));
  const repWidth = bitWidthOf(list.rep);
  const defWidth = bitWidthOf(leaf.def);
  const perPage = Math.max(1, Math.floor(PAGE_BYTES / values.BYTES_PER_ELEMENT));
  const out = new ChunkWriter(writer, chunk.column.leafPaths[0]!, chunk.statistics);
  const fail = (what: string) => new DataError(`column "${chunk.column.name}" holds a null ${what} where its Parquet schema requires a value`);

  for (let r0 = 0; r0 < data.length; ) {
    // Whole rows, up to about a page of elements.
    let r1 = r0;
    let entries = 0;
    while (r1 < data.length && (r1 === r0 || entries < perPage)) {
      entries += Math.max(1, startOf(r1 + 1) - startOf(r1));
      r1++;
    }
    const rep = new Uint8Array(entries);
    const def = new Uint8Array(entries);
    const page = new (values.constructor as new (n: number) => FlatValues)(entries);
    let k = 0;
    let n = 0;
    for (let r = r0; r < r1; r++) {
      const from = startOf(r);
      const to = startOf(r + 1);
      if (!bit(rowBits, data.offset + r)) {
        if (!list.nullable) throw fail('list');
        def[k++] = list.def - 1;
        continue;
      }
      if (from === to) {
        def[k++] = list.def;
        continue;
      }
      for (let e = from; e < to; e++) {
        rep[k] = e === from ? 0 : list.rep;
        if (bit(childBits, child.offset + e)) {
          def[k++] = leaf.def;
          page[n++] = values[e]!;
        } else {
          if (!leaf.nullable) throw fail('element');
          def[k++] = leaf.def - 1;
        }
      }
    }
    out.page({
      rep: encodeLevels(rep, k, repWidth),
      def: defWidth ? encodeLevels(def, k, defWidth) : new Uint8Array(0),
      values: page.subarray(0, n) as FlatValues,
      entries: k,
      rows: r1 - r0,
      firstRow: r0,
    });
    r0 = r1;
  }
  return out.finish();
}
