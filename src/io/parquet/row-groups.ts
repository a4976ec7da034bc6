/**
 * Cutting a stream of record batches into Parquet row groups of given row
 * counts, whatever the batches' own sizes: batches are gathered until a row
 * group is full, and a batch that crosses a boundary is split there (slices
 * are views, not copies).
 */
import type { RecordBatch } from 'apache-arrow';

/** Rows of each row group: one count for all, or one per row group (the last repeats). */
export type RowGroupRows = number | readonly number[];

/** Rows per row group when nothing else decides (Polars' default). */
export const DEFAULT_ROW_GROUP_ROWS = 262_144;

/** Collects batches and hands out full row groups, each as the batches that make it up. */
export class RowGroupCutter {
  private parts: RecordBatch[] = [];
  private rows = 0;
  private group = 0;

  constructor(private readonly sizes: RowGroupRows) {
    const all = typeof sizes === 'number' ? [sizes] : sizes;
    if (!all.length || all.some((n) => !(Number.isSafeInteger(n) && n > 0))) throw new Error(`row group sizes must be positive integers, not ${String(sizes)}`);
  }

  /** Rows of the row group being filled. */
  private target(): number {
    const { sizes } = this;
    return typeof sizes === 'number' ? sizes : sizes[Math.min(this.group, sizes.length - 1)]!;
  }

  /** Adds a batch; returns the row groups it completes. */
  push(batch: RecordBatch): RecordBatch[][] {
    const full: RecordBatch[][] = [];
    let at = 0;
    while (at < batch.numRows) {
      const take = Math.min(batch.numRows - at, this.target() - this.rows);
      this.parts.push(at === 0 && take === batch.numRows ? batch : batch.slice(at, at + take));
      this.rows += take;
      at += take;
      if (this.rows === this.target()) full.push(this.take());
    }
    return full;
  }

  /** Rows gathered for a row group not yet full. */
  get pending(): number {
    return this.rows;
  }

  /** The rows not yet handed out, as a last (shorter) row group, or undefined when there are none. */
  finish(): RecordBatch[] | undefined {
    return this.rows ? this.take() : undefined;
  }

  private take(): RecordBatch[] {
    const parts = this.parts;
    this.parts = [];
    this.rows = 0;
    this.group++;
    return parts;
  }
}
