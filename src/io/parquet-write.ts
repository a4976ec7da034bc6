/**
 * The Parquet writer: one SNAPPY-compressed row group per non-empty batch,
 * through hyparquet-writer. Its ParquetWriter frames the file (magic, page
 * indexes, footer); the column chunks are written here with its
 * writeColumn, from levels computed by parquet-encode.ts, so that every
 * layout the reader reads (legacy 2-level lists, bare repeated fields, maps,
 * structs) can be written back with its exact schema elements.
 *
 * Leaves are encoded as physical values under a copy of their element with
 * the annotation removed (hyparquet-writer would otherwise convert values it
 * is given); the footer carries the real, annotated elements. Min/max
 * statistics are written only where the physical order is the logical one.
 * The footer's key-value metadata is the schema's metadata and its
 * ARROW:schema (parquet-arrow-schema.ts).
 */
import type { Data, RecordBatch, Schema } from 'apache-arrow';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnEncoder } from 'hyparquet-writer/src/types.js';
import { writeColumn } from 'hyparquet-writer/src/column.js';
import { DataError } from '../core/errors.js';
import type { ByteSink, DatasetWriter, WriterOptions } from './dataset.js';
import { encodeColumn, type LeafPageData } from './parquet-encode.js';
import { type FlatChunk, writeFlatChunk } from './parquet-flat-chunk.js';
import { keyValueMetadata } from './parquet-arrow-schema.js';
import { listChunk, writeListChunk } from './parquet-list-chunk.js';
import { isFlatType, isFlatValues } from './parquet-pages-out.js';
import { physicalValues } from './parquet-physical.js';
import { annotationOf } from './parquet-types.js';
import { fileSchema, planWrite, type WriteColumn } from './parquet-write-plan.js';

const PAGE_SIZE = 1 << 20;

/** A ByteWriter that hands what it holds to a ByteSink at every flush. */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: ByteSink) {
    super(1 << 16);
  }

  async flush(): Promise<void> {
    if (!this.index) return;
    // Hand the buffer over and start a new one, so the sink may keep it.
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    this.buffer = new ArrayBuffer(Math.max(1 << 16, this.buffer.byteLength));
    this.view = new DataView(this.buffer);
    this.index = 0;
    await this.sink.write(bytes);
  }

  override async finish(): Promise<void> {
    await this.flush();
    await this.sink.end();
  }
}

/** A writer of Parquet to `sink` for batches of `schema`. */
export function createParquetWriter(sink: ByteSink, schema: Schema, options: WriterOptions = {}): DatasetWriter {
  const columns = planWrite(schema, options.parquetColumns);
  const writer = new SinkWriter(sink);
  const parquet = new ParquetWriter({ writer, schema: fileSchema(columns), codec: 'SNAPPY', createdBy: 'bn1d', kvMetadata: keyValueMetadata(schema, columns) });
  let finished = false;
  return {
    async write(batch) {
      if (finished) throw new Error('write after finish');
      if (batch.numRows === 0) return;
      await writeRowGroup(parquet, columns, batch, writer);
    },
    async finish() {
      if (finished) return;
      finished = true;
      await parquet.finish();
    },
  };
}

/** Writes a batch as one row group, handing each column chunk to the sink as soon as it is encoded. */
async function writeRowGroup(parquet: ParquetWriter, columns: readonly WriteColumn[], batch: RecordBatch, writer: SinkWriter): Promise<void> {
  if (batch.numCols !== columns.length) throw new Error(`batch has ${batch.numCols} columns, the schema ${columns.length}`);
  const start = parquet.writer.offset;
  const chunks = [];
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c]!;
    const data = batch.data.children[c]!;
    const flat = flatChunk(column, data);
    const list = flat ? undefined : listChunk(column, data, column.node.kind === 'list' && statisticsHold(column.node.item.element));
    if (flat || list) {
      const result = flat ? writeFlatChunk(parquet.writer, flat) : writeListChunk(parquet.writer, list!);
      chunks.push(result.chunk);
      parquet.pendingIndexes.push(result);
      await writer.flush();
      continue;
    }
    const pages = encodeColumn(column.node, data, column.name);
    for (let p = 0; p < pages.length; p++) {
      const result = writeLeaf(parquet, pages[p]!, column.leafPaths[p]!, column.name);
      chunks.push(result.chunk);
      parquet.pendingIndexes.push(result);
    }
    await writer.flush();
  }
  let total = 0n;
  for (const chunk of chunks) total += chunk.meta_data?.total_uncompressed_size ?? 0n;
  const rows = BigInt(batch.numRows);
  parquet.num_rows += rows;
  parquet.row_groups.push({
    columns: chunks,
    total_byte_size: total,
    num_rows: rows,
    total_compressed_size: BigInt(parquet.writer.offset - start),
  });
}

/** A flat numeric column whose typed array can be written directly, or undefined. */
function flatChunk(column: WriteColumn, data: Data): FlatChunk | undefined {
  const { node } = column;
  if (node.kind !== 'leaf' || node.maxRep !== 0 || !isFlatType(node.element)) return undefined;
  const values = physicalValues(node.element, data, column.name);
  if (!isFlatValues(node.element, values)) return undefined;
  const nulls = data.nullBitmap && data.nullCount > 0 ? data.nullCount : 0;
  if (nulls && !node.nullable) throw new DataError(`column "${column.name}" holds a null where its Parquet schema requires a value`);
  return {
    schemaPath: column.leafPaths[0]!,
    values,
    validity: nulls ? { bitmap: data.nullBitmap!, offset: data.offset } : undefined,
    statistics: statisticsHold(node.element),
  };
}

function writeLeaf(parquet: ParquetWriter, page: LeafPageData, schemaPath: SchemaElement[], column: string) {
  const { leaf } = page;
  const original = leaf.element;
  const int96 = original.type === 'INT96';
  // INT96 is written as the identical FIXED_LEN_BYTE_ARRAY(12) bytes, then labelled INT96.
  const element: SchemaElement = {
    name: original.name,
    repetition_type: leaf.def ? 'OPTIONAL' : 'REQUIRED',
    type: int96 ? 'FIXED_LEN_BYTE_ARRAY' : original.type!,
    type_length: int96 ? 12 : original.type_length,
  };
  const encoder: ColumnEncoder = {
    columnName: schemaPath.slice(1).map((e) => e.name).join('.'),
    element,
    schemaPath,
    codec: 'SNAPPY',
    compressors: parquet.compressors,
    stats: statisticsHold(original),
    pageSize: PAGE_SIZE,
    columnIndex: false,
    offsetIndex: true,
    // Dictionaries key numbers by SameValueZero, which would merge -0 into 0.
    ...(original.type === 'FLOAT' || original.type === 'DOUBLE' ? { encoding: 'PLAIN' as const } : {}),
  };
  try {
    const result = writeColumn({
      writer: parquet.writer,
      column: encoder,
      pageData: { ...page, maxDefinitionLevel: leaf.def },
    });
    if (int96 && result.chunk.meta_data) result.chunk.meta_data.type = 'INT96';
    return result;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`column "${column}": cannot write to Parquet: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Whether min/max computed on physical values are valid for the element's logical sort order. */
function statisticsHold(element: SchemaElement): boolean {
  const annotation = annotationOf(element);
  const logical = element.logical_type;
  switch (element.type) {
    case 'BOOLEAN':
    case 'FLOAT':
    case 'DOUBLE':
      return true;
    case 'INT32':
    case 'INT64':
      if (logical?.type === 'INTEGER') return logical.isSigned;
      return annotation === undefined || ['INT_8', 'INT_16', 'INT_32', 'INT_64', 'DATE', 'TIME', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS'].includes(annotation);
    case 'BYTE_ARRAY':
      return annotation === undefined || ['STRING', 'UTF8', 'ENUM', 'JSON', 'BSON'].includes(annotation);
    case 'FIXED_LEN_BYTE_ARRAY':
      return annotation === undefined || annotation === 'UUID';
    default:
      return false;
  }
}
