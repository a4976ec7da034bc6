/**
 * Several files read as one table, in order: the files of a folder or a
 * glob given as one input. Every file must fit the first one's schema
 * (schema-difference.ts), since their rows go into one output; all of them
 * are checked when the sequence opens, before anything is read, and again
 * when each is reopened to be read.
 */
import type { RecordBatch } from 'apache-arrow';
import { DataError } from '../../core/errors.js';
import type { DatasetReader, ParquetLayout } from './dataset.js';
import { RowOrigins } from './row-origins.js';
import { schemaDifference } from './schema-difference.js';

/** Opens a file of the sequence by its path. */
export type OpenFile = (path: string) => Promise<DatasetReader>;

/** Throws unless the rows of `reader` fit the schema of the first file of `input`. */
function check(schema: DatasetReader['schema'], firstName: string, reader: DatasetReader, input: string): void {
  const difference = schemaDifference(schema, firstName, reader.schema, reader.name);
  if (difference !== undefined) {
    throw new DataError(`${difference}: the files of ${input} are read as one table, so each needs the columns and types of the first`);
  }
}

/** A table made of files; `name` is the input they come from, and messages about rows name the file. */
export class FileSequence implements DatasetReader {
  readonly format: DatasetReader['format'];
  readonly schema: DatasetReader['schema'];
  readonly parquetColumns: DatasetReader['parquetColumns'];
  readonly parquetLayout: ParquetLayout | undefined;
  private readonly origins = new RowOrigins();
  /** The first file's name, whose schema every file must fit. */
  private readonly firstName: string;
  private first: DatasetReader | undefined;
  private current: DatasetReader | undefined;

  private constructor(
    readonly name: string,
    private readonly files: readonly string[],
    first: DatasetReader,
    readonly numRows: number | undefined,
    layouts: readonly (ParquetLayout | undefined)[],
    private readonly open: OpenFile,
  ) {
    this.first = first;
    this.firstName = first.name;
    this.format = first.format;
    this.schema = first.schema;
    this.parquetColumns = first.parquetColumns;
    this.parquetLayout = joinLayouts(layouts);
  }

  /** Opens the first file and checks every other one's schema against it. */
  static async open(files: readonly string[], name: string, open: OpenFile): Promise<FileSequence> {
    const first = await open(files[0]!);
    let rows: number | undefined = first.numRows;
    const layouts = [first.parquetLayout];
    try {
      for (const path of files.slice(1)) {
        const reader = await open(path);
        try {
          check(first.schema, first.name, reader, name);
          rows = rows === undefined || reader.numRows === undefined ? undefined : rows + reader.numRows;
          layouts.push(reader.parquetLayout);
        } finally {
          await reader.close();
        }
      }
    } catch (error) {
      await first.close();
      throw error;
    }
    return new FileSequence(name, files, first, rows, layouts, open);
  }

  async *batches(columns?: readonly string[]): AsyncGenerator<RecordBatch> {
    for await (const file of this.readers()) {
      for await (const batch of file.reader.batches(columns)) {
        file.rowsRead += batch.numRows;
        yield batch;
      }
    }
  }

  /**
   * Each file's reader in turn (checked against the first), with the stream
   * row it starts at; a reader is closed when the next one is asked for. The
   * next file starts after the reader's numRows, or, where the reader does
   * not say (a stream), after the rows the caller counts in `rowsRead`.
   */
  async *readers(): AsyncGenerator<{ reader: DatasetReader; startRow: number; path: string; rowsRead: number }> {
    this.origins.clear();
    let row = 0;
    for (let i = 0; i < this.files.length; i++) {
      const reader = i === 0 && this.first ? this.first : await this.open(this.files[i]!);
      this.first = undefined;
      this.current = reader;
      try {
        if (i > 0) check(this.schema, this.firstName, reader, this.name);
        this.origins.start(reader.name, row);
        const file = { reader, startRow: row, path: this.files[i]!, rowsRead: 0 };
        yield file;
        row += reader.numRows ?? file.rowsRead;
      } finally {
        this.current = undefined;
        await reader.close();
      }
    }
  }

  /** Stream row `row` as a row of its file: "row 12 of data/part-1.parquet". */
  describeRow(row: number): string {
    return this.origins.describe(row);
  }

  async close(): Promise<void> {
    await this.first?.close();
    await this.current?.close();
    this.first = this.current = undefined;
  }
}

/** The layout of files read one after another: their row groups in order, and the codec of most of them; none unless every file is Parquet. */
function joinLayouts(layouts: readonly (ParquetLayout | undefined)[]): ParquetLayout | undefined {
  if (layouts.some((layout) => layout === undefined)) return undefined;
  const all = layouts as readonly ParquetLayout[];
  const groups = new Map<ParquetLayout['codec'], number>();
  for (const { codec, rowGroupRows } of all) groups.set(codec, (groups.get(codec) ?? 0) + rowGroupRows.length);
  const codec = [...groups].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  return { codec, rowGroupRows: all.flatMap((layout) => layout.rowGroupRows) };
}
