/** bn1d inspect, black box. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createState } from '../../src/core/state.js';
import { formatState, parseState } from '../../src/core/state-json.js';
import { bn1d, ROOT, scratch } from '../helpers/cli.js';

const wine = join(ROOT, 'fixtures', 'real', 'wine.parquet');

test('a table with a row per feature, then the settings', async () => {
  const state = join(scratch(), 's.json');
  expect((await bn1d(['fit', wine, '-c', 'proline,hue', '-m', 'none', '-s', state])).code).toBe(0);
  const run = await bn1d(['inspect', state]);
  expect(run.code).toBe(0);
  const lines = run.stdout.toString().split('\n');
  expect(lines[0]).toMatch(/^feature\s+mean\s+std\s+var\s+weight\s+bias$/);
  expect(lines[1]).toMatch(/^proline\s+746\.8933\s+314\.9075\s+99166\.72\s+1\s+0$/);
  expect(lines[2]).toMatch(/^hue\s+0\.957\d*\s+0\.228\d*\s+0\.052\d*\s+1\s+0$/);
  expect(lines[4]).toMatch(/^num_batches_tracked 1 · momentum none \(cumulative average\) · eps 0.00001 · affine · fitted on .*wine.parquet \(178 rows, batch 256, 1 epoch\)$/);
});

test('--json gives exact numbers, std = sqrt(var), and nulls without running stats', async () => {
  const state = join(scratch(), 's.json');
  await bn1d(['fit', wine, '-c', 'ash', '-s', state]);
  const run = await bn1d(['inspect', state, '--json']);
  const doc = JSON.parse(run.stdout.toString());
  const parsed = parseState(readFileSync(state, 'utf8'));
  expect(doc.features[0]).toEqual({ feature: 'ash', mean: parsed.runningMean![0], var: parsed.runningVar![0], std: Math.sqrt(parsed.runningVar![0]!), weight: 1, bias: 0 });
  expect(doc.num_batches_tracked).toBe(1);
  const bare = join(scratch(), 'bare.json');
  writeFileSync(bare, formatState(createState({ features: ['a', 'b'], trackRunningStats: false, affine: false })));
  const none = JSON.parse((await bn1d(['inspect', bare, '--json'])).stdout.toString());
  expect(none.features).toEqual(['a', 'b'].map((feature) => ({ feature, mean: null, std: null, var: null, weight: null, bias: null })));
  expect(none).toMatchObject({ track_running_stats: false, affine: false, num_batches_tracked: null });
});

test('counts people read group thousands; --json and the state file keep plain numbers', async () => {
  const state = join(scratch(), 's.json');
  expect((await bn1d(['fit', wine, '-c', 'hue', '-b', '2', '-e', '120', '-s', state])).code).toBe(0);
  const text = (await bn1d(['inspect', state])).stdout.toString();
  expect(text).toMatch(/^num_batches_tracked 10,680 · .* \(178 rows, batch 2, 120 epochs\)$/m);
  expect(text).toMatch(/along the fit \(10,680 batches, 120 epochs;/);
  expect(JSON.parse((await bn1d(['inspect', state, '--json'])).stdout.toString()).num_batches_tracked).toBe(10680);
  expect(readFileSync(state, 'utf8')).toMatch(/"num_batches_tracked": 10680,/);
});
