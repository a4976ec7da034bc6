/**
 * The Parquet footer (FileMetaData) in Thrift's compact protocol, field by
 * field as parquet.thrift numbers them: the schema elements (converted and
 * logical types, field ids), the row groups with each column chunk's
 * metadata (encodings, offsets, statistics, page encoding counts, where its
 * page indexes are), the key-value metadata, created_by and the column
 * orders. Statistics arrive as the bytes the footer stores. A column chunk
 * copied from another file is its stored struct (thrift-tree.ts).
 */
import type { CompressionCodec, Encoding, KeyValue, LogicalType, PageType, ParquetType, SchemaElement } from 'hyparquet';
import { enumCode } from './footer-fields.js';
import { ThriftStruct } from './thrift-tree.js';
import { writeThriftStruct } from './thrift-tree-write.js';
import { CompactType, CompactWriter, type Writer } from './thrift-write.js';

/** A column chunk's statistics, min and max already encoded (PLAIN, without a length prefix). */
export interface StatisticsOut {
  null_count?: bigint | undefined;
  distinct_count?: bigint | undefined;
  max_value?: Uint8Array | undefined;
  min_value?: Uint8Array | undefined;
  is_max_value_exact?: boolean | undefined;
  is_min_value_exact?: boolean | undefined;
  nan_count?: bigint | undefined;
}

/** How many pages of one type have one encoding. */
export interface EncodingCount {
  page_type: PageType;
  encoding: Encoding;
  count: number;
}

export interface ColumnMetaDataOut {
  type: ParquetType;
  encodings: Encoding[];
  path_in_schema: string[];
  codec: CompressionCodec;
  num_values: bigint;
  total_uncompressed_size: bigint;
  total_compressed_size: bigint;
  key_value_metadata?: KeyValue[] | undefined;
  data_page_offset: bigint;
  dictionary_page_offset?: bigint | undefined;
  statistics?: StatisticsOut | undefined;
  encoding_stats?: EncodingCount[] | undefined;
}

export interface ColumnChunkOut {
  file_offset: bigint;
  meta_data: ColumnMetaDataOut;
  offset_index_offset?: bigint | undefined;
  offset_index_length?: number | undefined;
  column_index_offset?: bigint | undefined;
  column_index_length?: number | undefined;
}

/** A column chunk's footer entry written as it is (HeldChunks), its stop byte included. */
export interface EncodedChunk {
  writeTo(out: Writer): void;
}

/** A column chunk's footer entry: written field by field, the stored struct of a chunk copied from another file, or encoded already. */
export type ColumnChunkEntry = ColumnChunkOut | ThriftStruct | EncodedChunk;

export interface RowGroupOut<C extends ColumnChunkEntry = ColumnChunkOut> {
  columns: C[];
  total_byte_size: bigint;
  num_rows: bigint;
  file_offset?: bigint | undefined;
  total_compressed_size?: bigint | undefined;
  ordinal?: number | undefined;
}

export interface FileMetaDataOut<C extends ColumnChunkEntry = ColumnChunkOut> {
  version: number;
  schema: readonly SchemaElement[];
  num_rows: bigint;
  row_groups: readonly RowGroupOut<C>[];
  key_value_metadata?: readonly KeyValue[] | undefined;
  created_by?: string | undefined;
}

const { I32, BINARY, STRUCT } = CompactType;

/** Appends the footer: FileMetaData, its 4-byte length and the closing magic. */
export function writeFooter(out: Writer, metadata: FileMetaDataOut<ColumnChunkEntry>): void {
  const start = out.offset;
  writeFileMetaData(new CompactWriter(out), metadata);
  out.appendUint32(out.offset - start);
  out.appendBytes(MAGIC);
}

/** "PAR1", which opens and closes every Parquet file. */
export const MAGIC = Uint8Array.of(0x50, 0x41, 0x52, 0x31);

export function writeFileMetaData(w: CompactWriter, metadata: FileMetaDataOut<ColumnChunkEntry>): void {
  w.message(() => {
    w.i32(1, metadata.version);
    w.list(2, STRUCT, metadata.schema, (element) => w.element.struct(() => schemaElement(w, element)));
    w.i64(3, metadata.num_rows);
    w.list(4, STRUCT, metadata.row_groups, (group) => w.element.struct(() => rowGroup(w, group)));
    w.list(5, STRUCT, metadata.key_value_metadata, (kv) => w.element.struct(() => keyValue(w, kv)));
    w.binary(6, metadata.created_by);
    // Every leaf's min and max are in the order its type defines (ColumnOrder TYPE_ORDER).
    const leaves = metadata.schema.filter((element) => element.type !== undefined);
    w.list(7, STRUCT, leaves, () => w.element.struct(() => w.struct(1, () => {})));
  });
}

function schemaElement(w: CompactWriter, element: SchemaElement): void {
  w.i32(1, enumCode('type', element.type));
  w.i32(2, element.type_length);
  w.i32(3, enumCode('repetition', element.repetition_type));
  w.binary(4, element.name);
  w.i32(5, element.num_children);
  w.i32(6, enumCode('converted', element.converted_type));
  w.i32(7, element.scale);
  w.i32(8, element.precision);
  w.i32(9, element.field_id);
  if (element.logical_type) w.struct(10, logicalType(w, element.logical_type));
}

/**
 * The writer of the LogicalType union's one field, numbered by the
 * annotation; undefined for one the format cannot hold (INTERVAL has no
 * logical type; one a newer writer added and the reader did not know).
 */
function logicalType(w: CompactWriter, logical: LogicalType): (() => void) | undefined {
  const empty = (id: number) => () => w.struct(id, () => {});
  const timeUnit = (unit: string) => w.struct(2, empty(unit === 'MILLIS' ? 1 : unit === 'MICROS' ? 2 : 3));
  switch (logical.type) {
    case 'STRING': return empty(1);
    case 'MAP': return empty(2);
    case 'LIST': return empty(3);
    case 'ENUM': return empty(4);
    case 'DECIMAL': return () => w.struct(5, () => (w.i32(1, logical.scale), w.i32(2, logical.precision)));
    case 'DATE': return empty(6);
    case 'TIME': return () => w.struct(7, () => (w.bool(1, logical.isAdjustedToUTC), timeUnit(logical.unit)));
    case 'TIMESTAMP': return () => w.struct(8, () => (w.bool(1, logical.isAdjustedToUTC), timeUnit(logical.unit)));
    case 'INTEGER': return () => w.struct(10, () => (w.i8(1, logical.bitWidth), w.bool(2, logical.isSigned)));
    case 'NULL': return empty(11);
    case 'JSON': return empty(12);
    case 'BSON': return empty(13);
    case 'UUID': return empty(14);
    case 'FLOAT16': return empty(15);
    case 'VARIANT': return () => w.struct(16, () => w.i8(1, logical.specification_version));
    case 'GEOMETRY': return () => w.struct(17, () => w.binary(1, logical.crs));
    case 'GEOGRAPHY': return () => w.struct(18, () => (w.binary(1, logical.crs), w.i32(2, enumCode('edges', logical.algorithm))));
    default: return undefined;
  }
}

function keyValue(w: CompactWriter, kv: KeyValue): void {
  w.binary(1, kv.key);
  w.binary(2, kv.value);
}

function rowGroup(w: CompactWriter, group: RowGroupOut<ColumnChunkEntry>): void {
  w.list(1, STRUCT, group.columns, (chunk) =>
    chunk instanceof ThriftStruct ? writeThriftStruct(w.out, chunk) : 'writeTo' in chunk ? chunk.writeTo(w.out) : w.element.struct(() => columnChunk(w, chunk)),
  );
  w.i64(2, group.total_byte_size);
  w.i64(3, group.num_rows);
  w.i64(5, group.file_offset);
  w.i64(6, group.total_compressed_size);
  w.i16(7, group.ordinal);
}

function columnChunk(w: CompactWriter, chunk: ColumnChunkOut): void {
  columnChunkHead(w, chunk);
  w.i64(4, chunk.offset_index_offset);
  w.i32(5, chunk.offset_index_length);
  w.i64(6, chunk.column_index_offset);
  w.i32(7, chunk.column_index_length);
}

/** The fields of a ColumnChunk before those of its page indexes: file_offset and meta_data (the last, 3). */
export function columnChunkHead(w: CompactWriter, chunk: ColumnChunkOut): void {
  w.i64(2, chunk.file_offset);
  w.struct(3, () => columnMetaData(w, chunk.meta_data));
}

function columnMetaData(w: CompactWriter, meta: ColumnMetaDataOut): void {
  w.i32(1, enumCode('type', meta.type));
  w.list(2, I32, meta.encodings, (encoding) => w.element.i32(enumCode('encoding', encoding)));
  w.list(3, BINARY, meta.path_in_schema, (name) => w.element.binary(name));
  w.i32(4, enumCode('codec', meta.codec));
  w.i64(5, meta.num_values);
  w.i64(6, meta.total_uncompressed_size);
  w.i64(7, meta.total_compressed_size);
  w.list(8, STRUCT, meta.key_value_metadata, (kv) => w.element.struct(() => keyValue(w, kv)));
  w.i64(9, meta.data_page_offset);
  w.i64(11, meta.dictionary_page_offset);
  const stats = meta.statistics;
  if (stats) w.struct(12, () => statistics(w, stats));
  w.list(13, STRUCT, meta.encoding_stats, (count) =>
    w.element.struct(() => {
      w.i32(1, enumCode('pageType', count.page_type));
      w.i32(2, enumCode('encoding', count.encoding));
      w.i32(3, count.count);
    }),
  );
}

/** Statistics (also those of a page header). */
export function statistics(w: CompactWriter, stats: StatisticsOut): void {
  w.i64(3, stats.null_count);
  w.i64(4, stats.distinct_count);
  w.binary(5, stats.max_value);
  w.binary(6, stats.min_value);
  w.bool(7, stats.is_max_value_exact);
  w.bool(8, stats.is_min_value_exact);
  w.i64(9, stats.nan_count);
}
