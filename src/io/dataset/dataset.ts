/**
 * The contracts between readers, the pipeline and writers. Every reader
 * yields Apache Arrow record batches, whatever the file format, and every
 * writer consumes them: Arrow is the one in-memory shape of table data.
 */
import type { Data, RecordBatch, Schema } from 'apache-arrow';
import type { CompressionCodec, SchemaElement } from 'hyparquet';
import type { WriteCodec } from '../parquet/codecs.js';
import type { RowGroupRows } from '../parquet/row-groups.js';
import type { SourceChunk } from '../parquet/chunk-source.js';
import type { ColumnPart } from '../parquet/write.js';

/** File formats: Parquet, Arrow IPC file, Arrow IPC stream. */
export type DataFormat = 'parquet' | 'arrow' | 'arrows';

/** An opened input. */
export interface DatasetReader {
  /** The input as the user named it (a path, or "stdin"), for messages. */
  readonly name: string;
  readonly format: DataFormat;
  /** Every column of the input, in file order. */
  readonly schema: Schema;
  /** Rows in the input when the file says so up front (Parquet footer, Arrow file), else undefined. */
  readonly numRows: number | undefined;
  /**
   * For Parquet input: the schema elements of each top-level column (the
   * column's element first, then its descendants in file order), so that a
   * Parquet writer can reproduce passthrough columns with their exact types.
   */
  readonly parquetColumns?: ReadonlyMap<string, readonly SchemaElement[]> | undefined;
  /** What the user should know about the input that does not stop it being read (one line each, named after it). */
  readonly warnings?: readonly string[] | undefined;
  /** For Parquet input: how it is laid out, which a Parquet output follows unless told otherwise. */
  readonly parquetLayout?: ParquetLayout | undefined;
  /**
   * The rows as record batches, in file order, read one at a time (never the
   * whole file at once). With `columns`, the batches hold only those columns,
   * in schema order (see projection.ts), and columns left out are not decoded.
   */
  batches(columns?: readonly string[]): AsyncIterable<RecordBatch>;
  /**
   * Random access, where the format allows it (Parquet row groups, Arrow IPC
   * file record batches; not streams): the number of chunks, and chunk
   * `index` (in file order) projected to `columns` like batches().
   */
  readonly chunkCount?: number | undefined;
  /** Arrow IPC files: the largest record batch body, in bytes. */
  readonly largestChunkBytes?: number | undefined;
  readChunk?(index: number, columns?: readonly string[]): Promise<RecordBatch>;
  /** Random access: rows of each chunk, from the footer or the batches' metadata (no data is read). */
  chunkRows?(): Promise<readonly number[]>;
  /**
   * Parquet: column `column` of chunk `index` page by page, as pieces of
   * whole rows whose concatenation is readChunk's column. With `recycle`,
   * the caller keeps no view of a piece's arrays once it asks for the next
   * piece, and the reader may read the next ones into them.
   */
  columnPieces?(index: number, column: string, options?: { recycle?: boolean | (() => boolean) }): AsyncIterable<Data>;
  /** Parquet: a hint that columnPieces(index, column) comes next, so that its first bytes can be read meanwhile. */
  prefetchColumn?(index: number, column: string): void;
  /**
   * Parquet: non-empty row group `index`'s chunks of column `c` (a schema
   * index) as they are stored, to be copied without decoding; undefined
   * when a chunk is not compressed with `codec` (when given). Their bytes
   * are valid until the next call: they are read into the same buffers.
   */
  storedChunks?(index: number, c: number, codec?: CompressionCodec): Promise<readonly SourceChunk[] | undefined>;
  /** Parquet: whether column `c`'s stored chunks fit an output column with these leaves (root-to-leaf schema elements). */
  canStore?(c: number, outputLeafPaths: readonly (readonly SchemaElement[])[]): boolean;
  /** Releases the file; safe to call twice. */
  close(): Promise<void>;
}

/** The layout of a Parquet input. */
export interface ParquetLayout {
  /** The codec most of its column chunks use. */
  readonly codec: CompressionCodec;
  /** Rows of each row group that has any, in file order (the batches batches() yields). */
  readonly rowGroupRows: readonly number[];
}

/** Where a writer's bytes go: a file being written, or stdout. */
export interface ByteSink {
  /**
   * Resolves when the bytes are accepted (waits while the destination is
   * busy): written or copied, so that the caller may change them afterwards.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Flushes everything written; the sink takes no more bytes. */
  end(): Promise<void>;
}

/** A table being written: batches in, a complete file out when finished. */
export interface DatasetWriter {
  write(batch: RecordBatch): Promise<void>;
  /**
   * Parquet only: writes one row group of `rows` rows column by column, in
   * schema order, asking `columnAt(c)` for column c (its Data, whose parts
   * together hold the row group's rows, or its chunks encoded elsewhere)
   * only once the previous column is written. Not to be mixed with write() inside a row group.
   */
  writeColumns?(rows: number, columnAt: (c: number) => Promise<ColumnPart>): Promise<void>;
  /** Parquet only: the root-to-leaf schema elements of column c's leaves, as written. */
  parquetLeafPaths?(c: number): readonly (readonly SchemaElement[])[];
  /** Writes what closes the file (footer, end-of-stream marker) and ends the sink. */
  finish(): Promise<void>;
}

/** Options every writer takes. */
export interface WriterOptions {
  /** DatasetReader.parquetColumns of the input: a Parquet writer keeps those columns' exact types. */
  parquetColumns?: ReadonlyMap<string, readonly SchemaElement[]> | undefined;
  /** Codec of every page a Parquet writer writes (default SNAPPY). */
  compression?: WriteCodec | undefined;
  /** Rows of a Parquet writer's row groups, whatever the batches (default DEFAULT_ROW_GROUP_ROWS). */
  rowGroupRows?: RowGroupRows | undefined;
}
