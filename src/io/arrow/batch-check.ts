/**
 * Checks a record or dictionary batch against its schema before its columns
 * are built (batch-data.ts): walking the fields in IPC order (a field's
 * node and own buffers, then its children's), every field needs its node and
 * buffers, every buffer must be large enough for its node's length, and
 * offsets must stay inside what they index. Only a constant number of values
 * is read per column, never all of them. Columns left out of a projection
 * are walked for their place alone (their buffers may be unread): they need
 * their nodes and buffers, and as many rows as the batch.
 */
import { MetadataVersion } from 'apache-arrow';
import type { Region } from './body.js';
import { checkListViews, checkUnion, checkViews } from './content-check.js';
import { ArrowFormatError } from './format-error.js';
import type { BatchMeta } from './message.js';
import type { FieldInfo } from './schema-info.js';
import { TypeId } from './types.js';

/** Where a field's node and buffers are in a batch, as the checks found them. */
export interface ColumnLayout {
  readonly field: FieldInfo;
  readonly length: number;
  /** Index of its field node, and of its first buffer (its validity buffer, for every type but Null and Union). */
  readonly node: number;
  readonly firstBuffer: number;
  /** How many buffers are its own (they come before its children's). */
  readonly ownBuffers: number;
  readonly children: readonly ColumnLayout[];
}

/**
 * Throws ArrowFormatError unless the batch's nodes and buffers fit the fields;
 * returns where each field is. With `checked`, only the top-level fields of
 * those indices are checked beyond their place in the batch.
 */
export function checkBatch(
  batch: BatchMeta,
  buffers: readonly Region[],
  body: Uint8Array,
  fields: readonly FieldInfo[],
  version: number,
  checked?: ReadonlySet<number>,
): ColumnLayout[] {
  const walk = new LayoutWalk(batch, buffers, body, version);
  const layout = fields.map((field, i) => {
    walk.checking = !checked || checked.has(i);
    const column = walk.visit(field);
    if (column.length !== batch.length) {
      throw new ArrowFormatError(`column "${field.path}" has ${column.length} rows in a batch of ${batch.length}`);
    }
    return column;
  });
  if (walk.nodeCount !== batch.nodes.length || walk.bufferCount !== buffers.length) {
    throw new ArrowFormatError(
      `corrupt record batch (${batch.nodes.length} field nodes and ${buffers.length} buffers, ` +
        `the schema needs ${walk.nodeCount} and ${walk.bufferCount})`,
    );
  }
  return layout;
}

class LayoutWalk {
  nodeCount = 0;
  bufferCount = 0;
  /** Whether the field being visited is checked, or only walked past. */
  checking = true;
  private variadicCount = 0;
  private readonly view: DataView;

  constructor(
    private readonly batch: BatchMeta,
    private readonly buffers: readonly Region[],
    body: Uint8Array,
    private readonly version: number,
  ) {
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  /** Checks a field's node, buffers and children. */
  visit(field: FieldInfo): ColumnLayout {
    const node = this.nodeCount;
    const firstBuffer = this.bufferCount;
    const children: ColumnLayout[] = [];
    const length = this.visitField(field, children);
    const ownBuffers = (children[0]?.firstBuffer ?? this.bufferCount) - firstBuffer;
    return { field, length, node, firstBuffer, ownBuffers, children };
  }

  /** Checks a field's node, buffers and children (added to `layout`); returns its length. */
  private visitField(field: FieldInfo, layout: ColumnLayout[]): number {
    const node = this.batch.nodes[this.nodeCount++];
    if (!node) throw new ArrowFormatError('corrupt record batch (fewer field nodes than fields)');
    const { length, nullCount } = node;
    const need = (region: Region, bytes: number, what: string): void => {
      if (this.checking && region.length < bytes) {
        throw new ArrowFormatError(`column "${field.path}": ${what} buffer of ${region.length} bytes, ${bytes} needed`);
      }
    };
    if (field.typeId === TypeId.Null) return length; // no buffers at all
    // Unions have had no validity buffer since V5; an older one is skipped unread.
    let validity: Region | null = null;
    if (field.typeId !== TypeId.Union || this.version < MetadataVersion.V5) {
      const region = this.next();
      if (nullCount > 0 && field.typeId !== TypeId.Union) {
        need(region, Math.ceil(length / 8), 'validity');
        validity = region;
      }
    }
    if (field.dictionary) {
      need(this.next(), length * field.dictionary.indexWidth, 'index');
      return length;
    }
    const children = (): number[] =>
      field.children.map((child) => {
        const column = this.visit(child);
        layout.push(column);
        return column.length;
      });
    const tooShort = (what: string): void => {
      if (this.checking) throw new ArrowFormatError(`column "${field.path}": ${what} out of range`);
    };
    switch (field.typeId) {
      case TypeId.Bool:
        need(this.next(), Math.ceil(length / 8), 'data');
        return length;
      case TypeId.Utf8:
      case TypeId.Binary:
      case TypeId.LargeUtf8:
      case TypeId.LargeBinary: {
        const last = this.offsets(field, length, field.typeId === TypeId.LargeUtf8 || field.typeId === TypeId.LargeBinary, need);
        if (last > this.next().length) tooShort('value offsets');
        return length;
      }
      case TypeId.Utf8View:
      case TypeId.BinaryView: {
        const views = this.next();
        need(views, 16 * length, 'views');
        const variadic = this.batch.variadicCounts[this.variadicCount++] ?? 0;
        const data = Array.from({ length: variadic }, () => this.next());
        if (this.checking) checkViews(this.view, views, data, length, validity, field.path);
        return length;
      }
      case TypeId.List:
      case TypeId.Map:
      case TypeId.LargeList: {
        const last = this.offsets(field, length, field.typeId === TypeId.LargeList, need);
        if (last > children()[0]!) tooShort('list offsets');
        return length;
      }
      case TypeId.ListView:
      case TypeId.LargeListView: {
        const width = field.typeId === TypeId.LargeListView ? 8 : 4;
        const offsets = this.next();
        need(offsets, width * length, 'offsets');
        const sizes = this.next();
        need(sizes, width * length, 'sizes');
        const values = children()[0]!;
        if (this.checking) checkListViews(this.view, offsets, sizes, width, length, validity, values, field.path);
        return length;
      }
      case TypeId.FixedSizeList:
        if (children()[0]! < length * field.listSize) tooShort('list values');
        return length;
      case TypeId.Struct:
        if (children().some((n) => n < length)) tooShort('struct fields');
        return length;
      case TypeId.Union: {
        const typeIds = this.next();
        need(typeIds, length, 'type id');
        const offsets = field.unionMode === 1 ? this.next() : null;
        if (offsets) need(offsets, 4 * length, 'offset');
        const lengths = children();
        if (lengths.some((n) => field.unionMode === 0 && n < length)) tooShort('union fields');
        if (this.checking) checkUnion(this.view, typeIds, offsets, length, field.typeIds, lengths, field.path);
        return length;
      }
      default:
        need(this.next(), length * field.width, 'data');
        return length;
    }
  }

  private next(): Region {
    const region = this.buffers[this.bufferCount++];
    if (!region) throw new ArrowFormatError('corrupt record batch (fewer buffers than the schema needs)');
    return region;
  }

  /** Checks an offsets buffer for `length` values; returns the last offset. */
  private offsets(field: FieldInfo, length: number, wide: boolean, need: (r: Region, bytes: number, what: string) => void): number {
    const region = this.next();
    if (!this.checking || (length === 0 && region.length === 0)) return 0;
    const width = wide ? 8 : 4;
    need(region, (length + 1) * width, 'offsets');
    const read = (i: number): number =>
      wide ? Number(this.view.getBigInt64(region.offset + 8 * i, true)) : this.view.getInt32(region.offset + 4 * i, true);
    const first = read(0);
    const last = read(length);
    if (first < 0 || last < first || !Number.isSafeInteger(last)) {
      throw new ArrowFormatError(`column "${field.path}": corrupt offsets (${first} to ${last})`);
    }
    return last;
  }
}
