/**
 * The library's plan(), map() and fold(), called from the package's name:
 * the same state as the CLI's fit of the same file, and the plan file the
 * CLI writes is one map() reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fold, map, plan, type Plan, type State } from 'bn1d';
import { ok, ROOT, scratch } from '../helpers/cli.js';

const DIGITS = join(ROOT, 'fixtures', 'real', 'digits.parquet');

test('plan, map and fold from the package give the state bn1d fit writes', async () => {
  const dir = scratch();
  await ok(['plan', DIGITS, '-b', '64', '--shards', '3', '-o', join(dir, 'plan.json'), '-q']);
  const made: Plan = await plan(DIGITS, { batchSize: 64, shards: 3 });
  expect(made.fingerprint).toBe(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).fingerprint);
  const files = [0, 1, 2].map((k) => join(dir, `m${k}.arrow`));
  await map(join(dir, 'plan.json'), 0, files[0]!);
  for (const k of [1, 2]) await map(made, k, files[k]!);
  const state: State = await fold(files.reverse(), { momentum: null, epochs: 2 });
  const fitted = JSON.parse((await ok(['fit', DIGITS, '-b', '64', '-m', 'none', '-e', '2', '-s', '-', '-q'])).toString()) as State;
  const { folded, ...record } = state.fit as Record<string, unknown>;
  expect(folded).toEqual({ plan: made.fingerprint, shards: 3 });
  expect({ ...state, fit: record }).toEqual(fitted);
});
