/**
 * npm run fuzz: a seeded mutation fuzzer of bn1d's inputs. From valid
 * Parquet files, Arrow IPC files and streams, and state files, it makes
 * truncations, bit flips, zeroed ranges, absurd lengths in headers and
 * footers, and (for JSON) edits of the text, and runs bn1d on each. Every
 * case must end with exit 0, or with exit 1 and one `bn1d: error:` line (not
 * an unexpected failure), within 10 s and without a memory blow-up.
 *
 *   node scripts/fuzz.mjs [--cases 1000] [--seed 1] [--jobs 2] [--keep DIR] [--target EXECUTABLE]
 *
 * --target runs the cases against another executable (the seed files are
 * still made by bn1d); the tests use it to check that failures are caught.
 *
 * Exits 1 if any case fails; failing inputs are kept in --keep (default: a
 * temporary folder) to reproduce them.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Field, Float64, Int32, List, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'bn1d.js');
const { values: opts } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: String(Math.max(1, availableParallelism())) },
    keep: { type: 'string' },
    target: { type: 'string' },
  },
});
const TARGET = opts.target ?? BIN;
const CASES = Number(opts.cases);
const TIMEOUT_MS = 10_000;
const MAX_RSS_MB = 512;

/** mulberry32: a small seeded PRNG, so every run with the same seed makes the same cases. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(Number(opts.seed));
const int = (n) => Math.floor(random() * n);
const pick = (list) => list[int(list.length)];

/** Runs bn1d (or `executable`); resolves to exit code, signal, stderr, time and peak RSS (sampled from /proc). */
function run(args, input, executable = BIN) {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, [executable, ...args], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, BN1D_DEBUG: '' } });
    let stderr = '';
    let rss = 0;
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (kb) rss = Math.max(rss, Number(kb[1]) / 1024);
      } catch {}
    }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, signal, stderr, ms: Date.now() - start, rss });
    });
  });
}

/** Why a run is not a clean outcome, or undefined when it is. */
function problem(r) {
  if (r.signal) return `killed by ${r.signal} after ${r.ms} ms`;
  if (r.rss > MAX_RSS_MB) return `peak RSS ${r.rss.toFixed(0)} MB`;
  const warningsOnly = r.stderr.split('\n').every((line) => line === '' || line.startsWith('bn1d: warning: '));
  if (r.code === 0) return warningsOnly ? undefined : `exit 0 with stderr ${JSON.stringify(r.stderr.slice(0, 200))}`;
  // A mutant safetensors file can lose bn1d's metadata and become a plain state_dict, which names no
  // features: asking for them is a usage error (exit 2), as for any file PyTorch wrote.
  const asksForNames = r.code === 2 && /^bn1d: error: [^\n]* does not name its features [^\n]*\n$/.test(r.stderr);
  if (r.code !== 1 && !asksForNames) return `exit ${r.code}: ${r.stderr.slice(0, 200)}`;
  // Warnings may come first; then exactly one error line.
  const errors = r.stderr.replace(/^bn1d: warning: [^\n]*\n/gm, '');
  if (!/^bn1d: error: [^\n]+\n$/.test(errors)) return `not one error line: ${JSON.stringify(r.stderr.slice(0, 300))}`;
  if (/unexpected failure/.test(r.stderr)) return r.stderr.trim();
  return undefined;
}

// ---- The valid inputs the mutants come from.
const work = mkdtempSync(join(tmpdir(), 'bn1d-fuzz-'));
const keep = opts.keep ?? join(work, 'failures');
mkdirSync(keep, { recursive: true });
const wine = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const seeds = {};
async function must(args, input) {
  const r = await run(args, input);
  if (r.code !== 0) throw new Error(`bn1d ${args.join(' ')}: ${r.stderr}`);
}
seeds.state = join(work, 'seed.json');
await must(['fit', wine, '-x', 'target', '-s', seeds.state, '-q']);
seeds['parquet (DuckDB, zstd)'] = wine;
seeds['parquet (bn1d)'] = join(work, 'seed.parquet');
await must(['apply', wine, '-s', seeds.state, '-o', seeds['parquet (bn1d)'], '-q']);
seeds['arrow file'] = join(work, 'seed.arrow');
await must(['apply', wine, '-s', seeds.state, '-o', seeds['arrow file'], '-q']);
// A stream with lists, nulls and strings, written by apache-arrow.
const table = new Table({
  x: vectorFromArray(Array.from({ length: 300 }, (_, i) => (i % 9 ? i / 7 : null)), new Float64()),
  l: vectorFromArray(Array.from({ length: 300 }, (_, i) => (i % 5 ? [i, i % 3] : null)), new List(new Field('item', new Int32(), true))),
  s: vectorFromArray(Array.from({ length: 300 }, (_, i) => `row ${i}`), new Utf8()),
});
seeds['arrow stream'] = join(work, 'seed.arrows');
writeFileSync(seeds['arrow stream'], tableToIPC(table, 'stream'));
// A state as safetensors: PyTorch's format, read by apply --state, inspect and import.
seeds.safetensors = join(work, 'seed.safetensors');
await must(['export', seeds.state, '-o', seeds.safetensors]);
const bytes = Object.fromEntries(Object.entries(seeds).map(([k, p]) => [k, readFileSync(p)]));

// ---- Mutations.
const HUGE = [0x7fffffff, 0xffffffff, 0x40000000, 0x10000000, 0x80000000];
/** Offsets where lengths live: Parquet's footer length; Arrow's message length prefixes (after 0xFFFFFFFF). */
function lengthSites(buf) {
  const sites = [];
  if (buf.subarray(0, 4).toString('latin1') === 'PAR1' && buf.length >= 12) sites.push(buf.length - 8);
  if (buf[8] === 0x7b) sites.push(0); // safetensors: the header length
  for (let i = 0; i + 8 <= buf.length; i += 4) if (buf.readUInt32LE(i) === 0xffffffff) sites.push(i + 4);
  return sites;
}
const binaryMutations = {
  truncate: (b) => b.subarray(0, int(b.length)),
  'bit flips': (b) => {
    const out = Buffer.from(b);
    for (let k = 1 + int(8); k > 0; k--) out[int(out.length)] ^= 1 << int(8);
    return out;
  },
  'zeroed range': (b) => {
    const out = Buffer.from(b);
    const at = int(out.length);
    out.fill(0, at, Math.min(out.length, at + 1 + int(64)));
    return out;
  },
  'absurd length': (b) => {
    const out = Buffer.from(b);
    const sites = lengthSites(out);
    // Half the time a known length field, else any 4-byte slot in the last tenth (the footer).
    const at = sites.length && random() < 0.5 ? pick(sites) : Math.max(0, out.length - 4 - int(Math.max(4, out.length / 10)));
    if (random() < 0.3 && at + 8 <= out.length) out.writeBigUInt64LE(2n ** 40n + BigInt(int(1000)), at);
    else out.writeUInt32LE(pick(HUGE), at);
    return out;
  },
  'spliced range': (b) => {
    const from = int(b.length);
    const to = Math.min(b.length, from + int(256));
    return Buffer.concat([b.subarray(0, from), b.subarray(to), b.subarray(from, to)]);
  },
};
const jsonMutations = {
  truncate: (t) => t.slice(0, int(t.length)),
  'delete a character': (t) => {
    const at = int(t.length);
    return t.slice(0, at) + t.slice(at + 1);
  },
  'insert a character': (t) => {
    const at = int(t.length);
    return t.slice(0, at) + pick(['"', ',', '[', '}', '-', '0', 'e', 'n']) + t.slice(at);
  },
  'change a number': (t) => {
    const numbers = [...t.matchAll(/-?\d+(\.\d+)?(e[-+]?\d+)?/g)];
    if (!numbers.length) return t;
    const m = pick(numbers);
    return t.slice(0, m.index) + pick(['-1', '1e999', '-0.0', '1e-320', '0', '999999999999999999999', '"1"', 'null', 'NaN', 'true']) + t.slice(m.index + m[0].length);
  },
  'change a field': (t) => {
    const doc = JSON.parse(t);
    const key = pick(Object.keys(doc));
    const action = int(3);
    if (action === 0) delete doc[key];
    else if (action === 1) doc[key] = pick([null, 2, 'x', [], {}, [1, 2, 3], -5, true]);
    else if (Array.isArray(doc[key])) doc[key] = doc[key].slice(0, Math.max(0, doc[key].length - 1 - int(3)));
    else doc[key] = pick([[1], 1.5, '1']);
    return JSON.stringify(doc);
  },
};

// ---- The cases.
const kinds = Object.keys(seeds);
const cases = Array.from({ length: CASES }, (_, i) => {
  const seed = kinds[i % kinds.length];
  const mutations = seed === 'state' ? jsonMutations : binaryMutations;
  const name = pick(Object.keys(mutations));
  const data = seed === 'state' ? Buffer.from(mutations[name](bytes.state.toString('utf8'))) : mutations[name](bytes[seed]);
  return { i, seed, name, data, stdin: seed.startsWith('arrow') && random() < 0.5 };
});

const failures = [];
const tally = {};
let next = 0;
async function worker() {
  while (next < cases.length) {
    const c = cases[next++];
    const file = join(work, `case-${c.i}${c.seed === 'state' ? '.json' : ''}`);
    writeFileSync(file, c.data);
    const state = join(work, `state-${c.i}.json`);
    const out = join(work, `out-${c.i}.arrows`);
    const runs = [];
    if (c.seed === 'state' || c.seed === 'safetensors') {
      runs.push(await run(['apply', wine, '-s', file, '-o', out, '-q'], undefined, TARGET));
      runs.push(await run(['inspect', file], undefined, TARGET));
      if (c.seed === 'safetensors') runs.push(await run(['import', file, '-o', state], undefined, TARGET));
    } else {
      const fit = await run(['fit', c.stdin ? '-' : file, '-s', state, '-q'], c.stdin ? c.data : undefined, TARGET);
      runs.push(fit);
      if (fit.code === 0) runs.push(await run(['apply', file, '-s', state, '-o', out, '-q'], undefined, TARGET));
    }
    const why = runs.map(problem).find(Boolean);
    const key = `${c.seed} | ${c.name}`;
    tally[key] ??= { cases: 0, ok: 0, refused: 0, failed: 0 };
    tally[key].cases++;
    if (why) {
      tally[key].failed++;
      const kept = join(keep, `case-${c.i}-${c.seed.replace(/\W+/g, '-')}`);
      copyFileSync(file, kept);
      failures.push(`case ${c.i} (${key}${c.stdin ? ', on stdin' : ''}): ${why} [input kept in ${kept}]`);
    } else if (runs.every((r) => r.code === 0)) tally[key].ok++;
    else tally[key].refused++;
    rmSync(file, { force: true });
    rmSync(state, { force: true });
    rmSync(out, { force: true });
  }
}
const started = Date.now();
await Promise.all(Array.from({ length: Number(opts.jobs) }, worker));

console.log(`| seed | mutation | cases | read | refused in one line | failed |`);
console.log(`|---|---|---:|---:|---:|---:|`);
for (const [key, t] of Object.entries(tally).sort()) console.log(`| ${key} | ${t.cases} | ${t.ok} | ${t.refused} | ${t.failed} |`);
console.log(`\n${CASES} cases (seed ${opts.seed}) in ${((Date.now() - started) / 1000).toFixed(0)} s: ${failures.length} failed`);
for (const f of failures) console.log(f);
if (!opts.keep && failures.length === 0) rmSync(work, { recursive: true, force: true });
process.exitCode = failures.length ? 1 : 0;
