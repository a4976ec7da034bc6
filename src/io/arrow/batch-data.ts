/**
 * The columns of a checked record or dictionary batch as apache-arrow Data,
 * built with its public makeData from the layout the checks found
 * (batch-check.ts): each column's node counts and own buffers, views of
 * the prepared body (body.ts), in the roles apache-arrow's own IPC
 * loader gives them. List views come out as lists, with the buffers and
 * counts list-views.ts made for them.
 */
import { type Data, type DataType, makeData, MetadataVersion, UnionMode, type Union, type Vector } from 'apache-arrow';
import type { PreparedBody } from './body.js';
import type { ColumnLayout } from './batch-check.js';
import { ArrowFormatError } from './format-error.js';
import type { ListViewsAsLists } from './list-views.js';
import type { BatchMeta } from './message.js';
import { TypeId } from './types.js';

const EMPTY = new Uint8Array(0);
const NONE: ListViewsAsLists = { buffers: new Map(), nodes: new Map() };

/** makeData, for props whose shape follows the type at run time. */
const make = makeData as (props: { type: DataType } & Record<string, unknown>) => Data;

/** Where a batch's columns come from. */
export interface BatchParts {
  readonly batch: BatchMeta;
  readonly prepared: PreparedBody;
  readonly version: number;
  /** The dictionaries so far, by id. */
  readonly dictionaries: ReadonlyMap<number, Vector>;
  readonly lists?: ListViewsAsLists;
}

/** The Data of each column of `layout`. */
export function batchColumns(layout: readonly ColumnLayout[], parts: BatchParts): Data[] {
  const { batch, prepared, version, dictionaries } = parts;
  const lists = parts.lists ?? NONE;
  const column = (c: ColumnLayout): Data => {
    const { length, nullCount } = lists.nodes.get(c.node) ?? batch.nodes[c.node]!;
    const type = c.field.type;
    const buffer = (k: number): Uint8Array => {
      const replaced = lists.buffers.get(c.firstBuffer + k);
      if (replaced) return replaced;
      const region = prepared.buffers[c.firstBuffer + k]!;
      return prepared.body.subarray(region.offset, region.offset + region.length);
    };
    // Every type but Null and Union has a validity buffer first.
    const base = () => ({ type, length, nullCount, nullBitmap: nullCount > 0 ? buffer(0) : EMPTY });
    const children = () => c.children.map(column);
    if (c.field.dictionary) {
      const dictionary = dictionaries.get(c.field.dictionary.id);
      if (!dictionary) throw new ArrowFormatError(`record batch before its dictionary (id ${c.field.dictionary.id})`);
      return make({ ...base(), data: buffer(1), dictionary });
    }
    switch (c.field.typeId) {
      case TypeId.Null:
        return make({ type, length });
      case TypeId.Utf8:
      case TypeId.Binary:
      case TypeId.LargeUtf8:
      case TypeId.LargeBinary:
        return make({ ...base(), valueOffsets: buffer(1), data: buffer(2) });
      case TypeId.Utf8View:
      case TypeId.BinaryView:
        return make({ ...base(), views: buffer(1), variadicBuffers: Array.from({ length: c.ownBuffers - 2 }, (_, k) => buffer(2 + k)) });
      case TypeId.List:
      case TypeId.LargeList:
      case TypeId.Map:
      case TypeId.ListView:
      case TypeId.LargeListView:
        return make({ ...base(), valueOffsets: buffer(1), child: children()[0] });
      case TypeId.FixedSizeList:
        return make({ ...base(), child: children()[0] });
      case TypeId.Struct:
        return make({ ...base(), children: children() });
      case TypeId.Union: {
        // Unions lost their validity buffer in V5; an older one is skipped.
        const at = version < MetadataVersion.V5 ? 1 : 0;
        const dense = (type as Union).mode === UnionMode.Dense;
        return make({ type, length, nullCount, typeIds: buffer(at), valueOffsets: dense ? buffer(at + 1) : undefined, children: children() });
      }
      default:
        return make({ ...base(), data: buffer(1) });
    }
  };
  return layout.map(column);
}
