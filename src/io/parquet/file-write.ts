/**
 * The frame of a Parquet file around its column chunks: the opening magic,
 * the row groups' footer entries as their chunks are written, and at the end
 * the page indexes (every ColumnIndex, then every OffsetIndex, each chunk's
 * entry pointing at its own), the footer, its length and the closing magic.
 *
 * A row group may hold chunks copied from another file (chunk-copy.ts) next
 * to encoded ones: their footer entry is the input's ColumnChunk struct with
 * its offsets moved, their ColumnIndex is written as the input stores it and
 * their OffsetIndex with its page offsets moved. Their bloom filters follow
 * the row group's chunks.
 */
import type { KeyValue, OffsetIndex, SchemaElement } from 'hyparquet';
import { CHUNK, META } from './footer-fields.js';
import { type ColumnChunkEntry, type ColumnChunkOut, MAGIC, type RowGroupOut, writeFooter } from './footer-write.js';
import { type ColumnIndexOut, writeColumnIndex, writeOffsetIndex } from './page-header-write.js';
import { ThriftType } from './thrift-read.js';
import type { ThriftStruct } from './thrift-tree.js';
import { writeThriftStruct } from './thrift-tree-write.js';
import type { Writer } from './thrift-write.js';

/** A written column chunk: its footer entry and its page indexes, if any. */
export interface ChunkOut {
  chunk: ColumnChunkOut;
  offsetIndex?: OffsetIndex | undefined;
  columnIndex?: ColumnIndexOut | undefined;
}

/** A column chunk copied from another file (chunk-copy.ts). */
export interface CopiedChunkOut {
  /** Its ColumnChunk for the footer, offsets moved; the frame sets where its page indexes and bloom filter are. */
  readonly copied: ThriftStruct;
  readonly totalUncompressedSize: bigint;
  /** The ColumnIndex as the input stores it. */
  readonly columnIndex?: Uint8Array | undefined;
  /** The OffsetIndex, page offsets moved with the chunk. */
  readonly offsetIndex?: ThriftStruct | undefined;
  /** The bloom filter (header and bitset) as the input stores it. */
  readonly bloomFilter?: Uint8Array | undefined;
}

/** A chunk of a row group: encoded here, or copied. */
export type FrameChunk = ChunkOut | CopiedChunkOut;

export interface FileOptions {
  createdBy: string;
  keyValueMetadata?: readonly KeyValue[] | undefined;
}

/** Frames a file written to `out` with `schema` (root first); column chunks are written to `out` in between. */
export class ParquetFrame {
  private readonly groups: RowGroupOut<ColumnChunkEntry>[] = [];
  private readonly chunks: FrameChunk[] = [];
  private rows = 0n;

  constructor(
    private readonly out: Writer,
    private readonly schema: readonly SchemaElement[],
    private readonly options: FileOptions,
  ) {
    out.appendBytes(MAGIC);
  }

  /**
   * Adds the row group of `rows` rows whose chunks (in leaf order) were
   * written from file offset `start`, then writes the bloom filters of its
   * copied chunks.
   */
  rowGroup(chunks: readonly FrameChunk[], rows: number, start: number): void {
    let uncompressed = 0n;
    for (const chunk of chunks) uncompressed += 'copied' in chunk ? chunk.totalUncompressedSize : chunk.chunk.meta_data.total_uncompressed_size;
    this.groups.push({
      columns: chunks.map((chunk) => ('copied' in chunk ? chunk.copied : chunk.chunk)),
      total_byte_size: uncompressed,
      num_rows: BigInt(rows),
      file_offset: BigInt(start),
      total_compressed_size: BigInt(this.out.offset - start),
    });
    this.chunks.push(...chunks);
    this.rows += BigInt(rows);
    for (const chunk of chunks) {
      if (!('copied' in chunk) || !chunk.bloomFilter) continue;
      chunk.copied.struct(CHUNK.META_DATA)!.set(META.BLOOM_FILTER_OFFSET, ThriftType.I64, BigInt(this.out.offset));
      this.out.appendBytes(chunk.bloomFilter);
    }
  }

  /** Writes the page indexes and the footer. */
  finish(): void {
    const { out } = this;
    for (const chunk of this.chunks) {
      if (!chunk.columnIndex) continue;
      const at = out.offset;
      if ('copied' in chunk) {
        out.appendBytes(chunk.columnIndex);
        placeIndex(chunk.copied, CHUNK.COLUMN_INDEX_OFFSET, at, out.offset);
      } else {
        writeColumnIndex(out, chunk.columnIndex);
        chunk.chunk.column_index_offset = BigInt(at);
        chunk.chunk.column_index_length = out.offset - at;
      }
    }
    for (const chunk of this.chunks) {
      if (!chunk.offsetIndex) continue;
      const at = out.offset;
      if ('copied' in chunk) {
        writeThriftStruct(out, chunk.offsetIndex);
        placeIndex(chunk.copied, CHUNK.OFFSET_INDEX_OFFSET, at, out.offset);
      } else {
        writeOffsetIndex(out, chunk.offsetIndex);
        chunk.chunk.offset_index_offset = BigInt(at);
        chunk.chunk.offset_index_length = out.offset - at;
      }
    }
    writeFooter(out, {
      version: 2,
      schema: this.schema,
      num_rows: this.rows,
      row_groups: this.groups,
      key_value_metadata: this.options.keyValueMetadata,
      created_by: this.options.createdBy,
    });
  }
}

/** Points a copied ColumnChunk at its page index [from, to): field `id` (offset) and the next (length). */
function placeIndex(column: ThriftStruct, id: number, from: number, to: number): void {
  column.set(id, ThriftType.I64, BigInt(from));
  column.set(id + 1, ThriftType.I32, to - from);
}
