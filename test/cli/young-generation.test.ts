/**
 * The cap on the main thread's young generation (young-generation.ts): growth
 * is turned off whenever the new space is at the cap or over it, and when a
 * worker starts and when it runs (its start resets V8's flags), and on again
 * below it; and in a real run, a worker started midway, the new space stays
 * at the cap where V8 alone grows it past.
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { capYoungGeneration, YOUNG_CAP_BYTES } from '../../src/cli/young-generation.js';
import { ROOT } from '../helpers/cli.js';

test('turns growth off at every look at the cap or over it, and on once below it', async () => {
  const sizes = [1, 2, 4, 8, 8, 16, 4, 2, 8].map((mb) => mb << 20);
  let at = 0;
  const flags: string[] = [];
  let stopped = false;
  const every = (look: () => void) => {
    const timer = setInterval(look, 1);
    return () => ((stopped = true), clearInterval(timer));
  };
  const workers = new EventEmitter();
  const stop = capYoungGeneration(8 << 20, () => sizes[Math.min(at++, sizes.length - 1)]!, (flag) => flags.push(flag), every, workers);
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(at).toBeGreaterThanOrEqual(sizes.length);
  // Off at every look at the cap or over it (a worker's start sets V8's flags again), on once below it.
  // Sizes 1, 2, 4 and 2 leave it; after the list, its last size (8) comes at every look.
  expect(flags.filter((f) => f.endsWith('=2'))).toHaveLength(1);
  expect(flags.filter((f) => f.endsWith('=1'))).toHaveLength(at - 5);
  expect(flags.slice(0, 4)).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=1', '--semi-space-growth-factor=1', '--semi-space-growth-factor=2']);
  const before = flags.length;
  const worker = new EventEmitter();
  workers.emit('worker', worker);
  expect(flags.slice(before)).toEqual(['--semi-space-growth-factor=1']);
  // And once the worker runs: its thread's V8 is set up by then, which is when the flags are set again.
  worker.emit('online');
  expect(flags.slice(before)).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=1']);
  stop();
  expect(stopped).toBe(true);
  expect(workers.listenerCount('worker')).toBe(0);
});

test('a thread that allocates young garbage for a while ends with its new space at the cap, and past it without', () => {
  // Objects that live a little while (as a run's pages and batches do) survive scavenges, which is what V8 grows the new space on;
  // the loop turns between steps, as a run's does between reads.
  const program = (cap: boolean) => `
    import { newSpaceBytes, capYoungGeneration } from ${JSON.stringify(join(ROOT, 'dist/cli/young-generation.js'))};
    import { Worker } from 'node:worker_threads';
    ${cap ? 'capYoungGeneration();' : ''}
    // A worker started once the new space is at the cap, as apply starts its threads.
    setTimeout(() => new Worker('0', { eval: true }), 300);
    const keep = [];
    const until = Date.now() + 2000;
    let n = 0;
    const step = () => {
      for (let i = 0; i < 2000; i++) keep[n++ % 40000] = { n, a: [n, n + 1] };
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
