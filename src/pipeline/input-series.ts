/**
 * The inputs of a fit, in the order given (folders and globs expanded to
 * their files), as one logical stream of feature chunks: batches cross file
 * boundaries, and every file must have the feature columns with the same
 * shape as the first.
 */
import type { Chunk } from '../core/batcher.js';
import { DataError } from '../core/errors.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { type Feature, featureChunk } from '../io/dataset/features.js';
import { recognizeFormat } from '../io/dataset/detect.js';
import { decodeThreads, type OpenOptions, readHead } from '../io/dataset/open-input.js';
import { project } from '../io/dataset/projection.js';
import { HttpSession } from '../io/files/http-session.js';
import { isHttpUrl } from '../io/files/http-url.js';
import { RowOrigins } from '../io/dataset/row-origins.js';
import { checkSameShape, listColumns, resolveFeatures } from '../io/dataset/select-features.js';
import type { ResolvedSources, Source } from './sources.js';
import type { DataWarnings } from './warnings.js';

/** A pass over every input file, yielding feature chunks; keeps track of where each file starts. */
export class InputSeries {
  /** The inputs as given ('-' as "stdin"). */
  readonly names: string[];
  /** The files (or in-memory inputs) they stand for. */
  private readonly files: readonly Source[];
  private firstReader: DatasetReader | undefined;
  private readonly origins = new RowOrigins();
  /** What reads the inputs that are http(s) URLs. */
  readonly http: HttpSession;

  constructor(
    inputs: ResolvedSources,
    private readonly rereadable: boolean,
    readonly warnings?: DataWarnings,
  ) {
    this.names = inputs.names;
    this.files = inputs.sources;
    this.http = inputs.http ?? new HttpSession();
  }

  /** How many files the inputs stand for. */
  get count(): number {
    return this.files.length;
  }

  private reference: Feature[] | undefined;

  /** Opens file `i` (the first file's reader, opened by first(), is handed over once). */
  async openAt(i: number, options: OpenOptions = { threads: decodeThreads() }): Promise<DatasetReader> {
    if (i === 0 && this.firstReader) {
      const reader = this.firstReader;
      this.firstReader = undefined;
      return reader;
    }
    const reader = await this.files[i]!.open(this.rereadable, options);
    this.warnings?.opened(reader);
    return reader;
  }

  /**
   * The files, when every input is a Parquet or Arrow IPC file on disk or
   * by URL (read a chunk at a time, column by column: channel-fit.ts); else
   * undefined.
   */
  async randomAccessFiles(): Promise<{ path: string; name: string; format: 'parquet' | 'arrow' }[] | undefined> {
    const files: { path: string; name: string; format: 'parquet' | 'arrow' }[] = [];
    for (const source of this.files) {
      if (source.path === undefined || source.path === '-') return undefined;
      let format: string | undefined;
      try {
        format = recognizeFormat(isHttpUrl(source.path) ? await this.http.head(source.path) : readHead(source.path));
      } catch {
        return undefined;
      }
      if (format !== 'parquet' && format !== 'arrow') return undefined;
      files.push({ path: source.path, name: source.name, format });
    }
    return files;
  }

  /** Throws unless file `i` has the named features, with the same shapes as the first file. */
  validate(reader: DatasetReader, names: readonly string[], i: number): Feature[] {
    const features = this.features(reader, names, i);
    if (this.reference && i > 0) checkSameShape(this.reference, this.files[0]!.name, features, reader.name);
    if (i === 0) this.reference = features;
    return features;
  }

  /** The first file, opened (and kept for the first pass) to look at its schema. */
  async first(): Promise<DatasetReader> {
    if (!this.firstReader) this.firstReader = await this.openAt(0);
    return this.firstReader;
  }

  /**
   * Rows in one pass over every input, from their footers (no data is read),
   * or undefined when an input does not say up front (stdin, an Arrow stream,
   * an iterator of record batches).
   */
  async rowsPerPass(): Promise<number | undefined> {
    if (this.files.some((f) => f.path === '-' || (f.path === undefined && this.files.length > 1))) return undefined;
    let rows = 0;
    for (let i = 0; i < this.files.length; i++) {
      // An Arrow IPC stream by URL does not say its rows: not worth a GET of its body to find out.
      const path = this.files[i]!.path;
      if (i > 0 && path !== undefined && isHttpUrl(path) && recognizeFormat(await this.http.head(path)) === 'arrows') return undefined;
      const reader = i === 0 ? await this.first() : await this.files[i]!.open(false);
      try {
        if (reader.numRows === undefined) return undefined;
        rows += reader.numRows;
      } finally {
        if (i > 0) await reader.close();
      }
    }
    return rows;
  }

  /** Rows of every file, as feature chunks of the named features, in order. */
  async *pass(names: readonly string[], onRows: (rows: number) => void = () => {}): AsyncGenerator<Chunk> {
    this.origins.clear();
    let row = 0;
    for (let i = 0; i < this.files.length; i++) {
      const reader = await this.openAt(i);
      try {
        // Only the features are read (and, from Parquet, decoded).
        this.validate(reader, names, i);
        const local = resolveFeatures(project(reader.schema, names).schema, names, reader.name);
        this.origins.start(reader.name, row);
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
          `${reader.name} has no column "${missing}", which ${this.files[0]!.name} has: inputs must share the feature columns (${reader.name} has: ${listColumns(reader.schema)})`,
        );
      }
    }
    return resolveFeatures(reader.schema, names, reader.name);
  }

  /** "row 12 of b.parquet": a stream row of the current pass, by its file. */
  describeRow(row: number): string {
    return this.origins.describe(row);
  }

  /** Closes what is still open. */
  async close(): Promise<void> {
    await this.firstReader?.close();
    this.firstReader = undefined;
  }
}
