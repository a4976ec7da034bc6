/**
 * A uniform random sample of at most `size` values from a stream of any
 * length (reservoir sampling, Li's Algorithm L: random numbers are drawn
 * only when a value is taken, so the cost per value is a counter).
 */
import type { ColumnData } from './column.js';
import type { Random } from './random.js';

/** A bounded sample of one feature's values, with counts of what was left out. */
export class Reservoir {
  private readonly values: Float64Array;
  private seen = 0;
  private nextTake = 0;
  private w = 0;
  /** Values offered: finite and non-null. */
  get count(): number {
    return this.seen;
  }
  nulls = 0;
  nonFinite = 0;

  constructor(
    private readonly size: number,
    private readonly random: Random,
  ) {
    this.values = new Float64Array(size);
  }

  /** Offers every value of a column (nulls and NaN/±Infinity are counted, not sampled). */
  offer(column: ColumnData): void {
    const { values, valid } = column;
    for (let i = 0; i < values.length; i++) {
      if (valid && !valid[i]) {
        this.nulls++;
        continue;
      }
      const x = values[i]!;
      if (!Number.isFinite(x)) {
        this.nonFinite++;
        continue;
      }
      this.take(x);
    }
  }

  private take(x: number): void {
    const k = this.size;
    if (this.seen < k) {
      this.values[this.seen++] = x;
      if (this.seen === k) this.skipAhead(true);
      return;
    }
    if (this.seen++ === this.nextTake) {
      this.values[this.random.below(k)] = x;
      this.skipAhead(false);
    }
  }

  private skipAhead(first: boolean): void {
    const k = this.size;
    this.w = (first ? 1 : this.w) * Math.exp(Math.log(this.random.next() || Number.MIN_VALUE) / k);
    this.nextTake = this.seen + Math.floor(Math.log(this.random.next() || Number.MIN_VALUE) / Math.log(1 - this.w));
  }

  /** The sample (all values when fewer than `size` were offered). */
  sample(): Float64Array {
    return this.values.slice(0, Math.min(this.seen, this.size));
  }
}
