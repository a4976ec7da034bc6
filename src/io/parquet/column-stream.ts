/**
 * One column of a row group written as its rows come, a run of rows (an
 * Arrow Data) at a time: flat numeric columns (flat-pages.ts) and lists of
 * numbers (list-pages.ts) are written page by page, each push writing the
 * pages its rows complete, so that only a page's worth of rows waits; any
 * other column is gathered and written whole when it ends
 * (column-write.ts). The first run decides which, and the pages are those
 * the same rows written whole would have.
 */
import type { Data } from 'apache-arrow';
import { DataError } from '../../core/errors.js';
import type { WriteCodec } from './codecs.js';
import { writeGathered } from './column-encode.js';
import type { ChunkOut } from './file-write.js';
import { FlatPages } from './flat-pages.js';
import { ListPages, listRun, listShape } from './list-pages.js';
import { type FlatValues, isFlatType, isFlatValues } from './pages-out.js';
import { physicalValues } from './physical.js';
import { sortOrder } from './statistics.js';
import type { Writer } from './thrift-write.js';
import type { WriteColumn } from './write-plan.js';

/** A column of a row group being written. */
export interface ColumnStream {
  /** Adds a run of rows, writing the pages it completes; unless keepsRuns, the run's buffers may be used again once it returns. */
  push(data: Data): void;
  /** Writes what is left; returns the column's chunks, one per leaf. */
  finish(): ChunkOut[];
  /** Rows given so far. */
  readonly rows: number;
  /** Whether it keeps the runs it was given (a column written whole) rather than what it needs of them. */
  readonly keepsRuns: boolean;
}

/**
 * A stream of column `column`'s rows into `writer`, at the writer's
 * position; `rows`, when given, is how many the column will have (the run
 * that ends them need not wait for more).
 */
export function openColumnStream(writer: Writer, column: WriteColumn, codec: WriteCodec, rows?: number): ColumnStream {
  let open: ColumnStream | undefined;
  return {
    push(data) {
      open ??= flatStream(writer, column, codec, data, rows) ?? listStream(writer, column, codec, data) ?? gathered(writer, column, codec);
      open.push(data);
    },
    finish() {
      if (!open) throw new Error(`column "${column.name}" was given no rows`);
      return open.finish();
    },
    get rows() {
      return open?.rows ?? 0;
    },
    get keepsRuns() {
      return open?.keepsRuns ?? true;
    },
  };
}

function flatValues(column: WriteColumn, data: Data): FlatValues | undefined {
  const { node } = column;
  if (node.kind !== 'leaf' || node.maxRep !== 0 || !isFlatType(node.element)) return undefined;
  const values = physicalValues(node.element, data, column.name);
  return isFlatValues(node.element, values) ? values : undefined;
}

function flatStream(writer: Writer, column: WriteColumn, codec: WriteCodec, first: Data, rows: number | undefined): ColumnStream | undefined {
  if (!flatValues(column, first)) return undefined;
  const { node } = column;
  const pages = new FlatPages(writer, column.leafPaths[0]!, sortOrder(node.element), codec, rows);
  return {
    push(data) {
      const values = flatValues(column, data);
      if (!values) throw new Error(`column "${column.name}": runs of different types`);
      const validity = data.nullCount > 0 && data.nullBitmap ? { bitmap: data.nullBitmap, offset: data.offset } : undefined;
      if (validity && !node.nullable) throw new DataError(`column "${column.name}" holds a null where its Parquet schema requires a value`);
      pages.push(values, validity);
    },
    finish: () => [pages.finish()],
    get rows() {
      return pages.rows;
    },
    keepsRuns: false,
  };
}

function listStream(writer: Writer, column: WriteColumn, codec: WriteCodec, first: Data): ColumnStream | undefined {
  const shape = listShape(column);
  const firstRun = shape && listRun(column, shape.leaf, first);
  if (!shape || !firstRun) return undefined;
  const pages = new ListPages(writer, column, shape.list, shape.leaf, codec, firstRun.values.BYTES_PER_ELEMENT);
  let next: typeof firstRun | undefined = firstRun;
  return {
    push(data) {
      const run = next ?? listRun(column, shape.leaf, data);
      next = undefined;
      if (!run) throw new Error(`column "${column.name}": runs of different types`);
      pages.push(run);
    },
    finish: () => [pages.finish()],
    get rows() {
      return pages.rows;
    },
    keepsRuns: false,
  };
}

/** Any other column: its runs gathered, and written whole at the end. */
function gathered(writer: Writer, column: WriteColumn, codec: WriteCodec): ColumnStream {
  const parts: Data[] = [];
  let rows = 0;
  return {
    push(data) {
      parts.push(data);
      rows += data.length;
    },
    finish: () => writeGathered(writer, column, parts, codec),
    get rows() {
      return rows;
    },
    keepsRuns: true,
  };
}
