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
import type { ByteSink, DatasetWriter, WriterOptions } from '../dataset/dataset.js';
import type { WriteCodec } from './codecs.js';
import { appendCopiedChunk } from './chunk-copy.js';
import type { SourceChunk } from './chunk-source.js';
import { encodeColumn, placeChunks } from './column-encode.js';
import { type ColumnStream, openColumnStream } from './column-stream.js';
import { type ChunkOut, type FrameChunk, ParquetFrame } from './file-write.js';
import { PartsWriter } from './parts-writer.js';
import { keyValueMetadata } from './arrow-schema.js';
import { DEFAULT_ROW_GROUP_ROWS, RowGroupCutter } from './row-groups.js';
import { fileSchema, planWrite, type WriteColumn } from './write-plan.js';

/** A PartsWriter that hands what it holds to a ByteSink at every flush (its buffer is written again after). */
class SinkWriter extends PartsWriter {
  constructor(private readonly sink: ByteSink) {
    super();
  }

  async flush(): Promise<void> {
    for (const part of this.take()) await this.sink.write(part);
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

/**
 * A column of a row group: its Data; its chunks as stored in an input
 * (copied as they are); written by its maker through the column stream
 * `target.open()` gives, calling `target.flush()` between runs of rows to
 * hand the pages written so far to the sink (`stream`); or encoded
 * elsewhere, its bytes handed over a run of pages at a time as they come,
 * then its chunks, offsets from its first byte (`runs`).
 */
export type ColumnPart =
  | readonly Data[]
  | { readonly stored: readonly SourceChunk[] }
  | StreamedColumn
  | { readonly runs: AsyncIterable<Uint8Array>; chunks(): readonly ChunkOut[] };

/** A column its maker writes through a column stream. */
export interface StreamedColumn {
  readonly stream: (target: StreamTarget) => Promise<readonly ChunkOut[]>;
}

/** Where a column written as a stream goes. */
export interface StreamTarget {
  /** The column's stream; it is to have the row group's rows. */
  open(): ColumnStream;
  flush(): Promise<void>;
}

/** Writes one row group of `rows` rows column by column: each column is asked for, encoded and handed to the sink before the next. */
async function writeColumnGroup(
  frame: ParquetFrame, columns: readonly WriteColumn[], rows: number, writer: SinkWriter, codec: WriteCodec, columnAt: (c: number) => Promise<ColumnPart>,
): Promise<void> {
  const start = writer.offset;
  const chunks: FrameChunk[] = [];
  for (let c = 0; c < columns.length; c++) {
    const part = await columnAt(c);
    const rowsOf = (length: number) => {
      if (length !== rows) throw new Error(`column ${c} has ${length} rows, its row group ${rows}`);
    };
    if ('stored' in part) {
      const paths = columns[c]!.leafPaths;
      if (part.stored.length !== paths.length) throw new Error(`column ${c} has ${paths.length} leaves, ${part.stored.length} stored chunks given`);
      part.stored.forEach((source, leaf) => chunks.push(appendCopiedChunk(writer, source, paths[leaf]!)));
    } else if ('stream' in part) {
      let stream: ColumnStream | undefined;
      const open = () => (stream = openColumnStream(writer, columns[c]!, codec, rows));
      chunks.push(...(await part.stream({ open, flush: () => writer.flush() })));
      rowsOf(stream?.rows ?? 0);
    } else if ('runs' in part) {
      const at = writer.offset;
      // Each run is written (copied by the sink) before the next is asked for, which may then reuse its buffer.
      for await (const bytes of part.runs) {
        writer.appendShared(bytes);
        await writer.flush();
      }
      chunks.push(...placeChunks(part.chunks(), at));
    } else {
      rowsOf(part.reduce((n, d) => n + d.length, 0));
      chunks.push(...encodeColumn(writer, columns[c]!, part, codec));
    }
    await writer.flush();
  }
  frame.rowGroup(chunks, rows, start);
}
