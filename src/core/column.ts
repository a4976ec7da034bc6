/**
 * One feature column over a run of rows, as float64 values: the shape every
 * function in src/core works on.
 *
 * - A scalar column has one value per row.
 * - A fixed-size list column (`listSize` = L) has L values per row, row after row.
 * - A variable list column has `offsets` (length rows + 1): row r holds
 *   `values[offsets[r] - offsets[0] .. offsets[r + 1] - offsets[0])`. Offsets
 *   need not start at 0, so a slice of rows shares the offsets array.
 *
 * Either way the values of consecutive rows are contiguous, so the statistics
 * of a channel over a batch are one loop over `values`.
 */
/** Values the core computes on. */
export type FloatArray = Float64Array | Float32Array;

export interface ColumnData {
  /**
   * Every value of these rows, in row order (list elements flattened).
   * Float32 values are taken as they are: each widens to float64 exactly.
   */
  readonly values: FloatArray;
  /** Per value: 1 valid, 0 null. Absent when every value is valid. */
  readonly valid?: Uint8Array | undefined;
  /** Values per row of a fixed-size list column. */
  readonly listSize?: number | undefined;
  /** Row boundaries of a variable list column, length rows + 1. */
  readonly offsets?: Int32Array | undefined;
}

/** Number of rows a column holds. */
export function columnRows(column: ColumnData): number {
  if (column.offsets) return column.offsets.length - 1;
  if (column.listSize !== undefined) return column.listSize === 0 ? 0 : column.values.length / column.listSize;
  return column.values.length;
}

/** Index range of `values` that rows [start, end) occupy. */
export function valueRange(column: ColumnData, start: number, end: number): [number, number] {
  const { offsets, listSize } = column;
  if (offsets) return [offsets[start]! - offsets[0]!, offsets[end]! - offsets[0]!];
  if (listSize !== undefined) return [start * listSize, end * listSize];
  return [start, end];
}

/** Rows [start, end) of a column, as views: nothing is copied. */
export function sliceColumn(column: ColumnData, start: number, end: number): ColumnData {
  const [from, to] = valueRange(column, start, end);
  return {
    values: column.values.subarray(from, to),
    valid: column.valid?.subarray(from, to),
    listSize: column.listSize,
    offsets: column.offsets?.subarray(start, end + 1),
  };
}

/** The parts' rows one after another, copied into new arrays. */
export function concatColumns(parts: readonly ColumnData[]): ColumnData {
  const first = parts[0];
  if (!first) throw new Error('concatColumns needs at least one part');
  return parts.length === 1 ? first : joinColumns(parts);
}

/** A copy of a column's rows: it holds no view of the arrays it was cut from. */
export function copyColumn(column: ColumnData): ColumnData {
  return joinColumns([column]);
}

function joinColumns(parts: readonly ColumnData[]): ColumnData {
  const first = parts[0]!;
  let size = 0;
  let rows = 0;
  let anyNull = false;
  for (const part of parts) {
    size += part.values.length;
    rows += columnRows(part);
    anyNull ||= part.valid !== undefined;
  }
  // Float32 parts stay float32 (exact, half the memory); any float64 part makes it float64.
  const values = parts.every((p) => p.values instanceof Float32Array) ? new Float32Array(size) : new Float64Array(size);
  const valid = anyNull ? new Uint8Array(size) : undefined;
  const offsets = first.offsets ? new Int32Array(rows + 1) : undefined;
  let at = 0;
  let row = 0;
  for (const part of parts) {
    values.set(part.values, at);
    if (valid) {
      if (part.valid) valid.set(part.valid, at);
      else valid.fill(1, at, at + part.values.length);
    }
    if (offsets && part.offsets) {
      const base = part.offsets[0]!;
      for (let r = 1; r < part.offsets.length; r++) offsets[row + r] = at + part.offsets[r]! - base;
      row += part.offsets.length - 1;
    }
    at += part.values.length;
  }
  return { values, valid, listSize: first.listSize, offsets };
}

/** The row (0-based, within the column) that holds value `index`. */
export function rowOfValue(column: ColumnData, index: number): number {
  const { offsets, listSize } = column;
  if (offsets) {
    const target = index + offsets[0]!;
    let lo = 0;
    let hi = offsets.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (offsets[mid]! <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  if (listSize !== undefined) return Math.floor(index / listSize);
  return index;
}

/** Index of the first valid value that is NaN or ±Infinity, or -1. */
export function firstNonFinite(column: ColumnData): number {
  const { values, valid } = column;
  for (let i = 0; i < values.length; i++) {
    if ((!valid || valid[i]) && !Number.isFinite(values[i]!)) return i;
  }
  return -1;
}
