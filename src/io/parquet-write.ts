/**
 * The Parquet writer: batches gathered into row groups of the rows the
 * options ask for, every page compressed with their codec, through
 * hyparquet-writer. Its ParquetWriter frames the file (magic, page indexes,
 * footer); the column chunks are written here with its writeColumn, from
 * levels computed by parquet-encode.ts, so that every layout the reader
 * reads (legacy 2-level lists, bare repeated fields, maps, structs) can be
 * written back with its exact schema elements.
 *
 * Leaves are encoded as physical values under a copy of their element with
 * the annotation removed (hyparquet-writer would otherwise convert values it
 * is given); the footer carries the real, annotated elements. Min/max
 * statistics are in each type's sort order (parquet-statistics.ts).
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
import { joinArrays, joinValidity } from './parquet-chunk-parts.js';
import { compressors, type WriteCodec } from './parquet-codecs.js';
import { encodeParts, type LeafPageData } from './parquet-encode.js';
import { type FlatChunk, writeFlatChunk } from './parquet-flat-chunk.js';
import { keyValueMetadata } from './parquet-arrow-schema.js';
import { listChunk, writeListChunk } from './parquet-list-chunk.js';
import { type FlatValues, isFlatType, isFlatValues } from './parquet-pages-out.js';
import { physicalValues } from './parquet-physical.js';
import { DEFAULT_ROW_GROUP_ROWS, RowGroupCutter } from './parquet-row-groups.js';
import { MinMax, sortOrder, writerOrders } from './parquet-statistics.js';
import { fileSchema, planWrite, type WriteColumn } from './parquet-write-plan.js';

const PAGE_SIZE = 1 << 20;
/** Longest min/max of a byte array in the footer: hyparquet-writer cuts longer ones and marks them inexact. */
const STATISTICS_BYTES = 64;

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
  const codec = options.compression ?? 'SNAPPY';
  const writer = new SinkWriter(sink);
  const parquet = new ParquetWriter({
    writer,
    schema: fileSchema(columns),
    codec,
    compressors,
    statisticsTruncateLength: STATISTICS_BYTES,
    createdBy: 'bn1d',
    kvMetadata: keyValueMetadata(schema, columns),
  });
  const groups = new RowGroupCutter(options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS);
  let finished = false;
  return {
    async write(batch) {
      if (finished) throw new Error('write after finish');
      for (const parts of groups.push(batch)) await writeRowGroup(parquet, columns, parts, writer, codec);
    },
    async finish() {
      if (finished) return;
      finished = true;
      const last = groups.finish();
      if (last) await writeRowGroup(parquet, columns, last, writer, codec);
      await parquet.finish();
    },
  };
}

/** Writes batches as one row group, handing each column chunk to the sink as soon as it is encoded. */
async function writeRowGroup(parquet: ParquetWriter, columns: readonly WriteColumn[], parts: readonly RecordBatch[], writer: SinkWriter, codec: WriteCodec): Promise<void> {
  for (const batch of parts) if (batch.numCols !== columns.length) throw new Error(`batch has ${batch.numCols} columns, the schema ${columns.length}`);
  const start = parquet.writer.offset;
  const chunks = [];
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c]!;
    const data = parts.map((batch) => batch.data.children[c]!);
    const flat = flatChunk(column, data);
    const list = flat ? undefined : listChunk(column, data);
    if (flat || list) {
      const result = flat ? writeFlatChunk(parquet.writer, flat, codec) : writeListChunk(parquet.writer, list!, codec);
      chunks.push(result.chunk);
      parquet.pendingIndexes.push(result);
      await writer.flush();
      continue;
    }
    const pages = encodeParts(column.node, data, column.name);
    for (let p = 0; p < pages.length; p++) {
      const result = writeLeaf(parquet, pages[p]!, column.leafPaths[p]!, column.name, codec);
      chunks.push(result.chunk);
      parquet.pendingIndexes.push(result);
    }
    await writer.flush();
  }
  let total = 0n;
  for (const chunk of chunks) total += chunk.meta_data?.total_uncompressed_size ?? 0n;
  const rows = BigInt(parts.reduce((n, batch) => n + batch.numRows, 0));
  parquet.num_rows += rows;
  parquet.row_groups.push({
    columns: chunks,
    total_byte_size: total,
    num_rows: rows,
    total_compressed_size: BigInt(parquet.writer.offset - start),
  });
}

/** A flat numeric column whose typed arrays can be written directly, or undefined. */
function flatChunk(column: WriteColumn, parts: readonly Data[]): FlatChunk | undefined {
  const { node } = column;
  if (node.kind !== 'leaf' || node.maxRep !== 0 || !isFlatType(node.element)) return undefined;
  const values = parts.map((data) => physicalValues(node.element, data, column.name));
  if (!values.every((v) => isFlatValues(node.element, v))) return undefined;
  const validity = joinValidity(parts.map((data) => ({ data, from: 0, length: data.length })));
  if (validity && !node.nullable) throw new DataError(`column "${column.name}" holds a null where its Parquet schema requires a value`);
  return { schemaPath: column.leafPaths[0]!, values: joinArrays(values as FlatValues[]), validity, order: sortOrder(node.element) };
}

function writeLeaf(parquet: ParquetWriter, page: LeafPageData, schemaPath: SchemaElement[], column: string, codec: WriteCodec) {
  const { leaf } = page;
  const original = leaf.element;
  const order = sortOrder(original);
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
    codec,
    compressors: parquet.compressors,
    stats: order !== undefined,
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
    const statistics = result.chunk.meta_data?.statistics;
    if (order && statistics && !writerOrders(order)) {
      const minMax = new MinMax(order);
      minMax.addDecoded(page.values);
      Object.assign(statistics, minMax.statistics());
    }
    return result;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`column "${column}": cannot write to Parquet: ${error instanceof Error ? error.message : String(error)}`);
  }
}
