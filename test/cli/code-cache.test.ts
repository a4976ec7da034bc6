/**
 * bin/bn1d.js compiles the bundle with V8's code cache that the build wrote:
 * V8 takes it (a cache it turns down is only time lost, which no other test
 * would see), and a cache it turns down, or none, changes nothing but time.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { V8_FLAGS } from '../../src/cli/v8-flags.js';
import { ROOT, scratch } from '../helpers/cli.js';

const dir = scratch();
const input = join(ROOT, 'fixtures', 'real', 'wine.parquet');

/** Whether V8 turns the cache down, under the flags bin/bn1d.js sets first. */
function rejected(dist: string): boolean {
  const check = `
    import { readFileSync } from 'node:fs'; import { Module } from 'node:module'; import { Script } from 'node:vm'; import { setFlagsFromString } from 'node:v8';
    setFlagsFromString(${JSON.stringify(V8_FLAGS)});
    const file = ${JSON.stringify(join(dist, 'bn1d.cjs'))};
    const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(file + '.cache') });
    process.stdout.write(String(script.cachedDataRejected));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', check], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout === 'true';
}

function fit(bin: string, state: string) {
  const run = spawnSync(process.execPath, [bin, 'fit', input, '-s', state, '-q'], { encoding: 'utf8' });
  return { code: run.status, stderr: run.stderr, state: readFileSync(state, 'utf8') };
}

describe('the code cache', () => {
  test('V8 takes the one the build wrote, under the flags bin/bn1d.js sets', () => {
    expect(readFileSync(join(ROOT, 'bin', 'bn1d.js'), 'utf8')).toContain(`setFlagsFromString('${V8_FLAGS}');`);
    expect(rejected(join(ROOT, 'dist'))).toBe(false);
  });

  test('one V8 turns down, or none, gives the same run', () => {
    const copy = join(dir, 'package');
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    const expected = fit(join(ROOT, 'bin', 'bn1d.js'), join(dir, 'expected.json'));
    expect(expected.code).toBe(0);
    writeFileSync(join(copy, 'dist', 'bn1d.cjs.cache'), Buffer.alloc(4096, 7));
    expect(rejected(join(copy, 'dist'))).toBe(true);
    expect(fit(join(copy, 'bin', 'bn1d.js'), join(dir, 'turned-down.json'))).toEqual(expected);
    rmSync(join(copy, 'dist', 'bn1d.cjs.cache'));
    expect(fit(join(copy, 'bin', 'bn1d.js'), join(dir, 'none.json'))).toEqual(expected);
  });
});
