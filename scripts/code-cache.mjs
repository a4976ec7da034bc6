/**
 * Writes dist/bn1d.cjs.cache, V8's code cache of the CLI bundle (bin/bn1d.js
 * loads it), so that a run starts without compiling what it runs. A cache made
 * right after compiling holds little more than the top level; this one is made
 * by runs that add to it in turn: a fit and an apply of a ZSTD Parquet file,
 * then a fit of the SNAPPY file the apply wrote. Run by `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'bn1d.js');
const input = join(root, 'fixtures', 'real', 'wine.parquet');
const dir = mkdtempSync(join(tmpdir(), 'bn1d-cache-'));
const state = join(dir, 'state.json');
const output = join(dir, 'normalized.parquet');
try {
  rmSync(join(root, 'dist', 'bn1d.cjs.cache'), { force: true });
  for (const args of [
    ['fit', input, '-s', state],
    ['apply', input, '--state', state, '-o', output, '--compression', 'snappy'],
    ['fit', output, '-s', join(dir, 'again.json')],
  ]) {
    const run = spawnSync(process.execPath, [bin, ...args, '-q'], { env: { ...process.env, BN1D_WRITE_CODE_CACHE: '1' }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`bn1d ${args[0]}, run to fill the code cache, failed: ${run.stderr}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
