/**
 * Making one feature column chunk ahead of the writer (apply-jobs.ts), on
 * a worker thread or the main one: normalized piece by piece
 * (apply-columns.ts) and encoded into pages from offset 0 of the chunk,
 * which are handed over a run at a time as each piece completes them. A
 * maker waits while too many of the bytes it handed over are not yet
 * written (Unwritten), so what it holds ahead of the writer is bounded by
 * pages, not chunks.
 */
import type { Schema } from 'apache-arrow';
import type { NanPolicy } from '../core/batch-moments.js';
import type { BatchNormState } from '../core/state.js';
import type { Feature } from '../io/dataset/features.js';
import type { WriteCodec } from '../io/parquet/codecs.js';
import { openColumnStream } from '../io/parquet/column-stream.js';
import type { ChunkOut } from '../io/parquet/file-write.js';
import { PartsWriter } from '../io/parquet/parts-writer.js';
import type { WriteColumn } from '../io/parquet/write-plan.js';
import { type ApplyFile, normalizedPieces, streamed } from './apply-columns.js';
import type { DataWarnings } from './warnings.js';

/** What making a chunk needs besides the chunk. */
export interface ChunkContext {
  state: BatchNormState;
  nan: NanPolicy;
  features: readonly Feature[];
  /** The output's schema, and its columns as written. */
  schema: Schema;
  columns: readonly WriteColumn[];
  codec: WriteCodec;
  warnings: DataWarnings;
}

/** Which chunk: column `c` (feature `k`) of row group `g` of `file`. */
export interface ChunkTask {
  file: ApplyFile;
  g: number;
  c: number;
  k: number;
  describeRow: (row: number) => string;
}

/**
 * Makes a chunk into `writer` (the maker's, whose buffer serves every
 * chunk), calling `send` with it each time a piece's pages are written, and
 * once at the end; returns its chunks, offsets from its first byte.
 */
export async function makeChunk(task: ChunkTask, context: ChunkContext, writer: PartsWriter, send: (pages: PartsWriter) => Promise<void>): Promise<ChunkOut[]> {
  const pieces = (reusable: () => boolean) => normalizedPieces(task.file, task.g, task.c, task.k, context, task.describeRow, reusable);
  writer.restart();
  const open = () => openColumnStream(writer, context.columns[task.c]!, context.codec, task.file.groups[task.g]);
  const chunks = await streamed(pieces).stream({ open, flush: () => send(writer) });
  await send(writer);
  return [...chunks];
}

/** Runs a pool holds for use again at most. */
const POOLED_RUNS = 4;
/** A run's buffer is made this much longer than the run, in whole MiB, so that the runs after it, about as long, fit. */
const RUN_ROOM = 1.25;

/**
 * A maker's runs on their way to the writer: each is its pages copied into
 * a buffer of a pool, which the writer gives back once it has written it,
 * so that runs allocate nothing once the pool holds a few. take() waits
 * while the runs handed over and not written yet pass `limit` bytes (one
 * run goes whatever its size when none is).
 */
export class RunSender {
  private unwritten = 0;
  private wake: (() => void) | undefined;
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly limit: number) {}

  /** The pages written since the last run, as the next run, once there is room for it; undefined when there are none. */
  async take(pages: PartsWriter): Promise<Uint8Array | undefined> {
    const bytes = pages.pending;
    if (!bytes) return undefined;
    while (this.unwritten > 0 && this.unwritten + bytes > this.limit) await new Promise<void>((resolve) => (this.wake = resolve));
    const k = this.free.findIndex((buffer) => buffer.byteLength >= bytes);
    const into = k < 0 ? new Uint8Array(Math.ceil((bytes * RUN_ROOM) / (1 << 20)) << 20) : new Uint8Array(this.free.splice(k, 1)[0]!);
    const run = pages.takeJoined(into);
    this.unwritten += run.length;
    return run;
  }

  /** A run of `bytes` bytes was written; its buffer comes back to the pool. */
  written(bytes: number, buffer: ArrayBuffer): void {
    this.unwritten -= bytes;
    if (this.free.length < POOLED_RUNS) this.free.push(buffer);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
