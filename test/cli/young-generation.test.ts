/**
 * The cap on the main thread's young generation (young-generation.ts): growth
 * is turned off when the new space reaches the cap and on again below it, the
 * flag set only when that changes; and in a real run the new space stays at
 * the cap where V8 alone grows it past.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { capYoungGeneration, YOUNG_CAP_BYTES } from '../../src/cli/young-generation.js';
import { ROOT } from '../helpers/cli.js';

test('turns growth off at the cap and on again below it, setting the flag only on a change', async () => {
  const sizes = [1, 2, 4, 8, 8, 16, 4, 2, 8].map((mb) => mb << 20);
  let at = 0;
  const flags: string[] = [];
  let stopped = false;
  const every = (look: () => void) => {
    const timer = setInterval(look, 1);
    return () => ((stopped = true), clearInterval(timer));
  };
  const stop = capYoungGeneration(8 << 20, () => sizes[Math.min(at++, sizes.length - 1)]!, (flag) => flags.push(flag), every);
  await new Promise((resolve) => setTimeout(resolve, 60));
  stop();
  expect(stopped).toBe(true);
  expect(at).toBeGreaterThanOrEqual(sizes.length);
  expect(flags).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);
});

test('a thread that allocates young garbage for a while ends with its new space at the cap, and past it without', () => {
  // Objects that live a little while (as a run's pages and batches do) survive scavenges, which is what V8 grows the new space on.
  const program = (cap: boolean) => `
    import { newSpaceBytes, capYoungGeneration } from ${JSON.stringify(join(ROOT, 'dist/cli/young-generation.js'))};
    ${cap ? 'capYoungGeneration();' : ''}
    const keep = [];
    const until = Date.now() + 1500;
    let n = 0;
    const step = () => {
      for (let i = 0; i < 20000; i++) { keep.push({ n: n++, a: [n, n + 1] }); if (keep.length > 200000) keep.splice(0, 100000); }
      if (Date.now() < until) setImmediate(step); else process.stdout.write(String(newSpaceBytes()));
    };
    step();`;
  const run = (cap: boolean) => {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', program(cap)], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    return Number(out.stdout);
  };
  expect(run(false)).toBeGreaterThan(YOUNG_CAP_BYTES);
  expect(run(true)).toBe(YOUNG_CAP_BYTES);
});
