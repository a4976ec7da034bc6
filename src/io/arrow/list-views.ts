/**
 * ListView and LargeListView columns, for which apache-arrow has no type,
 * turned into the List and LargeList it has: the schema types them as lists
 * (schema-types.ts), and each checked batch gets list offsets in place
 * of a list view's offsets and sizes. A list view gives every row an offset
 * and a size in its child. When the rows lie in order, one after the other,
 * the offsets are the views' offsets and the end of the last row, and the
 * child stays as it is; otherwise the values of each valid row are gathered
 * into a new child in row order (null rows are empty), which is done for
 * children of fixed-width values (numbers, dates, dictionary indices...),
 * booleans and nulls, and refused for other types.
 */
import type { PreparedBody, Region } from './body.js';
import type { ColumnLayout } from './batch-check.js';
import { ArrowFormatError } from './format-error.js';
import { MAX_LENGTH, type MessageMeta } from './message.js';
import { TYPE_NAMES, TypeId } from './types.js';

/** A field node's counts. */
export interface NodeCounts {
  readonly length: number;
  readonly nullCount: number;
}

/** What a message's list views change: buffers by index (a list view's offsets become list offsets), field node counts by index. */
export interface ListViewsAsLists {
  readonly buffers: ReadonlyMap<number, Uint8Array>;
  readonly nodes: ReadonlyMap<number, NodeCounts>;
}

const isListView = (typeId: number): boolean => typeId === TypeId.ListView || typeId === TypeId.LargeListView;

/** The buffers and counts that turn the list views of a checked data message into lists. */
export function listViewsAsLists(meta: MessageMeta, prepared: PreparedBody, layout: readonly ColumnLayout[]): ListViewsAsLists {
  const rebuild = new Rebuild(meta, prepared);
  const visit = (column: ColumnLayout): void => {
    column.children.forEach(visit);
    if (isListView(column.field.typeId)) rebuild.asList(column);
  };
  layout.forEach(visit);
  return rebuild;
}

/** The replaced buffers of one message and its changed field nodes. */
class Rebuild implements ListViewsAsLists {
  readonly buffers = new Map<number, Uint8Array>();
  readonly nodes = new Map<number, NodeCounts>();
  private readonly view: DataView;

  constructor(
    private readonly meta: MessageMeta,
    private readonly prepared: PreparedBody,
  ) {
    const { body } = prepared;
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  /** Replaces a list view's offsets by list offsets (and its child, when it must be gathered); its sizes are left unread. */
  asList(column: ColumnLayout): void {
    const wide = column.field.typeId === TypeId.LargeListView;
    const n = column.length;
    const region = (k: number): Region => this.prepared.buffers[column.firstBuffer + k]!;
    const read = (r: Region, i: number): number =>
      wide ? Number(this.view.getBigInt64(r.offset + 8 * i, true)) : this.view.getInt32(r.offset + 4 * i, true);
    const [offsets, sizes] = [region(1), region(2)];
    const child = column.children[0]!;
    const out = wide ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
    const set = (i: number, value: number): void => void (out[i] = (wide ? BigInt(value) : value) as never);
    let end = n > 0 ? read(offsets, 0) : 0;
    let inOrder = end >= 0;
    for (let i = 0; i < n && inOrder; i++) {
      const size = read(sizes, i);
      inOrder = read(offsets, i) === end && size >= 0;
      set(i, end);
      end += size;
    }
    if (inOrder && end <= child.length) {
      set(n, end);
    } else {
      const nulls = this.meta.batch!.nodes[column.node]!.nullCount > 0 ? region(0) : null;
      const rows: [number, number][] = [];
      let total = 0;
      for (let i = 0; i < n; i++) {
        set(i, total);
        if (nulls && !this.bit(nulls, i)) continue;
        rows.push([read(offsets, i), read(sizes, i)]);
        total += read(sizes, i);
      }
      set(n, total);
      this.gather(column, rows, total);
    }
    // An empty column needs no offsets.
    this.buffers.set(column.firstBuffer + 1, n > 0 ? new Uint8Array(out.buffer) : new Uint8Array(0));
  }

  /** Replaces the child of a list view by the values of `rows` ([offset, size] each), `total` in all. */
  private gather(column: ColumnLayout, rows: readonly [number, number][], total: number): void {
    const child = column.children[0]!;
    const field = child.field;
    const width = field.dictionary ? field.dictionary.indexWidth : field.width;
    const fixed = field.children.length === 0 && field.typeId !== TypeId.Utf8View && field.typeId !== TypeId.BinaryView;
    if (!fixed || (width === 0 && field.typeId !== TypeId.Null)) {
      throw new ArrowFormatError(
        `column "${column.field.path}": its list views are out of order or overlap, which bn1d rebuilds only for lists of ` +
          `numbers and other fixed-width values, not ${TYPE_NAMES[field.typeId]}`,
      );
    }
    if (total > Math.min(MAX_LENGTH, 4 * child.length + 1024)) {
      throw new ArrowFormatError(`column "${column.field.path}": its list views repeat values too often to rebuild (${total} values from ${child.length})`);
    }
    if (field.typeId === TypeId.Null) {
      this.nodes.set(child.node, { length: total, nullCount: total });
      return;
    }
    const validity = this.meta.batch!.nodes[child.node]!.nullCount > 0 ? this.prepared.buffers[child.firstBuffer]! : null;
    const data = this.prepared.buffers[child.firstBuffer + 1]!;
    const bits = validity ? this.gatherBits(validity, rows, total) : new Uint8Array(0);
    let nullCount = 0;
    if (validity) for (let k = 0; k < total; k++) if (((bits[k >> 3]! >> (k & 7)) & 1) === 0) nullCount++;
    this.buffers.set(child.firstBuffer, bits);
    this.buffers.set(child.firstBuffer + 1, width < 0 ? this.gatherBits(data, rows, total) : this.gatherBytes(data, width, rows, total));
    this.nodes.set(child.node, { length: total, nullCount });
  }

  private bit(region: Region, i: number): boolean {
    return ((this.view.getUint8(region.offset + (i >> 3)) >> (i & 7)) & 1) === 1;
  }

  private gatherBits(region: Region, rows: readonly [number, number][], total: number): Uint8Array {
    const out = new Uint8Array((total + 7) >> 3);
    let k = 0;
    for (const [from, size] of rows) {
      for (let j = from; j < from + size; j++, k++) if (this.bit(region, j)) out[k >> 3]! |= 1 << (k & 7);
    }
    return out;
  }

  private gatherBytes(region: Region, width: number, rows: readonly [number, number][], total: number): Uint8Array {
    const out = new Uint8Array(total * width);
    let k = 0;
    for (const [from, size] of rows) {
      out.set(this.prepared.body.subarray(region.offset + from * width, region.offset + (from + size) * width), k);
      k += size * width;
    }
    return out;
  }
}
