/** Warnings about the data: one line on stderr each, once per column; they do not change the exit code. */
import type { RecordBatch } from 'apache-arrow';
import type { DatasetReader } from '../io/dataset.js';
import { type Feature, inexactIntegers } from '../io/features.js';
import type { Progress } from './progress.js';

/** Checks batches for values that float64 cannot hold exactly, and says so once per column (above the progress line). */
export class DataWarnings {
  private readonly warned = new Set<string>();
  private readonly said = new Set<string>();

  constructor(private readonly out: Pick<Progress, 'note'>) {}

  /** Says what the reader found worth a warning when it opened its input (once, however often it is opened). */
  opened(reader: DatasetReader): void {
    for (const warning of reader.warnings ?? []) {
      if (this.said.has(warning)) continue;
      this.said.add(warning);
      this.out.note(`bn1d: warning: ${warning}\n`);
    }
  }

  check(batch: RecordBatch, features: readonly Feature[], input: string): void {
    for (const { feature, value } of inexactIntegers(batch, features)) {
      if (this.warned.has(feature.name)) continue;
      this.warned.add(feature.name);
      this.out.note(
        `bn1d: warning: column "${feature.name}" of ${input} holds integers beyond 2^53 (such as ${value}); float64 rounds them, as torch's .double() does\n`,
      );
    }
  }
}
