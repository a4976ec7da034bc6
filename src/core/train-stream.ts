/**
 * Training-mode normalization of a stream: every batch of `batchSize` rows
 * is normalized with its own statistics, and the results are written back
 * into per-chunk output arrays, so the output keeps the input's chunks
 * (row groups, record batches) while batches cross their boundaries.
 */
import { type Batch, Batcher, type Chunk } from './batcher.js';
import type { StepOptions } from './batch-moments.js';
import { trainAffine, transformColumn } from './normalize.js';
import { sliceColumn, valueRange } from './column.js';
import type { BatchNormState } from './state.js';

interface Pending<T> {
  chunk: Chunk;
  outs: readonly (Float32Array | Float64Array)[];
  payload: T;
  start: number;
  done: number;
}

/** Normalizes pushed chunks batch by batch; returns each chunk's payload once all its rows are written. */
export class TrainStream<T> {
  private readonly batcher: Batcher;
  private readonly pending: Pending<T>[] = [];
  private rows = 0;

  constructor(
    private readonly state: BatchNormState,
    batchSize: number,
    private readonly options: StepOptions = {},
  ) {
    this.batcher = new Batcher({ batchSize });
  }

  /** Takes a chunk and one output array per column (as long as its values); returns the payloads now complete. */
  push(chunk: Chunk, outs: readonly (Float32Array | Float64Array)[], payload: T): T[] {
    this.pending.push({ chunk, outs, payload, start: this.rows, done: 0 });
    this.rows += chunk.rows;
    for (const batch of this.batcher.push(chunk)) this.normalize(batch);
    return this.takeDone();
  }

  /** Normalizes the last, shorter batch; returns every remaining payload. */
  finish(): T[] {
    const last = this.batcher.finish();
    if (last) this.normalize(last);
    return this.takeDone();
  }

  private normalize(batch: Batch): void {
    const { alpha, beta } = trainAffine(this.state, batch, this.options);
    const end = batch.startRow + batch.rows;
    for (const entry of this.pending) {
      const from = Math.max(batch.startRow, entry.start) - entry.start;
      const to = Math.min(end, entry.start + entry.chunk.rows) - entry.start;
      if (from >= to) continue;
      entry.chunk.columns.forEach((column, c) => {
        const [a, b] = valueRange(column, from, to);
        transformColumn(sliceColumn(column, from, to), alpha[c]!, beta[c]!, entry.outs[c]!.subarray(a, b));
      });
      entry.done += to - from;
    }
  }

  private takeDone(): T[] {
    const done: T[] = [];
    while (this.pending.length && this.pending[0]!.done === this.pending[0]!.chunk.rows) done.push(this.pending.shift()!.payload);
    return done;
  }
}
