/**
 * The library's failures: a rejected promise with an exported error class
 * and the CLI's one-line message (settings named as options.x, not flags),
 * and never a word on the console or an exit.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { apply, Bn1dError, DataError, fit, normalize, readState, UsageError } from 'bn1d';
import { ROOT, scratch } from '../helpers/cli.js';

const WINE = join(ROOT, 'fixtures', 'real', 'wine.parquet');

const quiet = {
  stdout: vi.spyOn(process.stdout, 'write'),
  stderr: vi.spyOn(process.stderr, 'write'),
  log: vi.spyOn(console, 'log'),
  error: vi.spyOn(console, 'error'),
  warn: vi.spyOn(console, 'warn'),
  exit: vi.spyOn(process, 'exit'),
};

beforeEach(() => Object.values(quiet).forEach((spy) => spy.mockClear()));
afterEach(() => {
  // vitest itself may print between tests; within one, the library never does.
  for (const [name, spy] of Object.entries(quiet)) expect(spy, name).not.toHaveBeenCalled();
});

describe('errors', () => {
  test('a wrong setting is a UsageError naming it as an option', async () => {
    const attempts: [() => Promise<unknown>, RegExp][] = [
      [() => fit(WINE, { batchSize: 0 }), /^options.batchSize must be an integer of at least 1 \(got 0\)$/],
      [() => fit(WINE, { momentum: 1.5 }), /^options.momentum must be a number in \(0, 1\], or null/],
      [() => fit(WINE, { columns: ['alcohol'], exclude: ['ash'] }), /^options.exclude narrows the default selection; with options.columns/],
      [() => fit(WINE, { columns: ['alcohl'] }), /^options.columns: .*wine.parquet has no column "alcohl" \(did you mean "alcohol"\?\)/],
      [() => fit(WINE, { seed: 3 }), /^options.seed and options.shuffleBuffer need options.shuffle$/],
      [() => fit([], {}), /^no inputs/],
      [() => apply(WINE, null, { output: join(scratch(), 'x.parquet') }), /^a state is required in eval mode \(or pass options.mode train/],
      [() => apply(WINE, null, { output: join(scratch(), 'x.csv'), mode: 'train' }), /cannot tell the output format from ".*x.csv": .* or pass options.format/],
    ];
    for (const [attempt, message] of attempts) {
      const error = await attempt().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toBeInstanceOf(Bn1dError);
      expect((error as Error).message).toMatch(message);
    }
  });

  test('bad data or a missing file is a DataError with the message the CLI prints', async () => {
    const missing = join(scratch(), 'missing.parquet');
    const error = await fit(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(`cannot read ${missing}: no such file or directory`);
    await expect(readState(WINE)).rejects.toThrow(UsageError);
    await expect(readState(WINE)).rejects.toThrow(/is a Parquet data file, not a state/);
    const rows = normalize([], null, { mode: 'train' });
    await expect(rows.next()).rejects.toThrow(UsageError);
  });
});
