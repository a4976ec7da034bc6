/**
 * Arrow IPC inputs through bn1d's reader: fit and apply (Arrow file to Arrow
 * file) on 2M rows of 8 float32 columns and a string column, written by
 * Polars as IPC files uncompressed, LZ4 and ZSTD (record batches of 125,000
 * rows; Polars writes the strings as string views). Each command runs 3
 * times as a whole process: median seconds and peak RSS (BENCHMARKS.md,
 * "Arrow IPC decoding"). Builds of bn1d to compare can be given as
 * name=path/to/bn1d.cjs; their runs alternate, so that they share the
 * machine's load.
 *
 * Usage: npm run build && node bench/arrow-decode.mjs [name=bundle ...]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pl from 'nodejs-polars';
import { measure } from './measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'bench', 'data');
const ROWS = 2_000_000;
const BATCHES = 16;
const RUNS = 3;

/** Deterministic floats: a linear congruential generator. */
function floats(seed, n) {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x / 2 ** 32) * 10 - 3;
  }
  return out;
}

function frame() {
  const size = ROWS / BATCHES;
  const columns = Array.from({ length: 8 }, (_, c) => pl.Series(`f${c}`, floats(c + 1, ROWS), pl.Float32));
  const strings = Array.from({ length: ROWS }, (_, i) => (i % 3 === 0 ? `s${i % 1000}` : `a longer string value, row ${i}`));
  const whole = pl.DataFrame([...columns, pl.Series('s', strings, pl.Utf8)]);
  let out = whole.slice(0, size);
  for (let at = size; at < ROWS; at += size) out = out.vstack(whole.slice(at, size));
  return out;
}

mkdirSync(dir, { recursive: true });
const files = ['uncompressed', 'lz4', 'zstd'].map((compression) => ({ compression, path: join(dir, `decode-${compression}.arrow`) }));
let df;
for (const { compression, path } of files) {
  if (existsSync(path)) continue;
  df ??= frame();
  df.writeIPC(path, { compression });
}

const builds = process.argv.slice(2).map((arg) => arg.split('='));
if (builds.length === 0) builds.push(['bn1d', join(root, 'dist', 'bn1d.cjs')]);
const state = join(dir, 'decode-state.json');
const output = join(dir, 'decode-out.arrow');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log('| build | input | command | median s | min–max s | peak RSS MB |');
console.log('|---|---|---|---:|---:|---:|');
for (const { compression, path } of files) {
  for (const command of ['fit', 'apply']) {
    const argv = (bundle) =>
      command === 'fit'
        ? ['node', bundle, 'fit', path, '-s', state, '-q']
        : ['node', bundle, 'apply', path, '--state', state, '-o', output, '--force', '-q'];
    // apply needs a state: the first build's fit writes it.
    if (command === 'fit') await measure(argv(builds[0][1]));
    const results = builds.map(() => []);
    for (let run = 0; run < RUNS; run++) {
      for (const [k, [, bundle]] of builds.entries()) results[k].push(await measure(argv(bundle)));
    }
    for (const [k, [name]] of builds.entries()) {
      const seconds = results[k].map((r) => r.seconds);
      const rss = Math.max(...results[k].map((r) => r.rssMb));
      console.log(`| ${name} | ${compression} | ${command} | ${median(seconds).toFixed(3)} | ${Math.min(...seconds).toFixed(3)}–${Math.max(...seconds).toFixed(3)} | ${rss.toFixed(0)} |`);
    }
  }
}
