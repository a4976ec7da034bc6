/**
 * Column chunks of lists of numbers (List, LargeList or FixedSizeList of
 * INT32, INT64, FLOAT or DOUBLE; the 3-D features), written from typed arrays:
 * levels are computed per page into byte arrays and RLE / bit-packed, and
 * the valid element values are written as PLAIN bytes. The levels are those
 * of encode.ts: a null row is list.def - 1, an empty list list.def,
 * an element leaf.def (leaf.def - 1 when null); repetition is 0 at a row's
 * start and list.rep after. A row group of several batches is written from
 * their rows joined end to end.
 */
import { type Data, type FixedSizeList, Type } from 'apache-arrow';
import { DataError } from '../../core/errors.js';
import { joinArrays, joinValidity, type Validity } from './chunk-parts.js';
import type { WriteCodec } from './codecs.js';
import type { ChunkOut } from './file-write.js';
import { encodeLevels } from './levels.js';
import { ChunkWriter, type FlatValues, isFlatType, isFlatValues, PAGE_BYTES } from './pages-out.js';
import { physicalValues } from './physical.js';
import { bitWidthOf } from './rle.js';
import type { LeafNode, ListNode } from './schema.js';
import { sortOrder } from './statistics.js';
import type { Writer } from './thrift-write.js';
import type { WriteColumn } from './write-plan.js';

/** A top-level list of numbers, ready to write. */
export interface ListChunk {
  readonly column: WriteColumn;
  readonly list: ListNode;
  readonly leaf: LeafNode;
  readonly rows: number;
  /** Row r holds elements [starts[r], starts[r + 1]). */
  readonly starts: Float64Array;
  readonly rowValidity: Validity | undefined;
  readonly elementValidity: Validity | undefined;
  /** Element values, as physical values. */
  readonly values: FlatValues;
}

/** The column's parts as a list of numbers the fast path writes, or undefined. */
export function listChunk(column: WriteColumn, parts: readonly Data[]): ListChunk | undefined {
  const list = column.node;
  if (list.kind !== 'list' || list.item.kind !== 'leaf' || list.item.maxRep !== list.rep || list.rep !== 1) return undefined;
  if (!parts.every((data) => [Type.List, Type.LargeList, Type.FixedSizeList].includes(data.type.typeId))) return undefined;
  const leaf = list.item;
  if (!isFlatType(leaf.element)) return undefined;
  const ranges = parts.map((data) => {
    const size = data.type.typeId === Type.FixedSizeList ? (data.type as FixedSizeList).listSize : 0;
    const offsets = data.valueOffsets as Int32Array | BigInt64Array;
    const startOf = (r: number) => (size ? r * size : Number(offsets[r]!));
    return { data, values: physicalValues(leaf.element, data.children[0]!, column.name), from: startOf(0), to: startOf(data.length), startOf };
  });
  if (!ranges.every(({ values }) => isFlatValues(leaf.element, values))) return undefined;
  const rows = parts.reduce((n, data) => n + data.length, 0);
  const starts = new Float64Array(rows + 1);
  let row = 0;
  let element = 0;
  for (const { data, from, to, startOf } of ranges) {
    for (let r = 0; r < data.length; r++) starts[row++] = element + startOf(r) - from;
    element += to - from;
  }
  starts[rows] = element;
  return {
    column,
    list,
    leaf,
    rows,
    starts,
    rowValidity: joinValidity(parts.map((data) => ({ data, from: 0, length: data.length }))),
    elementValidity: joinValidity(ranges.map(({ data, from, to }) => ({ data: data.children[0]!, from, length: to - from }))),
    values: joinArrays(ranges.map(({ values, from, to }) => (values as FlatValues).subarray(from, to) as FlatValues)),
  };
}

function bit(validity: Validity | undefined, index: number): boolean {
  if (!validity) return true;
  const at = validity.offset + index;
  return ((validity.bitmap[at >> 3]! >> (at & 7)) & 1) === 1;
}

/** Writes the chunk at the writer's position; returns its footer entry and offset index. */
export function writeListChunk(writer: Writer, chunk: ListChunk, codec: WriteCodec): ChunkOut {
  const { list, leaf, starts, values, rowValidity, elementValidity } = chunk;
  const repWidth = bitWidthOf(list.rep);
  const defWidth = bitWidthOf(leaf.def);
  const perPage = Math.max(1, Math.floor(PAGE_BYTES / values.BYTES_PER_ELEMENT));
  const out = new ChunkWriter(writer, chunk.column.leafPaths[0]!, sortOrder(leaf.element), codec);
  const fail = (what: string) => new DataError(`column "${chunk.column.name}" holds a null ${what} where its Parquet schema requires a value`);

  for (let r0 = 0; r0 < chunk.rows; ) {
    // Whole rows, up to about a page of elements.
    let r1 = r0;
    let entries = 0;
    while (r1 < chunk.rows && (r1 === r0 || entries < perPage)) {
      entries += Math.max(1, starts[r1 + 1]! - starts[r1]!);
      r1++;
    }
    const rep = new Uint8Array(entries);
    const def = new Uint8Array(entries);
    const page = new (values.constructor as new (n: number) => FlatValues)(entries);
    let k = 0;
    let n = 0;
    for (let r = r0; r < r1; r++) {
      const from = starts[r]!;
      const to = starts[r + 1]!;
      if (!bit(rowValidity, r)) {
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
        if (bit(elementValidity, e)) {
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
