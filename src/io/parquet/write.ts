/**
 * The Parquet writer: batches gathered into row groups of the rows the
 * options ask for, every page compressed with their codec. The column chunks
 * are written from levels computed by encode.ts (numbers straight
 * from typed arrays where they can be), so that every layout the reader
 * reads (legacy 2-level lists, bare repeated fields, maps, structs) can be
 * written back with its exact schema elements; file-write.ts frames
 * the file around them (magic, page indexes, footer).
 *
 * Min/max statistics are in each type's sort order (statistics.ts).
 * The footer's key-value metadata is the schema's metadata and its
 * ARROW:schema (arrow-schema.ts).
 */
import type { Data, RecordBatch, Schema } from 'apache-arrow';
import { ByteWriter } from 'hyparquet-writer';
import { DataError } from '../../core/errors.js';
import type { ByteSink, DatasetWriter, WriterOptions } from '../dataset/dataset.js';
import { joinArrays, joinValidity } from './chunk-parts.js';
import type { WriteCodec } from './codecs.js';
import { writeColumnChunk } from './column-write.js';
import { encodeParts, type LeafPageData } from './encode.js';
import { type ChunkOut, ParquetFrame } from './file-write.js';
import { type FlatChunk, writeFlatChunk } from './flat-chunk.js';
import { keyValueMetadata } from './arrow-schema.js';
import { listChunk, writeListChunk } from './list-chunk.js';
import { type FlatValues, isFlatType, isFlatValues } from './pages-out.js';
import { physicalValues } from './physical.js';
import { DEFAULT_ROW_GROUP_ROWS, RowGroupCutter } from './row-groups.js';
import { sortOrder } from './statistics.js';
import { fileSchema, planWrite, type WriteColumn } from './write-plan.js';

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
  const frame = new ParquetFrame(writer, fileSchema(columns), { createdBy: 'bn1d', keyValueMetadata: keyValueMetadata(schema, columns) });
  const groups = new RowGroupCutter(options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS);
  let finished = false;
  return {
    async write(batch) {
      if (finished) throw new Error('write after finish');
      for (const parts of groups.push(batch)) await writeRowGroup(frame, columns, parts, writer, codec);
    },
    async writeColumns(rows, columnAt) {
      if (finished) throw new Error('write after finish');
      if (groups.pending) throw new Error('writeColumns with rows of write() pending');
      await writeColumnGroup(frame, columns, rows, writer, codec, columnAt);
    },
    async finish() {
      if (finished) return;
      finished = true;
      const last = groups.finish();
      if (last) await writeRowGroup(frame, columns, last, writer, codec);
      frame.finish();
      await writer.finish();
    },
  };
}

/** Writes batches as one row group, handing each column chunk to the sink as soon as it is encoded. */
async function writeRowGroup(frame: ParquetFrame, columns: readonly WriteColumn[], parts: readonly RecordBatch[], writer: SinkWriter, codec: WriteCodec): Promise<void> {
  for (const batch of parts) if (batch.numCols !== columns.length) throw new Error(`batch has ${batch.numCols} columns, the schema ${columns.length}`);
  const rows = parts.reduce((n, batch) => n + batch.numRows, 0);
  await writeColumnGroup(frame, columns, rows, writer, codec, async (c) => parts.map((batch) => batch.data.children[c]!));
}

/** Writes one row group of `rows` rows column by column: each column's Data is asked for, encoded and handed to the sink before the next. */
async function writeColumnGroup(
  frame: ParquetFrame, columns: readonly WriteColumn[], rows: number, writer: SinkWriter, codec: WriteCodec, columnAt: (c: number) => Promise<readonly Data[]>,
): Promise<void> {
  const start = writer.offset;
  const chunks: ChunkOut[] = [];
  for (let c = 0; c < columns.length; c++) {
    const data = await columnAt(c);
    if (data.reduce((n, d) => n + d.length, 0) !== rows) throw new Error(`column ${c} has ${data.reduce((n, d) => n + d.length, 0)} rows, its row group ${rows}`);
    chunks.push(...encodeColumn(writer, columns[c]!, data, codec));
    await writer.flush();
  }
  frame.rowGroup(chunks, rows, start);
}

/** The column chunks (one per leaf) of one column's Data, written to `writer`. */
function encodeColumn(writer: SinkWriter, column: WriteColumn, data: readonly Data[], codec: WriteCodec): ChunkOut[] {
  const flat = flatChunk(column, data);
  if (flat) return [writeFlatChunk(writer, flat, codec)];
  const list = listChunk(column, data);
  if (list) return [writeListChunk(writer, list, codec)];
  const pages = encodeParts(column.node, data, column.name);
  return pages.map((page, p) => writeLeaf(writer, page, column, p, codec));
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

function writeLeaf(writer: SinkWriter, page: LeafPageData, column: WriteColumn, leaf: number, codec: WriteCodec): ChunkOut {
  try {
    return writeColumnChunk(writer, page, column.leafPaths[leaf]!, codec);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`column "${column.name}": cannot write to Parquet: ${error instanceof Error ? error.message : String(error)}`);
  }
}
