/**
 * Polars as a reader of the matrix (every format): its dtype names, the
 * Arrow field it writes for each dtype, Series equality.
 */
import { readFileSync } from 'node:fs';
import { RecordBatchReader, tableFromIPC } from 'apache-arrow';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import pl, { type DataFrame, type Series } from 'nodejs-polars';
import { fieldImage } from './arrow-image.js';
import { type Frame, type Reader, type Row, toRow } from './frame.js';

/** A number type in a Polars dtype name, which a normalized feature replaces. */
const LEAF = /\b(?:[iu](?:8|16|32|64|128)|f(?:16|32|64)|decimal\[[^\]]*\])(?=[\],]|$)/;

export class PolarsFrame implements Frame {
  constructor(readonly df: DataFrame) {}
  /** The frame with these columns cast to String. */
  withStrings(names: string[]): PolarsFrame {
    return names.length ? new PolarsFrame(this.df.withColumns(...names.map((n) => pl.col(n).cast(pl.String)))) : this;
  }
  get names() {
    return this.df.columns;
  }
  get rows() {
    return this.df.height;
  }
  shortType(name: string): string {
    return /^Series: '.*' \[(.*)\]$/m.exec(this.df.getColumn(name).slice(0, 0).toString())?.[1] ?? '?';
  }
  /** Polars' name of the type, and the Arrow field Polars writes for it (which spells out units, zones, fields, categories). */
  type(name: string): string {
    const field = tableFromIPC(this.df.select(name).head(0).writeIPC()).schema.fields[0]!;
    return `${this.shortType(name)} = ${fieldImage(field)}`;
  }
  async numbers(name: string): Promise<Row[]> {
    return Array.from(this.df.getColumn(name).toArray() as unknown[], toRow);
  }
  async differences(output: Frame, names: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of names) {
      const a = this.df.getColumn(name);
      const b = (output as PolarsFrame).df.getColumn(name);
      const difference = seriesDifference(a, b);
      if (difference) out.set(name, difference);
    }
    return out;
  }
}

const shown = (s: Series, i: number) => s.slice(i, 1).toString().split('\n').slice(3, -1).join(' ').trim();

/** The first row where two series differ by Polars' equality (nulls equal), found by bisection; null when equal. */
function seriesDifference(a: Series, b: Series): string | null {
  if (a.length !== b.length) return `${b.length} rows, input ${a.length}`;
  const equal = (from: number, length: number) => a.slice(from, length).seriesEqual(b.slice(from, length), true, true);
  try {
    if (equal(0, a.length)) return null;
    let [lo, hi] = [0, a.length];
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (equal(lo, mid - lo)) lo = mid;
      else hi = mid;
    }
    return `first row ${lo} differs: ${shown(b, lo)}, input ${shown(a, lo)}`;
  } catch (error) {
    return `Polars cannot compare them: ${(error as Error).message.split('\n')[0]}`;
  }
}

export const polarsReader: Reader = {
  name: 'polars',
  reads: () => true,
  async open(path, format, leaveOut) {
    const bytes = readFileSync(path);
    let columns: string[] | undefined;
    if (leaveOut.length) {
      // Polars fails on the whole file, its schema included, for a type it cannot read: the names come from the footer or schema.
      const names =
        format === 'parquet'
          ? parquetSchema(parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))).children.map((c) => c.element.name)
          : RecordBatchReader.from(bytes).open().schema.fields.map((f) => f.name);
      columns = names.filter((n) => !leaveOut.includes(n));
    }
    const options = columns ? { columns } : {};
    // nodejs-polars 0.25 fails to read an IPC stream from a path: bytes for every format.
    const read = format === 'parquet' ? pl.readParquet : format === 'arrow' ? pl.readIPC : pl.readIPCStream;
    return new PolarsFrame(read(bytes, options));
  },
  featureType: (input) => input.replace(LEAF, /\bf64\b/.test(input) ? 'f64' : 'f32'),
};

