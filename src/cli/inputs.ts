/**
 * The inputs of `fit`, in the order given, as one logical stream of
 * feature chunks: batches cross file boundaries, and every input must have
 * the feature columns with the same shape as the first.
 */
import type { Chunk } from '../core/batcher.js';
import { DataError } from '../core/errors.js';
import type { DatasetReader } from '../io/dataset.js';
import type { DataWarnings } from './warnings.js';
import { type Feature, featureChunk } from '../io/features.js';
import { decodeThreads, inputName, openFile, type StdinSource } from '../io/open-input.js';
import { project } from '../io/projection.js';
import { checkSameShape, listColumns, resolveFeatures } from '../io/select-features.js';

/** A pass over every input, yielding feature chunks; keeps track of where each input starts. */
export class InputSeries {
  readonly names: string[];
  private firstReader: DatasetReader | undefined;
  private starts: number[] = [];

  constructor(
    private readonly specs: readonly string[],
    private readonly stdin: StdinSource,
    private readonly rereadable: boolean,
    private readonly warnings?: DataWarnings,
  ) {
    this.names = specs.map(inputName);
  }

  private reference: Feature[] | undefined;

  /** Opens input `i` (the first input's reader, opened by first(), is handed over once). */
  async openAt(i: number): Promise<DatasetReader> {
    if (i === 0 && this.firstReader) {
      const reader = this.firstReader;
      this.firstReader = undefined;
      return reader;
    }
    const spec = this.specs[i]!;
    const options = { threads: decodeThreads() };
    const reader = await (spec === '-' ? this.stdin.open(this.rereadable, options) : openFile(spec, spec, options));
    this.warnings?.opened(reader);
    return reader;
  }

  /** Throws unless input `i` has the named features, with the same shapes as the first input. */
  validate(reader: DatasetReader, names: readonly string[], i: number): Feature[] {
    const features = this.features(reader, names, i);
    if (this.reference && i > 0) checkSameShape(this.reference, this.names[0]!, features, reader.name);
    if (i === 0) this.reference = features;
    return features;
  }

  /** The first input, opened (and kept for the first pass) to look at its schema. */
  async first(): Promise<DatasetReader> {
    if (!this.firstReader) this.firstReader = await this.openAt(0);
    return this.firstReader;
  }

  /** Rows of every input, as feature chunks of the named features, in order. */
  async *pass(names: readonly string[], onRows: (rows: number) => void = () => {}): AsyncGenerator<Chunk> {
    this.starts = [];
    let row = 0;
    for (let i = 0; i < this.specs.length; i++) {
      const reader = await this.openAt(i);
      try {
        // Only the features are read (and, from Parquet, decoded).
        this.validate(reader, names, i);
        const local = resolveFeatures(project(reader.schema, names).schema, names, reader.name);
        this.starts.push(row);
        for await (const batch of reader.batches(names)) {
          row += batch.numRows;
          onRows(batch.numRows);
          this.warnings?.check(batch, local, reader.name);
          yield featureChunk(batch, local);
        }
      } finally {
        await reader.close();
      }
    }
  }

  private features(reader: DatasetReader, names: readonly string[], i: number): Feature[] {
    if (i > 0) {
      const missing = names.find((name) => !reader.schema.fields.some((f) => f.name === name));
      if (missing !== undefined) {
        throw new DataError(
          `${reader.name} has no column "${missing}", which ${this.names[0]} has: inputs must share the feature columns (${reader.name} has: ${listColumns(reader.schema)})`,
        );
      }
    }
    return resolveFeatures(reader.schema, names, reader.name);
  }

  /** "row 12 of b.parquet": a stream row of the current pass, by its input. */
  describeRow(row: number): string {
    let i = this.starts.length - 1;
    while (i > 0 && this.starts[i]! > row) i--;
    return i < 0 ? `row ${row}` : `row ${row - this.starts[i]!} of ${this.names[i]}`;
  }

  /** Closes what is still open. */
  async close(): Promise<void> {
    await this.firstReader?.close();
    this.firstReader = undefined;
  }
}
