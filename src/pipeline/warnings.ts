/** Warnings about the data: each said once (per column), through a callback; they never stop a run. */
import type { RecordBatch } from 'apache-arrow';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { type Feature, inexactIntegers } from '../io/dataset/features.js';

/** Receives one warning: a sentence naming the input and column, without a prefix or a newline. */
export type WarningHandler = (message: string) => void;

/** Checks batches for values that float64 cannot hold exactly, and says so once per column. */
export class DataWarnings {
  private readonly warned = new Set<string>();
  private readonly said = new Set<string>();

  constructor(private readonly say: WarningHandler = () => {}) {}

  /** Says what the reader found worth a warning when it opened its input (once, however often it is opened). */
  opened(reader: DatasetReader): void {
    for (const warning of reader.warnings ?? []) {
      if (this.said.has(warning)) continue;
      this.said.add(warning);
      this.say(warning);
    }
  }

  /** Says a warning another thread's DataWarnings found (once). */
  relay(warning: string): void {
    if (this.said.has(warning)) return;
    this.said.add(warning);
    this.say(warning);
  }

  check(batch: RecordBatch, features: readonly Feature[], input: string): void {
    for (const { feature, value } of inexactIntegers(batch, features)) {
      if (this.warned.has(feature.name)) continue;
      this.warned.add(feature.name);
      this.say(`column "${feature.name}" of ${input} holds integers beyond 2^53 (such as ${value}); float64 rounds them, as torch's .double() does`);
    }
  }
}
