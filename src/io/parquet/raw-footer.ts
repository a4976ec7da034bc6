/**
 * A Parquet footer (FileMetaData) as its stored bytes, read as generic
 * Thrift trees (thrift-tree.ts) on demand, so that structs can be carried to
 * another file with every field, statistics as their stored bytes included.
 *
 * Nothing is parsed up front: the first look at a row group finds where
 * each row group's struct lies by skipping over the fields (no values are
 * built), the first look at one of its column chunks does the same for the
 * row group's column list, and only the column chunk asked for is parsed.
 *
 *   FileMetaData: 4 row_groups (list<RowGroup>)
 *   RowGroup: 1 columns (list<ColumnChunk>)
 */
import { CorruptParquet } from './faults.js';
import type { Footer } from './footer.js';
import { ThriftReader, ThriftType } from './thrift-read.js';
import { parseThriftStruct, type ThriftStruct } from './thrift-tree.js';

/** Byte range [start, end) within the footer bytes. */
type Span = readonly [number, number];

export class RawFooter {
  private groups: readonly Span[] | undefined;
  private readonly columns = new Map<number, readonly Span[]>();

  constructor(
    /** The FileMetaData bytes. */
    readonly bytes: Uint8Array,
    /** The file offset of bytes[0]. */
    readonly offset: number,
  ) {}

  /** Row groups in the footer. */
  get rowGroupCount(): number {
    return this.rowGroupSpans().length;
  }

  /** The whole FileMetaData (every field parsed). */
  fileMetaData(): ThriftStruct {
    return parseThriftStruct(this.bytes, 'Parquet footer');
  }

  /** RowGroup g, whole. */
  rowGroup(g: number): ThriftStruct {
    const [start, end] = this.rowGroupSpans()[this.checkGroup(g)]!;
    return parseThriftStruct(this.bytes, `Parquet footer: row group ${g}`, start, end);
  }

  /** Column chunks in row group g. */
  columnCount(g: number): number {
    return this.columnSpans(g).length;
  }

  /** The stored bytes of the ColumnChunk of leaf `leaf` in row group g. */
  columnChunkBytes(g: number, leaf: number): Uint8Array {
    const spans = this.columnSpans(g);
    if (!Number.isInteger(leaf) || leaf < 0 || leaf >= spans.length) throw new RangeError(`row group ${g} has no column chunk ${leaf}`);
    return this.bytes.subarray(...spans[leaf]!);
  }

  /** The ColumnChunk of leaf `leaf` in row group g. */
  columnChunk(g: number, leaf: number): ThriftStruct {
    return parseThriftStruct(this.columnChunkBytes(g, leaf), `Parquet footer: row group ${g}, column chunk ${leaf}`);
  }

  private checkGroup(g: number): number {
    if (!Number.isInteger(g) || g < 0 || g >= this.rowGroupSpans().length) throw new RangeError(`the footer has no row group ${g}`);
    return g;
  }

  private rowGroupSpans(): readonly Span[] {
    this.groups ??= structSpans(this.bytes, 0, this.bytes.length, 4, 'Parquet footer');
    return this.groups;
  }

  private columnSpans(g: number): readonly Span[] {
    let spans = this.columns.get(this.checkGroup(g));
    if (!spans) {
      const [start, end] = this.rowGroupSpans()[g]!;
      spans = structSpans(this.bytes, start, end, 1, `Parquet footer: row group ${g}`);
      this.columns.set(g, spans);
    }
    return spans;
  }
}

/**
 * Where the elements of field `id` (a list of structs) of the struct at
 * bytes[start, end) lie; none when the struct has no such field.
 */
function structSpans(bytes: Uint8Array, start: number, end: number, id: number, what: string): Span[] {
  const r = new ThriftReader(bytes, start, end, what);
  const spans: Span[] = [];
  for (let previous = 0, type = r.field(0); type !== ThriftType.STOP; type = r.field(previous)) {
    previous = r.fieldId;
    if (previous !== id || type !== ThriftType.LIST) {
      r.skip(type, 1);
      continue;
    }
    const size = r.listHeader();
    if (r.elementType !== ThriftType.STRUCT) throw new CorruptParquet(`${what} has a list of type ${r.elementType} for field ${id}`);
    for (let k = 0; k < size; k++) {
      const at = r.pos;
      r.skipStruct(2);
      spans.push([at, r.pos]);
    }
  }
  return spans;
}

/** The RawFooter of the bytes `footer` was read from. */
export function rawFooterOf(footer: Footer): RawFooter {
  return new RawFooter(footer.index.bytes, footer.offset);
}
