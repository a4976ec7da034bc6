/**
 * Every file of the shared third-party test data (apache/parquet-testing,
 * apache/arrow-testing, fuzz cases and bad data included) through the
 * executable: the files of MUST_READ are fitted (all numeric columns) and
 * applied, and the output is read back by an independent reader; every
 * other file is refused with one clear line. Nothing may crash, print a
 * stack trace, or take more than 20 s.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { openParquet } from '../../src/io/parquet/read.js';
import { bn1d, type Run, scratch, SHARED } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { FIT_ONLY, MUST_READ } from './corpus-expectations.js';

const NOT_DATA = /\.(md|txt|csv|json|gz)$|LICENSE/;
const files: string[] = [];
const walk = (dir: string): void => {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (!NOT_DATA.test(entry)) files.push(relative(SHARED, path));
  }
};
walk(join(SHARED, 'parquet-testing'));
walk(join(SHARED, 'arrow-testing'));
files.sort();

const dir = scratch();
const TIMEOUT = 20_000;

/** Runs `count` jobs at a time. */
async function pool<T>(items: readonly T[], count: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: count }, async () => {
    while (next < items.length) await job(items[next++]!);
  }));
}

/** stderr of a successful run: nothing but warnings (such as int64 values beyond 2^53). */
const onlyWarnings = (stderr: string) => stderr.split('\n').every((line) => line === '' || line.startsWith('bn1d: warning: '));

function cleanRefusal(run: Run, file: string): void {
  expect({ file, code: run.code, signal: run.signal }).toEqual({ file, code: 1, signal: null });
  expect(run.stderr.replace(/^bn1d: warning: [^\n]*\n/gm, ''), file).toMatch(/^bn1d: error: [^\n]+\n$/);
  expect(run.stderr, file).not.toMatch(/unexpected failure|\n\s+at /);
}

const duckdbRows = async (path: string) => Number((await query(`SELECT count(*) AS n FROM read_parquet('${path}')`))[0]!.n);

/**
 * Rows of an output, counted by an independent reader: DuckDB for Parquet,
 * apache-arrow for IPC. A few inputs use layouts DuckDB cannot read at all;
 * only for those (DuckDB must refuse the input too) are rows counted by bn1d's reader.
 */
async function outputRows(path: string, input: string): Promise<number> {
  if (!path.endsWith('.parquet')) return tableFromIPC(readFileSync(path)).numRows;
  try {
    return await duckdbRows(path);
  } catch (error) {
    await expect(duckdbRows(input), `DuckDB reads ${input} but not bn1d's output: ${String(error)}`).rejects.toThrow();
    const reader = await openParquet(path, path);
    await reader.close();
    return reader.numRows;
  }
}

describe('the shared test data', () => {
  test('lists every file it expects to read, and they exist', () => {
    expect(files.length).toBeGreaterThan(400);
    for (const file of [...MUST_READ, ...FIT_ONLY]) expect(files).toContain(file);
  });

  test('every file is fitted and applied, or refused in one line, within 20 s', { timeout: 600_000 }, async () => {
    const outcomes: Record<string, string> = {};
    await pool(files, 2, async (file) => {
      const path = join(SHARED, file);
      const state = join(dir, `${file.replace(/\//g, '_')}.json`);
      const fit = await bn1d(['fit', path, '-s', state, '-q'], { timeoutMs: TIMEOUT });
      const mustFit = MUST_READ.includes(file) || FIT_ONLY.includes(file);
      if (!mustFit) {
        cleanRefusal(fit, file);
        outcomes[file] = 'refused';
        return;
      }
      expect({ file, code: fit.code, warnings: onlyWarnings(fit.stderr) }).toEqual({ file, code: 0, warnings: true });
      const out = join(dir, `${file.replace(/\//g, '_')}.out.${file.endsWith('.parquet') ? 'parquet' : 'arrows'}`);
      const apply = await bn1d(['apply', path, '-s', state, '-o', out, '-q'], { timeoutMs: TIMEOUT });
      if (FIT_ONLY.includes(file)) {
        cleanRefusal(apply, file);
        outcomes[file] = 'fit, apply refused';
        return;
      }
      expect({ file, code: apply.code, warnings: onlyWarnings(apply.stderr) }).toEqual({ file, code: 0, warnings: true });
      const rows = JSON.parse(readFileSync(state, 'utf8')).fit.rows as number;
      expect({ file, rows: await outputRows(out, path) }).toEqual({ file, rows });
      outcomes[file] = 'read';
    });
    const count = (what: string) => Object.values(outcomes).filter((o) => o === what).length;
    expect(count('read')).toBe(MUST_READ.length);
    expect(count('fit, apply refused')).toBe(FIT_ONLY.length);
    expect(count('refused')).toBe(files.length - MUST_READ.length - FIT_ONLY.length);
  });
});
