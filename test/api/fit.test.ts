/**
 * The library's fit(), called as a user's TypeScript file calls it: from the
 * package's name, type-checked against the .d.ts it ships. The CLI and the
 * library must agree bit for bit, whatever form the same rows come in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RecordBatch, tableFromArrays, tableFromIPC } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { fit, type FitProgress, type State, UsageError } from 'bn1d';
import { ok, ROOT, scratch } from '../helpers/cli.js';
import { pl } from '../helpers/polars-table.js';

const WINE = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const DIGITS = join(ROOT, 'fixtures', 'real', 'digits.parquet');

/** The wine table as apache-arrow reads Polars' Arrow IPC file of it: rows that never went through bn1d's readers. */
function wineTable() {
  return tableFromIPC(pl.readParquet(readFileSync(WINE)).writeIPC());
}

/** The state without the record of which inputs it came from. */
function withoutInputs(state: State): unknown {
  return { ...state, fit: { ...state.fit, inputs: undefined } };
}

async function* stream(batches: readonly RecordBatch[]): AsyncGenerator<RecordBatch> {
  for (const batch of batches) yield batch;
}

describe('fit()', () => {
  test('resolves to the document the CLI writes for the same flags', async () => {
    const dir = scratch();
    const path = join(dir, 'stats.json');
    await ok(['fit', WINE, '-b', '32', '-e', '2', '--momentum', 'none', '-s', path]);
    const state = await fit(WINE, { batchSize: 32, epochs: 2, momentum: null });
    expect(state).toStrictEqual(JSON.parse(readFileSync(path, 'utf8')));
    expect(state.num_batches_tracked).toBe(12); // 178 rows: 6 batches of at most 32, twice
    expect(state.momentum).toBeNull();
  });

  test('an in-memory Table gives the state of the same rows read from their file, bit for bit', async () => {
    const table = wineTable();
    const options = { batchSize: 20, epochs: 3, momentum: 0.3 };
    const fromTable = await fit(table, options);
    const fromFile = await fit(WINE, options);
    expect(fromTable.fit?.inputs).toEqual(['table']);
    expect(withoutInputs(fromTable)).toStrictEqual(withoutInputs(fromFile));
    // The Table's batches are not the file's row groups: the batches were cut across them the same way.
    expect(fromTable.running_var).not.toStrictEqual(new Array(14).fill(1));
  });

  test('record batches, as an array or an async iterator, give the same state as the Table', async () => {
    const table = wineTable();
    const batches = table.batches.flatMap((b) => [b.slice(0, 50), b.slice(50, 51), b.slice(51)]);
    const fromTable = await fit(table, { batchSize: 16 });
    expect(withoutInputs(await fit(batches, { batchSize: 16 }))).toStrictEqual(withoutInputs(fromTable));
    expect(withoutInputs(await fit(stream(batches), { batchSize: 16 }))).toStrictEqual(withoutInputs(fromTable));
    // An array is read again for every epoch; an iterator cannot be.
    expect((await fit(batches, { batchSize: 16, epochs: 2 })).num_batches_tracked).toBe(24);
    await expect(fit(stream(batches), { batchSize: 16, epochs: 2 })).rejects.toThrow(UsageError);
    await expect(fit(stream(batches), { batchSize: 16, epochs: 2 })).rejects.toThrow(/can be read once/);
  });

  test('columns, exclude, affine and dropLast select and shape the state as the flags do', async () => {
    const dir = scratch();
    const path = join(dir, 'stats.json');
    await ok(['fit', WINE, '-c', 'proline,alcohol', '--no-affine', '--drop-last', '-b', '50', '-s', path]);
    const state = await fit(WINE, { columns: ['proline', 'alcohol'], affine: false, dropLast: true, batchSize: 50 });
    expect(state).toStrictEqual(JSON.parse(readFileSync(path, 'utf8')));
    expect(state.features).toEqual(['proline', 'alcohol']);
    expect(state.weight).toBeNull();
    expect(state.num_batches_tracked).toBe(3); // 178 = 3 × 50 + 28, the 28 dropped
    const excluded = await fit(WINE, { exclude: ['target'] });
    expect(excluded.features).toHaveLength(13);
    expect(excluded.features).not.toContain('target');
  });

  test('a shuffled fit with a seed equals the CLI one, and records the seed', async () => {
    const dir = scratch();
    const path = join(dir, 'stats.json');
    await ok(['fit', DIGITS, '--shuffle', '--seed', '7', '--shuffle-buffer', '100', '-e', '2', '-s', path]);
    const state = await fit(DIGITS, { shuffle: true, seed: 7, shuffleBuffer: 100, epochs: 2 });
    expect(state).toStrictEqual(JSON.parse(readFileSync(path, 'utf8')));
    expect(state.fit?.shuffle).toEqual({ seed: 7, buffer: 100 });
  });

  test('resume carries on from a document as from its file: 1 + 1 epochs equal 2', async () => {
    const once = await fit(WINE, { batchSize: 40 });
    const twice = await fit(WINE, { batchSize: 40, epochs: 2 });
    const resumed = await fit(WINE, { batchSize: 40, resume: once });
    expect(resumed.running_mean).toStrictEqual(twice.running_mean);
    expect(resumed.running_var).toStrictEqual(twice.running_var);
    expect(resumed.num_batches_tracked).toBe(twice.num_batches_tracked);
    await expect(fit(WINE, { resume: once, eps: 0.1 })).rejects.toThrow(/options.eps cannot be combined with options.resume/);
  });

  test('onProgress counts every row of every epoch against the total the footers give', async () => {
    const seen: FitProgress[] = [];
    await fit(DIGITS, { batchSize: 100, epochs: 2, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ rows: 2 * 1797, totalRows: 2 * 1797, epoch: 2, epochs: 2, batches: 2 * 18 });
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows);
      expect(seen[i]!.batches).toBeGreaterThanOrEqual(seen[i - 1]!.batches);
    }
  });

  test('an aborted signal stops the fit with its reason', async () => {
    const controller = new AbortController();
    const run = fit(DIGITS, { batchSize: 10, signal: controller.signal, onProgress: () => controller.abort(new Error('enough')) });
    await expect(run).rejects.toThrow('enough');
    await expect(fit(DIGITS, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('onWarning hears of integers float64 rounds, once per column', async () => {
    const warnings: string[] = [];
    const table = tableFromArrays({ big: BigInt64Array.from([2n ** 60n + 1n, 1n, 2n ** 60n + 3n]), small: Float64Array.from([1, 2, 3]) });
    const state = await fit(table, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/column "big" of table holds integers beyond 2\^53/);
    expect(state.features).toEqual(['big', 'small']);
  });
});
