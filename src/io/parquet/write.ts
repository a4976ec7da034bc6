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
import type { ByteSink, DatasetWriter, WriterOptions } from '../dataset/dataset.js';
import type { WriteCodec } from './codecs.js';
import { appendCopiedChunk } from './chunk-copy.js';
import type { SourceChunk } from './chunk-source.js';
import { type EncodedColumn, encodeColumn, placeChunks } from './column-encode.js';
import { type FrameChunk, ParquetFrame } from './file-write.js';
import { keyValueMetadata } from './arrow-schema.js';
import { DEFAULT_ROW_GROUP_ROWS, RowGroupCutter } from './row-groups.js';
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
    parquetLeafPaths: (c) => columns[c]!.leafPaths,
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

/** A column of a row group: its Data, or its chunks encoded elsewhere (column-encode.ts). */
export type ColumnPart = readonly Data[] | EncodedColumn | { readonly stored: readonly SourceChunk[] };

/** Writes one row group of `rows` rows column by column: each column is asked for, encoded and handed to the sink before the next. */
async function writeColumnGroup(
  frame: ParquetFrame, columns: readonly WriteColumn[], rows: number, writer: SinkWriter, codec: WriteCodec, columnAt: (c: number) => Promise<ColumnPart>,
): Promise<void> {
  const start = writer.offset;
  const chunks: FrameChunk[] = [];
  for (let c = 0; c < columns.length; c++) {
    const part = await columnAt(c);
    if ('stored' in part) {
      const paths = columns[c]!.leafPaths;
      if (part.stored.length !== paths.length) throw new Error(`column ${c} has ${paths.length} leaves, ${part.stored.length} stored chunks given`);
      part.stored.forEach((source, leaf) => chunks.push(appendCopiedChunk(writer, source, paths[leaf]!)));
    } else if ('bytes' in part) {
      chunks.push(...placeChunks(part.chunks, writer.offset));
      writer.appendBytes(part.bytes);
    } else {
      const length = part.reduce((n, d) => n + d.length, 0);
      if (length !== rows) throw new Error(`column ${c} has ${length} rows, its row group ${rows}`);
      chunks.push(...encodeColumn(writer, columns[c]!, part, codec));
    }
    await writer.flush();
  }
  frame.rowGroup(chunks, rows, start);
}
