/** Loads the PyTorch goldens of fixtures/goldens/ (written by scripts/make-goldens.py). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnData } from '../../src/core/column.js';
import { type NumericArray, toFloat64 } from '../../src/core/to-float64.js';

export const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/goldens/', import.meta.url));

type Cell = number | null | (number | null)[];

export interface Golden {
  name: string;
  description: string;
  config: {
    num_features: number;
    eps: number;
    momentum: number | null;
    affine: boolean;
    track_running_stats: boolean;
    batch_size: number;
    epochs: number;
    drop_last: boolean;
  };
  dtype: string;
  layout: '2d' | '3d' | 'ragged';
  list_size: number | null;
  input: Cell[][];
  initial: {
    weight: number[] | null;
    bias: number[] | null;
    running_mean: number[] | null;
    running_var: number[] | null;
    num_batches_tracked: number | null;
  };
  fitted: { running_mean: number[]; running_var: number[]; num_batches_tracked: number } | null;
  /** The first epoch's training batches, with PyTorch's save_mean and save_invstd per channel. */
  train_batches: { start: number; end: number; mean: number[]; invstd: number[] }[];
  train_output: Cell[][];
  eval_output: Cell[][];
}

export function loadGoldens(): Golden[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(GOLDEN_DIR, f), 'utf8')) as Golden);
}

/** IEEE half-precision bits of a number that float16 represents exactly. */
export function halfBits(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === 0) return sign;
  if (a < 2 ** -14) return sign | (a / 2 ** -24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  return sign | ((e + 15) << 10) | ((a / 2 ** e - 1) * 1024);
}

const ARRAYS: Record<string, (n: number) => NumericArray> = {
  float64: (n) => new Float64Array(n),
  float32: (n) => new Float32Array(n),
  float16: (n) => new Uint16Array(n),
  int8: (n) => new Int8Array(n),
  uint8: (n) => new Uint8Array(n),
  int16: (n) => new Int16Array(n),
  int32: (n) => new Int32Array(n),
  uint32: (n) => new Uint32Array(n),
  int64: (n) => new BigInt64Array(n),
};

/** Flat values (null where missing; a null fixed-size row is list_size nulls) and row offsets of one golden column. */
export function flatten(rows: Cell[], golden: Golden): { flat: (number | null)[]; offsets: number[] } {
  const flat: (number | null)[] = [];
  const offsets = [0];
  for (const row of rows) {
    if (golden.layout === '2d') flat.push(row as number | null);
    else if (row === null && golden.layout === '3d') for (let j = 0; j < golden.list_size!; j++) flat.push(null);
    else for (const v of (row as (number | null)[] | null) ?? []) flat.push(v);
    offsets.push(flat.length);
  }
  return { flat, offsets };
}

/**
 * A golden input column as the core sees it: values stored in the golden's
 * dtype, widened by toFloat64; null slots hold NaN so that a null that
 * leaked into a statistic would show.
 */
export function goldenColumn(golden: Golden, rows: Cell[]): ColumnData {
  const { flat, offsets } = flatten(rows, golden);
  const make = ARRAYS[golden.dtype];
  if (!make) throw new Error(`no typed array for ${golden.dtype}`);
  const typed = make(flat.length);
  flat.forEach((v, i) => {
    const x = v ?? 0;
    if (typed instanceof BigInt64Array) typed[i] = BigInt(x);
    else typed[i] = golden.dtype === 'float16' ? halfBits(x) : x;
  });
  const values = toFloat64(typed, { float16: golden.dtype === 'float16' });
  const hasNull = flat.some((v) => v === null);
  const valid = hasNull ? Uint8Array.from(flat, (v) => (v === null ? 0 : 1)) : undefined;
  valid?.forEach((ok, i) => {
    if (!ok) values[i] = NaN;
  });
  return column(golden, values, valid, offsets);
}

function column(golden: Golden, values: Float64Array, valid: Uint8Array | undefined, offsets: number[]): ColumnData {
  if (golden.layout === 'ragged') return { values, valid, offsets: Int32Array.from(offsets) };
  if (golden.layout === '3d') return { values, valid, listSize: golden.list_size! };
  return { values, valid };
}
