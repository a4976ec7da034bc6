/**
 * Row-major (N, C) and (N, C, L) arrays, laid out as a contiguous PyTorch
 * tensor, to and from the per-channel columns the core computes on: value
 * (i, k, j) sits at index (i * C + k) * L + j, and channel k's column holds
 * its N * L values in (N, L) order, the order the statistics reduce in.
 */
import type { ColumnData, FloatArray } from './column.js';
import { UsageError } from './errors.js';

/** "[N, C, L]" */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** [N, C, L] of an input of `shape` [N, C] or [N, C, L] (L = 1 for [N, C]), or a UsageError saying what is wrong with it. */
export function checkedShape(x: FloatArray, shape: readonly number[], channels: number, where = 'BatchNorm1d.forward'): [number, number, number] {
  if (!(x instanceof Float32Array || x instanceof Float64Array)) throw new UsageError(`${where}: x must be a Float32Array or a Float64Array`);
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 3)) {
    const got = Array.isArray(shape) ? `${shape.length}D input` : String(shape);
    throw new UsageError(`${where}: expected a shape [N, C] or [N, C, L] (got ${got})`);
  }
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new UsageError(`${where}: the shape must hold integers >= 0 (got ${formatShape(shape)})`);
  const [n, c, l = 1] = shape as [number, number, number?];
  if (c !== channels) throw new UsageError(`${where}: expected ${channels} channels (shape[1]), got ${c}`);
  if (x.length !== n * c * l) throw new UsageError(`${where}: x holds ${x.length} values, but the shape ${formatShape(shape)} needs ${n * c * l}`);
  return [n, c, l];
}

/** Every channel of a row-major (N, C, L) array as a column: a list column of L values per row if `lists`, else scalar (L = 1). */
export function channelColumns(x: FloatArray, n: number, c: number, l: number, lists: boolean): ColumnData[] {
  return Array.from({ length: c }, (_, k) => {
    const values = x instanceof Float32Array ? new Float32Array(n * l) : new Float64Array(n * l);
    for (let i = 0; i < n; i++) {
      const from = (i * c + k) * l;
      for (let j = 0; j < l; j++) values[i * l + j] = x[from + j]!;
    }
    return lists ? { values, listSize: l } : { values };
  });
}

/** Per-channel values (N * L each, in (N, L) order) back into one row-major (N, C, L) array. */
export function interleaveChannels(columns: readonly FloatArray[], n: number, c: number, l: number): Float64Array {
  const y = new Float64Array(n * c * l);
  columns.forEach((values, k) => {
    for (let i = 0; i < n; i++) {
      const to = (i * c + k) * l;
      for (let j = 0; j < l; j++) y[to + j] = values[i * l + j]!;
    }
  });
  return y;
}
