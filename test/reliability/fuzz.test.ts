/** A short run of the mutation fuzzer (npm run fuzz runs 1000 cases), and a check that its judge catches failures. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, scratch } from '../helpers/cli.js';

const fuzz = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'fuzz.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });

test('60 seeded mutants of Parquet, Arrow, state and safetensors files: each read or refused in one line', { timeout: 300_000 }, () => {
  const run = fuzz('--cases', '60', '--seed', '2026');
  expect(run.stdout).toMatch(/^60 cases \(seed 2026\) in \d+ s: 0 failed$/m);
  expect(run.stdout).toMatch(/\| state \| .* \| \d+ \| \d+ \| \d+ \| 0 \|/);
  expect(run.stdout).toMatch(/\| safetensors \| .* \| \d+ \| \d+ \| \d+ \| 0 \|/);
  expect(run.status).toBe(0);
});

test('the judge reports crashes, stack traces and hangs as failures', { timeout: 300_000 }, () => {
  const dir = scratch();
  const fake = join(dir, 'misbehaving.mjs');
  // Alternates: a two-line error, an uncaught exception, a 12 s hang.
  writeFileSync(fake, `const n = Math.floor(Math.random() * 3);
if (n === 0) { process.stderr.write('bn1d: error: one\\n  and another\\n'); process.exit(1); }
if (n === 1) throw new Error('boom');
setTimeout(() => {}, 12000);`);
  const run = fuzz('--cases', '6', '--seed', '5', '--target', fake, '--keep', join(dir, 'kept'));
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/: [1-6] failed$/m);
  expect(run.stdout).toMatch(/not one error line|killed by SIGKILL|exit 1 with|exit [0-9]+:/);
});
