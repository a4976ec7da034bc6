/**
 * plan + map + fold against a sequential fit of the same Polars-written
 * files (nulls, fixed-size and ragged lists, float32, decimals, row groups
 * of 700 rows in three files): the same state bit for bit, trajectory
 * included, whatever the shards (cut inside files and row groups), the
 * order they are folded in and the format of the moments, for momentum 0.1
 * and none, epochs, --drop-last, --nan skip and --resume; and the same
 * errors.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { stateDocument, type StateDocument } from '../../src/core/state-json.js';
import { type FitOptions, fit, fitState } from '../../src/pipeline/fit.js';
import { fold, type FoldOptions } from '../../src/pipeline/fold.js';
import { map } from '../../src/pipeline/map.js';
import { plan, type PlanOptions } from '../../src/pipeline/plan.js';
import { scratch } from '../helpers/cli.js';
import { pl, polarsTable, writePolarsParquet } from '../helpers/polars-table.js';

const dir = scratch();
const FEATURES = ['x', 'fsl', 'li', 'f32', 'f64', 'dec', 'i16'];
const folder = join(dir, 'dataset');
const parts = [0, 1, 2].map((k) => join(folder, `part-${k}.parquet`));
const arrowFile = join(dir, 'all.arrow');
const nanFile = join(dir, 'nan.parquet');

beforeAll(() => {
  mkdirSync(folder);
  const df = polarsTable(5000);
  writePolarsParquet(df.slice(0, 1500), parts[0]!, 'zstd', 700);
  writePolarsParquet(df.slice(1500, 2000), parts[1]!, 'snappy', 700);
  writePolarsParquet(df.slice(3500, 1500), parts[2]!, 'zstd', 700);
  df.writeIPC(arrowFile);
  // NaN in `a` at row 1,000 only, and in `c` in the last row; `one` is constant.
  const a = Array.from({ length: 2001 }, (_, i) => (i === 1000 ? NaN : i / 7));
  const c = Array.from({ length: 2001 }, (_, i) => (i === 2000 ? NaN : i % 13));
  const one = Array.from({ length: 2001 }, (_, i) => i % 3);
  const b = Array.from({ length: 2001 }, (_, i) => (i === 300 ? NaN : i % 5));
  const columns = [pl.Series('a', a, pl.Float64), pl.Series('c', c, pl.Float64), pl.Series('one', one, pl.Float64), pl.Series('b', b, pl.Float64)];
  pl.DataFrame(columns).writeParquet(nanFile);
});

let runs = 0;
/** Plans, maps every shard (Parquet and Arrow moments, alternately) and folds them in a scrambled order. */
async function planMapFold(inputs: string[], planOptions: PlanOptions, foldOptions: FoldOptions): Promise<StateDocument> {
  const made = await plan(inputs, planOptions);
  const run = runs++;
  const files: string[] = [];
  for (const shard of made.shards) {
    const file = join(dir, `m${run}-${shard.shard}.${shard.shard % 2 ? 'arrow' : 'parquet'}`);
    await map(made, shard.shard, file);
    files.push(file);
  }
  // Every third file first, then the rest backwards: any order folds the same.
  const order = [...files.filter((_, i) => i % 3 === 0), ...files.filter((_, i) => i % 3 !== 0).reverse()];
  return fold(order, foldOptions);
}

/** A state document without the record of how it was made (fold adds `folded`). */
function numbers(doc: StateDocument): string {
  const { folded: _f, ...fitRecord } = (doc.fit ?? {}) as Record<string, unknown>;
  return JSON.stringify({ ...doc, fit: fitRecord });
}

async function errorOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('it did not fail');
}

type Case = [string, PlanOptions, FoldOptions];
const cases: Case[] = [
  ['momentum 0.1, batches of 256, 5 shards', { columns: FEATURES, shards: 5 }, {}],
  ['momentum none, 3 epochs, batches of 64, shards of 700 rows (inside row groups)', { columns: FEATURES, batchSize: 64, shardRows: 700 }, { momentum: null, epochs: 3 }],
  ['drop-last, batches of 1,000 crossing files, 2 epochs', { columns: FEATURES, batchSize: 1000, shards: 3 }, { dropLast: true, epochs: 2 }],
  ['NaN skipped, batches of 333, 4 shards', { columns: FEATURES, batchSize: 333, nan: 'skip', shards: 4 }, { momentum: 0.25 }],
  ['batches larger than a file, one shard per batch', { columns: FEATURES, batchSize: 1700, shards: 100 }, { momentum: 0.3, eps: 1e-3 }],
  ['the default features (but two), no affine', { exclude: ['i64', 'u64'], shards: 2 }, { affine: false }],
];

describe('plan, map and fold', () => {
  test.each(cases)('equal a fit of three Parquet files: %s', async (_, planOptions, foldOptions) => {
    const fitOptions: FitOptions = { ...planOptions, ...foldOptions } as FitOptions;
    delete (fitOptions as PlanOptions).shards;
    delete (fitOptions as PlanOptions).shardRows;
    const expected = numbers(await fit(parts, fitOptions));
    expect(expected).toContain('"trajectory"');
    expect(numbers(await planMapFold(parts, planOptions, foldOptions))).toBe(expected);
  });

  test('equal a fit of a dataset folder (the state counts its files)', async () => {
    const expected = await fit([folder], { columns: FEATURES, batchSize: 500 });
    expect((expected.fit as { files: number }).files).toBe(3);
    expect(numbers(await planMapFold([folder], { columns: FEATURES, batchSize: 500, shards: 3 }, {}))).toBe(numbers(expected));
  });

  test('equal a fit of an Arrow IPC file', async () => {
    const expected = numbers(await fit([arrowFile], { columns: FEATURES, batchSize: 100, momentum: null }));
    expect(numbers(await planMapFold([arrowFile], { columns: FEATURES, batchSize: 100, shards: 7 }, { momentum: null }))).toBe(expected);
  });

  test('equal fit --jobs 2 (the fit on worker threads)', async () => {
    process.env.BN1D_JOB_BYTES = '1';
    try {
      const threaded = numbers(stateDocument(await fitState(parts, { columns: FEATURES, jobs: 2, epochs: 2, batchSize: 200 })));
      expect(numbers(await planMapFold(parts, { columns: FEATURES, batchSize: 200, shards: 3 }, { epochs: 2 }))).toBe(threaded);
    } finally {
      delete process.env.BN1D_JOB_BYTES;
    }
  });

  test('resumed, carry on as a resumed fit does', async () => {
    const first = await fit([parts[0]!], { columns: FEATURES, batchSize: 128 });
    const expected = numbers(await fit(parts.slice(1), { resume: first, batchSize: 128, epochs: 2 }));
    expect(numbers(await planMapFold(parts.slice(1), { columns: FEATURES, batchSize: 128, shards: 4 }, { resume: first, epochs: 2 }))).toBe(expected);
  });

  test('record the plan and the shards they were folded from', async () => {
    const doc = await planMapFold(parts, { columns: ['x'], shards: 3 }, {});
    expect(doc.fit).toMatchObject({ folded: { shards: 3 }, inputs: parts });
    expect((doc.fit as { folded: { plan: string } }).folded.plan).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('plan, map and fold of wrong data', () => {
  test('map stops at a NaN with the error fit gives', async () => {
    const expected = await errorOf(fit([nanFile], { columns: ['a'], batchSize: 100 }));
    expect(expected).toMatch(/^column "a" has NaN at row 1,000 of/);
    const made = await plan([nanFile], { columns: ['a'], batchSize: 100, shards: 3 });
    const shard = made.shards.find((s) => s.start_row <= 1000 && 1000 < s.start_row + s.rows)!;
    expect(await errorOf(map(made, shard.shard, join(dir, 'nan-moments.parquet')))).toBe(expected);
  });

  test('map reports the earliest batch, as fit does, when two columns have NaN in one row group', async () => {
    const expected = await errorOf(fit([nanFile], { columns: ['a', 'b'], batchSize: 100 }));
    expect(expected).toMatch(/^column "b" has NaN at row 300 of/);
    const made = await plan([nanFile], { columns: ['a', 'b'], batchSize: 100, shards: 1 });
    expect(await errorOf(map(made, 0, join(dir, 'nan-both.parquet')))).toBe(expected);
  });

  test('a NaN in the final short batch fails the fold as it fails the fit, and --drop-last drops it as fit does', async () => {
    const options = { columns: ['c'], batchSize: 500 };
    const expected = await errorOf(fit([nanFile], options));
    expect(expected).toMatch(/^column "c" has NaN at row 2,000 of/);
    expect(await errorOf(planMapFold([nanFile], { ...options, shards: 2 }, {}))).toBe(expected);
    const dropped = numbers(await fit([nanFile], { ...options, dropLast: true }));
    expect(numbers(await planMapFold([nanFile], { ...options, shards: 2 }, { dropLast: true }))).toBe(dropped);
  });

  test('a batch with one value fails the fold with the message fit gives', async () => {
    // 2,001 rows in batches of 1,000: the last batch is row 2,000 alone.
    const options = { columns: ['one'], batchSize: 1000 };
    const expected = await errorOf(fit([nanFile], options));
    expect(expected).toMatch(/^batch 2 \(row 2,000 of .*\) has only 1 value in column "one"/);
    expect(await errorOf(planMapFold([nanFile], { ...options, shards: 2 }, {}))).toBe(expected);
  });
});
