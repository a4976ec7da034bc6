/**
 * An eval-mode apply of Parquet into Parquet, row group by row group and,
 * within a row group, column chunk by column chunk in schema order: a
 * feature's chunk is decoded, normalized with its channel's running
 * statistics and encoded before the next column is read, and every other
 * column is copied as its stored bytes (pages, dictionary, statistics,
 * page indexes and bloom filters; chunk-copy.ts), never decoded, unless
 * the output asks for another codec or its schema cannot hold the stored
 * levels, when it is decoded and encoded again. A feature's chunk is read
 * a piece of pages at a time, and the output pages each piece completes
 * are written before the next piece is read: memory is a few pages of a
 * column, not its chunk. The output has the input's row groups.
 *
 * When a file has several bad values, the error names the first one in
 * column order within its row group (the row-wise apply names the first
 * row's, in slices of 65,536 rows).
 */
import { type Data, Schema } from 'apache-arrow';
import type { CompressionCodec } from 'hyparquet';
import type { NanPolicy } from '../core/batch-moments.js';
import { channelState } from '../core/channel-split.js';
import { normalizeBatch } from '../core/normalize.js';
import type { BatchNormState } from '../core/state.js';
import { columnOf } from '../io/dataset/column-of.js';
import type { DatasetReader, DatasetWriter } from '../io/dataset/dataset.js';
import type { ColumnPart, StreamedColumn } from '../io/parquet/write.js';
import { columnData, type Feature, outputArray, replaceFeatures } from '../io/dataset/features.js';
import type { FileSequence } from '../io/dataset/file-sequence.js';
import type { DataWarnings } from './warnings.js';

/** What a column-by-column apply needs besides its input and output. */
export interface ColumnApply {
  state: BatchNormState;
  nan: NanPolicy;
  features: readonly Feature[];
  /** The output's schema. */
  schema: Schema;
  warnings: DataWarnings;
  /** Copy passthrough columns as their stored chunks: those compressed with `codec`, or all when none is asked for. */
  copy?: { codec: CompressionCodec | undefined } | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: { rows: number; totalRows: number | undefined }) => void) | undefined;
}

/** Writes every row group of the Parquet files of `input` to `writer`, one column at a time, features on `jobs` (apply-jobs.ts) when given. */
export async function applyByColumns(input: FileSequence, writer: DatasetWriter, settings: ColumnApply, jobs?: ColumnJobs): Promise<void> {
  const byIndex = new Map(settings.features.map((feature, k) => [feature.index, k]));
  const describeRow = (row: number) => input.describeRow(row);
  let rows = 0;
  for await (const { reader, startRow, path } of input.readers()) {
    const groups = reader.parquetLayout!.rowGroupRows;
    const file = { reader, startRow, groups, path };
    jobs?.startFile(file, byIndex);
    for (let g = 0; g < groups.length; g++) {
      await writer.writeColumns!(groups[g]!, async (c): Promise<ColumnPart> => {
        settings.signal?.throwIfAborted();
        const k = byIndex.get(c);
        if (k !== undefined && jobs) return jobs.take(g, c);
        if (k === undefined && settings.copy && reader.canStore?.(c, writer.parquetLeafPaths!(c))) {
          const stored = await reader.storedChunks!(g, c, settings.copy.codec);
          if (stored) return { stored };
        }
        return normalizedColumn(file, g, c, k, settings, describeRow);
      });
      rows += groups[g]!;
      settings.onProgress?.({ rows, totalRows: input.numRows });
    }
  }
}

/** A file being applied: its reader, its first stream row and its row groups' rows. */
export interface ApplyFile {
  reader: DatasetReader;
  path: string;
  startRow: number;
  groups: readonly number[];
}

/** Features' columns encoded on other threads, taken in file order. */
export interface ColumnJobs {
  startFile(file: ApplyFile, features: ReadonlyMap<number, number>): void;
  take(g: number, c: number): Promise<ColumnPart>;
}

/** Column `c` of row group `g`: normalized page by page when it is feature `k` (column-stream.ts writes its pages as they come), else as it is. */
export async function normalizedColumn(
  file: ApplyFile, g: number, c: number, k: number | undefined, settings: Omit<ColumnApply, 'signal' | 'onProgress'>, describeRow: (row: number) => string,
): Promise<ColumnPart> {
  if (k === undefined) return [(await file.reader.readChunk!(g, [file.reader.schema.fields[c]!.name])).data.children[0]!];
  return streamed((reusable) => normalizedPieces(file, g, c, k, settings, describeRow, reusable));
}

/**
 * A column written as a stream of pieces: the pages each completes go to
 * the sink before the next is read. `pieces` is told whether a piece's
 * buffers may be used again for the next once it is written.
 */
export function streamed(pieces: (reusable: () => boolean) => AsyncIterable<Data>): StreamedColumn {
  return {
    async stream(target) {
      const out = target.open();
      for await (const data of pieces(() => !out.keepsRuns)) {
        out.push(data);
        await target.flush();
      }
      return out.finish();
    },
  };
}

/**
 * Feature `k` (column `c`) of row group `g`, normalized, in pieces of whole
 * rows as the reader reads them; while `reusable()`, a piece's values are
 * written into the buffer of the piece before.
 */
export async function* normalizedPieces(
  file: ApplyFile, g: number, c: number, k: number, settings: Omit<ColumnApply, 'signal' | 'onProgress'>, describeRow: (row: number) => string,
  reusable: () => boolean = () => false,
): AsyncGenerator<Data> {
  const { reader } = file;
  const name = reader.schema.fields[c]!.name;
  const feature = { ...settings.features[k]!, index: 0 };
  const state = channelState(settings.state, k);
  const one = new Schema([settings.schema.fields[c]!], settings.schema.metadata);
  let startRow = file.startRow + file.groups.slice(0, g).reduce((a, b) => a + b, 0);
  let last: Float32Array | Float64Array | undefined;
  // Page by page where the reader can: each piece is let go once its pages are written, and
  // its buffers are read into again when the stream keeps no view of them (reusable()).
  for await (const piece of columnOf(reader, g, name, reusable)) {
    settings.warnings.check(piece, [feature], reader.name);
    const column = columnData(piece.data.children[0]!, feature);
    const n = column.values.length;
    const out = last && last.length >= n && reusable() ? last.subarray(0, n) : outputArray(column, feature, spare);
    if (out.buffer === spare) spare = undefined;
    if (!last || out.buffer !== last.buffer) last = out;
    normalizeBatch(state, { rows: piece.numRows, columns: [column], index: g, startRow }, [out], { nan: settings.nan, describeRow });
    yield replaceFeatures(piece, one, [feature], [out]).data.children[0]!;
    startRow += piece.numRows;
  }
  if (last && reusable() && last.buffer.byteLength > (spare?.byteLength ?? 0)) spare = last.buffer as ArrayBuffer;
}

/**
 * The values buffer of the last feature chunk this thread wrote, once its
 * pages are (the stream keeps no view of it), for the next chunk's first
 * piece. DuckDB writes a chunk as one page, so without it each chunk took
 * a new one (480 KB for 122,880 float32), which malloc's heap then held
 * among other buffers: an apply of 2M rows x 8 float32 peaked at 104 MB
 * without it and 85 MB with it at one thread, 137 and 119 at two.
 */
let spare: ArrayBuffer | undefined;
