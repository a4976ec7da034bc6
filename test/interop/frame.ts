/**
 * What the matrix asks of a reader: a file read as a Frame (names, types,
 * the numbers of features, differences of passthrough columns by the
 * reader's own equality), and how the reader names a feature's output type.
 */
import type { Format } from './writers.js';

/** A row of a feature: null, or its numbers (one for a scalar column), elements null where they are. */
export type Row = (number | null)[] | null;

export interface Frame {
  readonly names: string[];
  readonly rows: number;
  /** The full type of a column, as the reader states it. */
  type(name: string): string;
  /** The type's usual name, in which a normalized feature replaces the number type. */
  shortType(name: string): string;
  numbers(name: string): Promise<Row[]>;
  /** Where columns of `output` differ from this frame's, by the reader's equality: column → first difference. */
  differences(output: Frame, names: string[]): Promise<Map<string, string>>;
}

export interface Reader {
  name: string;
  reads(format: Format): boolean;
  /** Reads a file, leaving out the columns the reader cannot read. */
  open(path: string, format: Format, leaveOut: readonly string[]): Promise<Frame>;
  /** The short type of a normalized feature whose input has short type `input`. */
  featureType(input: string): string;
}

/** A value a reader gives for a feature row (a number, a bigint, a list of them, or null) as a Row. */
export const toRow = (value: unknown): Row =>
  value === null || value === undefined
    ? null
    : typeof value === 'object'
      ? Array.from(value as Iterable<unknown>, (v) => (v === null ? null : Number(v)))
      : [Number(value)];
