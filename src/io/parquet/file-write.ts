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
import { type ColumnChunkOut, MAGIC, type RowGroupOut, writeFooter } from './footer-write.js';
import { HeldChunks } from './held-chunks.js';
import type { ColumnIndexOut } from './page-header-write.js';
import { ThriftType } from './thrift-read.js';
import type { ThriftStruct } from './thrift-tree.js';
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
  /** Each row group's numbers, and how many chunks it has. */
  private readonly groups: (Omit<RowGroupOut, 'columns'> & { count: number })[] = [];
  private readonly chunks = new HeldChunks();
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
      count: chunks.length,
      total_byte_size: uncompressed,
      num_rows: BigInt(rows),
      file_offset: BigInt(start),
      total_compressed_size: BigInt(this.out.offset - start),
    });
    this.rows += BigInt(rows);
    for (const chunk of chunks) {
      if (!('copied' in chunk) || !chunk.bloomFilter) continue;
      chunk.copied.struct(CHUNK.META_DATA)!.set(META.BLOOM_FILTER_OFFSET, ThriftType.I64, BigInt(this.out.offset));
      this.out.appendBytes(chunk.bloomFilter);
    }
    // Held encoded from here on (held-chunks.ts): the chunks' objects are not kept.
    for (const chunk of chunks) this.chunks.add(chunk);
  }

  /** Writes the page indexes and the footer. */
  finish(): void {
    const entries = this.chunks.writeIndexes(this.out);
    let next = 0;
    const groups = this.groups.map(({ count, ...group }) => ({ ...group, columns: entries.slice(next, (next += count)) }));
    writeFooter(this.out, {
      version: 2,
      schema: this.schema,
      num_rows: this.rows,
      row_groups: groups,
      key_value_metadata: this.options.keyValueMetadata,
      created_by: this.options.createdBy,
    });
  }
}
