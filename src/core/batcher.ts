/**
 * Cuts a stream of column chunks of any sizes into batches of exactly
 * `batchSize` rows (the last one shorter, or dropped with dropLast).
 *
 * Batch boundaries depend only on the row count, never on how rows were
 * chunked: a batch inside one chunk is a view of it, and only a batch that
 * straddles chunks is copied. Either way its values are the same, in the
 * same order, so the statistics are bit-for-bit the same.
 */
import { type ColumnData, columnRows, concatColumns, copyColumn, sliceColumn } from './column.js';

/** Rows of the feature columns, as they come from a reader. */
export interface Chunk {
  /** Number of rows. */
  readonly rows: number;
  /** One entry per feature (channel), each holding `rows` rows. */
  readonly columns: readonly ColumnData[];
}

/** A batch: `rows` consecutive rows of the stream. */
export interface Batch extends Chunk {
  /** 0-based position of the batch in the stream (counting every epoch fed to this batcher). */
  readonly index: number;
  /** 0-based stream row of the batch's first row. */
  readonly startRow: number;
}

/** Options of a Batcher. */
export interface BatcherOptions {
  /** Rows per batch, >= 1. */
  batchSize: number;
  /** Drop a final batch shorter than batchSize instead of returning it. Default false. */
  dropLast?: boolean;
}

/** Turns pushed chunks into batches; call finish() at the end of each pass over the data. */
export class Batcher {
  private readonly batchSize: number;
  private readonly dropLast: boolean;
  private pending: Chunk[] = [];
  private pendingRows = 0;
  private nextIndex = 0;
  private nextRow = 0;

  constructor(options: BatcherOptions) {
    if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1) {
      throw new RangeError(`batch size must be a positive integer (got ${options.batchSize})`);
    }
    this.batchSize = options.batchSize;
    this.dropLast = options.dropLast ?? false;
  }

  /** The complete batches that this chunk finishes, in order. */
  push(chunk: Chunk): Batch[] {
    const batches: Batch[] = [];
    let at = 0;
    while (at < chunk.rows) {
      const take = Math.min(this.batchSize - this.pendingRows, chunk.rows - at);
      const piece = take === chunk.rows ? chunk : sliceChunk(chunk, at, at + take);
      at += take;
      if (this.pendingRows === 0 && take === this.batchSize) {
        batches.push(this.emit(piece));
        continue;
      }
      this.pending.push(piece);
      this.pendingRows += take;
      if (this.pendingRows === this.batchSize) batches.push(this.emit(this.takePending()));
    }
    // Whatever is left pending ends with this chunk's last rows (earlier ones are copies already):
    // copied, as a view would keep all of this chunk in memory until the next one fills the batch.
    const last = this.pending.length - 1;
    if (last >= 0) this.pending[last] = copyChunk(this.pending[last]!);
    return batches;
  }

  /** Ends a pass: the trailing short batch, or null (none pending, or dropLast). */
  finish(): Batch | null {
    if (this.pendingRows === 0) return null;
    const rest = this.takePending();
    if (this.dropLast) {
      this.nextRow += rest.rows;
      return null;
    }
    return this.emit(rest);
  }

  private takePending(): Chunk {
    const parts = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    return concatChunks(parts);
  }

  private emit(chunk: Chunk): Batch {
    const batch: Batch = { rows: chunk.rows, columns: chunk.columns, index: this.nextIndex, startRow: this.nextRow };
    this.nextIndex += 1;
    this.nextRow += chunk.rows;
    return batch;
  }
}

/** A chunk's rows in arrays of their own. */
function copyChunk(chunk: Chunk): Chunk {
  return { rows: chunk.rows, columns: chunk.columns.map(copyColumn) };
}

/** Rows [start, end) of a chunk, as views. */
export function sliceChunk(chunk: Chunk, start: number, end: number): Chunk {
  return { rows: end - start, columns: chunk.columns.map((c) => sliceColumn(c, start, end)) };
}

/** The rows of `parts` one after another, as one chunk (the part itself when there is one). */
export function concatChunks(parts: readonly Chunk[]): Chunk {
  if (parts.length === 1) return parts[0]!;
  const columns = parts[0]!.columns.map((_, k) => concatColumns(parts.map((p) => p.columns[k]!)));
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  if (columns.some((c) => columnRows(c) !== rows)) throw new Error('chunk columns disagree on the row count');
  return { rows, columns };
}
