/**
 * A fit of Parquet and Arrow IPC files, read column chunk by column chunk,
 * against the row-wise loop over the same rows (the same files' record
 * batches handed over in memory, which the row-wise loop reads): the same
 * state bit for bit, trajectory included, and the same error when the data
 * is wrong, for nulls, lists, NaN skipping, epochs, drop-last and resume,
 * with batches that straddle row groups and files, and over DuckDB's
 * one-page column chunks, read in parts into buffers that are read into
 * again once a piece is trained on.
 */
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { stateDocument } from '../../src/core/state-json.js';
import { openFile } from '../../src/io/dataset/open-input.js';
import { createState } from '../../src/core/state.js';
import { type FitOptions, fitState } from '../../src/pipeline/fit.js';
import { runChannelEpochs } from '../../src/pipeline/fit-jobs.js';
import { InputSeries } from '../../src/pipeline/input-series.js';
import { librarySpelling } from '../../src/pipeline/options.js';
import { resolveSources } from '../../src/pipeline/sources.js';
import { scratch } from '../helpers/cli.js';
import { pl, polarsTable, writePolarsParquet } from '../helpers/polars-table.js';
import { walkPages } from '../io/parquet/page-walk.js';
import { writeOnePageTable } from './one-page-table.js';

const dir = scratch();
const FEATURES = ['x', 'fsl', 'li', 'f32', 'f64', 'dec', 'i16'];
const parts = [0, 1, 2].map((k) => join(dir, `part-${k}.parquet`));
const arrowFile = join(dir, 'all.arrow');
const nanFile = join(dir, 'nan.parquet');

beforeAll(() => {
  const df = polarsTable(5000);
  // Three files of 1,500, 2,000 and 1,500 rows in row groups of 700: batches cross row groups and files.
  writePolarsParquet(df.slice(0, 1500), parts[0]!, 'zstd', 700);
  writePolarsParquet(df.slice(1500, 2000), parts[1]!, 'snappy', 700);
  writePolarsParquet(df.slice(3500, 1500), parts[2]!, 'zstd', 700);
  df.writeIPC(arrowFile);
  // NaN in `a` from row 900 on and in `b` at row 300 only, in one row group.
  const a = Array.from({ length: 2000 }, (_, i) => (i >= 900 && i % 50 === 0 ? NaN : i / 7));
  const b = Array.from({ length: 2000 }, (_, i) => (i === 300 ? NaN : (i % 11) - 5));
  const one = Array.from({ length: 2000 }, (_, i) => i % 3);
  const c = Array.from({ length: 2000 }, (_, i) => (i === 1999 ? NaN : i));
  const columns = { a, b, one, c };
  pl.DataFrame(Object.entries(columns).map(([name, values]) => pl.Series(name, values, pl.Float64))).writeParquet(nanFile);
});

/** The files' record batches as bn1d reads them, handed to fit() in memory: the row-wise loop. */
async function batchesOf(paths: readonly string[]): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for (const path of paths) {
    const reader = await openFile(path);
    for await (const batch of reader.batches()) out.push(batch);
    await reader.close();
  }
  return out;
}

/** A state file's numbers (everything but the record of the inputs). */
async function numbers(inputs: Parameters<typeof fitState>[0], options: FitOptions): Promise<string> {
  const doc = stateDocument(await fitState(inputs, options));
  return JSON.stringify({ ...doc, fit: { ...doc.fit, inputs: undefined, files: undefined } });
}

async function errorOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the fit did not fail');
}

describe('a fit read column by column', () => {
  const cases: [string, FitOptions][] = [
    ['momentum 0.1, batches of 256', { columns: FEATURES }],
    ['momentum none, 3 epochs, batches of 64', { columns: FEATURES, momentum: null, epochs: 3, batchSize: 64 }],
    ['drop-last, batches of 1,000 (straddling files)', { columns: FEATURES, batchSize: 1000, dropLast: true, epochs: 2 }],
    ['NaN skipped, batches of 333', { columns: FEATURES, nan: 'skip', batchSize: 333 }],
    ['batches larger than a file', { columns: FEATURES, batchSize: 1700, momentum: 0.3 }],
  ];
  test.each(cases)('equals the row-wise loop over three Parquet files: %s', async (_, options) => {
    const expected = await numbers(await batchesOf(parts), options);
    expect(await numbers(parts, options)).toBe(expected);
  });

  test('equals the row-wise loop over an Arrow IPC file', async () => {
    const options: FitOptions = { columns: FEATURES, momentum: null, batchSize: 100 };
    expect(await numbers([arrowFile], options)).toBe(await numbers(await batchesOf([arrowFile]), options));
  });

  test('of an Arrow IPC file read column by column (done for batches over 64 MB) equals the row-wise loop', async () => {
    const sources = await resolveSources([arrowFile]);
    const series = new InputSeries(sources, true);
    const initial = createState({ features: FEATURES, momentum: null });
    const settings = { batchSize: 100, epochs: 2, dropLast: false, nan: 'error' as const, shuffle: undefined, samples: undefined, spell: librarySpelling };
    const byColumn = await runChannelEpochs(series, (await series.randomAccessFiles())!, initial, { ...settings, jobs: 1 });
    await series.close();
    const rowWise = await fitState(await batchesOf([arrowFile]), { columns: FEATURES, momentum: null, batchSize: 100, epochs: 2 });
    expect(JSON.stringify(stateDocument({ ...byColumn.state, fit: rowWise.fit }))).toBe(JSON.stringify(stateDocument(rowWise)));
  });

  test('resumed, it carries on as the row-wise loop does (trajectory included)', async () => {
    const first = stateDocument(await fitState([parts[0]!], { columns: FEATURES, batchSize: 128 }));
    const options: FitOptions = { resume: first, batchSize: 128, epochs: 2 };
    const expected = await numbers(await batchesOf(parts.slice(1)), options);
    expect(expected).toContain('"trajectory"');
    expect(await numbers(parts.slice(1), options)).toBe(expected);
  });

  test('reports the error the row-wise loop reports: the earliest batch, not the first column', async () => {
    const message = await errorOf(fitState([nanFile], { columns: ['a', 'b'] }));
    expect(message.replace(nanFile, 'record batches')).toBe(await errorOf(fitState(await batchesOf([nanFile]), { columns: ['a', 'b'] })));
    expect(message).toMatch(/^column "b" has NaN at row 300 of/);
  });

  test('reports NaN before a short batch of an earlier column, as the row-wise loop checks moments first', async () => {
    // 2,000 rows in batches of 1,999: the last batch is row 1,999 alone, too short for `one`, and NaN in `c`.
    const options: FitOptions = { columns: ['one', 'c'], batchSize: 1999 };
    const message = await errorOf(fitState([nanFile], options));
    expect(message.replace(nanFile, 'record batches')).toBe(await errorOf(fitState(await batchesOf([nanFile]), options)));
    expect(message).toMatch(/^column "c" has NaN at row 1,999 of/);
  });
});

describe('a fit of one-page column chunks of many pieces, as DuckDB writes them', () => {
  const big = join(dir, 'big.parquet');
  beforeAll(async () => {
    await writeOnePageTable(big);
  });

  test('has chunks of one page of over a MB', async () => {
    const { chunks } = await walkPages(big);
    const arr = chunks.filter((c) => c.path.startsWith('arr'));
    expect(arr.length).toBe(3);
    for (const chunk of arr.slice(0, 2)) {
      expect(chunk.pages.filter((p) => p.header.type === 'DATA_PAGE').length).toBe(1);
      expect(chunk.pages.at(-1)!.header.uncompressed_page_size).toBeGreaterThan(1 << 20);
    }
  });

  const cases: [string, FitOptions][] = [
    ['batches of 256', { columns: ['x', 'arr', 'lst'] }],
    ['batches of 1,000, 2 epochs, momentum none', { columns: ['x', 'arr', 'lst'], batchSize: 1000, epochs: 2, momentum: null }],
    ['batches of 40,000 (a batch holds pieces), drop-last', { columns: ['arr', 'lst'], batchSize: 40_000, dropLast: true }],
  ];
  test.each(cases)('equals the row-wise loop: %s', async (_, options) => {
    expect(await numbers([big], options)).toBe(await numbers(await batchesOf([big]), options));
  });
});
