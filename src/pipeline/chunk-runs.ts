/**
 * One feature column chunk as a worker thread sends it (apply-jobs.ts):
 * runs of encoded pages as they come, then the chunk's footer entries, or
 * an error. The writer takes the runs in order as a ColumnPart and writes
 * each before asking for the next; a run handed back is `written`, which
 * gives its maker its buffer and credit again.
 */
import type { ChunkOut } from '../io/parquet/file-write.js';
import type { ColumnPart } from '../io/parquet/write.js';

export class ChunkRuns {
  private readonly queue: Uint8Array[] = [];
  private ended: readonly ChunkOut[] | undefined;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    /** The worker that makes the chunk. */
    readonly worker: number,
    /** Called with a run once it is written (its buffer may then be used again). */
    private readonly written: (run: Uint8Array) => void,
  ) {}

  /** Whether the chunk's last run, or its error, has come. */
  get done(): boolean {
    return this.ended !== undefined || this.error !== undefined;
  }

  add(run: Uint8Array): void {
    this.queue.push(run);
    this.signal();
  }

  end(chunks: readonly ChunkOut[]): void {
    this.ended = chunks;
    this.signal();
  }

  fail(error: Error): void {
    this.error ??= error;
    this.signal();
  }

  /** The chunk for the writer: its runs, then its chunks; an error once the runs before it are written. */
  part(): ColumnPart {
    return { runs: this.runs(), chunks: () => this.ended! };
  }

  private async *runs(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const run = this.queue.shift();
      if (run) {
        yield run;
        this.written(run);
      } else if (this.error) throw this.error;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
