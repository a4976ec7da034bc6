/** Where the rows of several inputs read as one stream come from, for messages: "row 12 of b.parquet". */
import { formatCount } from '../../core/format-count.js';

export class RowOrigins {
  private readonly starts: number[] = [];
  private readonly names: string[] = [];

  /** The input `name` starts at stream row `row` (inputs start in order). */
  start(name: string, row: number): void {
    this.starts.push(row);
    this.names.push(name);
  }

  /** Forgets every input, for a new pass. */
  clear(): void {
    this.starts.length = 0;
    this.names.length = 0;
  }

  /** Stream row `row` as a row of its input. */
  describe(row: number): string {
    let i = this.starts.length - 1;
    while (i > 0 && this.starts[i]! > row) i--;
    return i < 0 ? `row ${formatCount(row)}` : `row ${formatCount(row - this.starts[i]!)} of ${this.names[i]}`;
  }
}
