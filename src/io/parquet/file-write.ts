/**
 * The frame of a Parquet file around its column chunks: the opening magic,
 * the row groups' footer entries as their chunks are written, and at the end
 * the page indexes (every ColumnIndex, then every OffsetIndex, each chunk's
 * entry pointing at its own), the footer, its length and the closing magic.
 */
import type { KeyValue, OffsetIndex, SchemaElement } from 'hyparquet';
import { type ColumnChunkOut, MAGIC, type RowGroupOut, writeFooter } from './footer-write.js';
import { type ColumnIndexOut, writeColumnIndex, writeOffsetIndex } from './page-header-write.js';
import type { Writer } from './thrift-write.js';

/** A written column chunk: its footer entry and its page indexes, if any. */
export interface ChunkOut {
  chunk: ColumnChunkOut;
  offsetIndex?: OffsetIndex | undefined;
  columnIndex?: ColumnIndexOut | undefined;
}

export interface FileOptions {
  createdBy: string;
  keyValueMetadata?: readonly KeyValue[] | undefined;
}

/** Frames a file written to `out` with `schema` (root first); column chunks are written to `out` in between. */
export class ParquetFrame {
  private readonly groups: RowGroupOut[] = [];
  private readonly chunks: ChunkOut[] = [];
  private rows = 0n;

  constructor(
    private readonly out: Writer,
    private readonly schema: readonly SchemaElement[],
    private readonly options: FileOptions,
  ) {
    out.appendBytes(MAGIC);
  }

  /** Adds the row group of `rows` rows whose chunks (in leaf order) were written from file offset `start`. */
  rowGroup(chunks: readonly ChunkOut[], rows: number, start: number): void {
    let uncompressed = 0n;
    for (const { chunk } of chunks) uncompressed += chunk.meta_data.total_uncompressed_size;
    this.groups.push({
      columns: chunks.map(({ chunk }) => chunk),
      total_byte_size: uncompressed,
      num_rows: BigInt(rows),
      file_offset: BigInt(start),
      total_compressed_size: BigInt(this.out.offset - start),
    });
    this.chunks.push(...chunks);
    this.rows += BigInt(rows);
  }

  /** Writes the page indexes and the footer. */
  finish(): void {
    const { out } = this;
    for (const { chunk, columnIndex } of this.chunks) {
      if (!columnIndex) continue;
      const at = out.offset;
      writeColumnIndex(out, columnIndex);
      chunk.column_index_offset = BigInt(at);
      chunk.column_index_length = out.offset - at;
    }
    for (const { chunk, offsetIndex } of this.chunks) {
      if (!offsetIndex) continue;
      const at = out.offset;
      writeOffsetIndex(out, offsetIndex);
      chunk.offset_index_offset = BigInt(at);
      chunk.offset_index_length = out.offset - at;
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
