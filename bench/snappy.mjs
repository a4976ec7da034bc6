/**
 * The Snappy compressors at hand, side by side on the Parquet page payloads
 * of bench/compressor-inputs.mjs (snappyInputs): bn1d's SNAPPY compressor
 * (src/io/parquet/codecs.ts: hysnappy, one shared instance up to 4 MiB of
 * input), hyparquet-writer's own (its internal src/snappy.js, which
 * ParquetWriter falls back to) and hysnappy's wasm build, both as a
 * compressor made once (`snappyCompressor()`) and as its `snappyCompress`,
 * which makes one per call. (bn1d's former TypeScript port of the
 * reference compressor is in this script's history, with its figures in
 * BENCHMARKS.md.) Prints Markdown: throughput
 * and ratio per input; time and ratio over the pages bn1d's writer makes
 * of two apply-like tables; whether every output decompresses to its input
 * with hyparquet's and hysnappy's decompressors; the cost of a call on
 * small inputs, hysnappy's set-up cost and the memory a 64 MiB input
 * leaves behind. Imports the built library (dist/), so run `npm run build` first.
 *
 *   node bench/snappy.mjs [--rounds 7]
 *   npm run bench -- --only snappy      the same, into BENCHMARKS.md
 *
 * MB/s is input megabytes (10^6 bytes) per second of compression: the median
 * of `--rounds` rounds of at least 20 ms each, after a warm-up, the
 * compressors taking turns within each round so that a busy moment of the
 * shared machine falls on all of them alike. Ratio is compressed / input.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tableFromArrays, Utf8, vectorFromArray } from 'apache-arrow';
import { snappyUncompress as hyparquetUncompress } from 'hyparquet';
// A peer measured, not used by bn1d: hyparquet-writer exports no compressor, so its internal one is imported here only.
// eslint-disable-next-line no-restricted-imports
import { snappyCompress as hyparquetWriterCompress } from 'hyparquet-writer/src/snappy.js';
import { snappyCompress as hysnappyCompress, snappyCompressor, snappyUncompressor } from 'hysnappy';
import { seededRandom } from '../dist/core/random.js';
import { compress } from '../dist/io/parquet/codecs.js';
import { createParquetWriter } from '../dist/io/parquet/write.js';
import { concatBytes, ids, MIB, normals, parquetPages, randomIds, snappyInputs, standardized } from './compressor-inputs.mjs';

const SELF = fileURLToPath(import.meta.url);
const { values: opts } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, memory: { type: 'string' } } });
const ROUNDS = Math.max(5, Number(opts.rounds));
const ROUND_SECONDS = 0.02;

/** The compressors compared, by the name the tables give them. */
const COMPRESSORS = {
  'bn1d SNAPPY': (input) => compress('SNAPPY', input),
  'hyparquet-writer': hyparquetWriterCompress,
  'hysnappy, made once': snappyCompressor(),
  'hysnappy snappyCompress': hysnappyCompress,
};

const now = () => Number(process.hrtime.bigint()) / 1e9;

function seconds(compress, bytes, iterations) {
  const start = now();
  for (let i = 0; i < iterations; i++) compress(bytes);
  return now() - start;
}

const uncompressHysnappy = snappyUncompressor();

/** Whether `compressed` decompresses to `input` with hyparquet's decoder and with hysnappy's. */
function roundTrips(compressed, input) {
  const expected = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const out = new Uint8Array(input.length);
  hyparquetUncompress(compressed, out);
  return Buffer.from(out.buffer).equals(expected) && Buffer.from(uncompressHysnappy(compressed, input.length)).equals(expected);
}

function hyparquetRoundTrip(compressed, input) {
  const out = new Uint8Array(input.length);
  hyparquetUncompress(compressed, out);
  return Buffer.from(out.buffer).equals(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
}

/** Ratio, median MB/s and round trip of every compressor on `bytes`. */
function measureInput(bytes) {
  const names = Object.keys(COMPRESSORS);
  const results = {};
  const iterations = {};
  for (const name of names) {
    const compress = COMPRESSORS[name];
    const compressed = compress(bytes);
    results[name] = { ratio: compressed.length / bytes.length, ok: roundTrips(compressed, bytes), rates: [] };
    // Warm-up: at least 5 calls and 20 ms; then as many calls as make a round.
    let n = 0;
    const start = now();
    while (n < 5 || now() - start < ROUND_SECONDS) {
      compress(bytes);
      n++;
    }
    iterations[name] = Math.max(1, Math.ceil((n * ROUND_SECONDS) / (now() - start)));
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) results[name].rates.push((bytes.length * iterations[name]) / seconds(COMPRESSORS[name], bytes, iterations[name]) / 1e6);
  }
  for (const name of names) results[name].mbs = median(results[name].rates);
  return results;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const OUTPUT_ROWS = 262_144;

/**
 * The pages bn1d's writer hands its compressor for two tables shaped like
 * `bn1d apply` outputs, one row group each: the benchmark's (an ascending
 * int64 id and 8 standardized float32 features) and a mixed one (ids, a
 * random int64 key, a city of 6, a note of many values, standardized
 * float64 and float32 features, an int32 level of 17). Written
 * uncompressed, so the pages hold what a compressor would be given.
 */
async function outputPages() {
  const random = seededRandom(30);
  const feature32 = (seed) => Float32Array.from(standardized(normals(OUTPUT_ROWS, seed)));
  const cities = ['Berlin', 'Lisbon', 'Osaka', 'Lima', 'Nairobi', 'Toronto'];
  const tables = {
    'bench apply output: id, 8 float32 features': tableFromArrays({
      id: ids(OUTPUT_ROWS, 31),
      ...Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`f${k}`, feature32(40 + k)])),
    }),
    'mixed apply output: ids, strings, features': tableFromArrays({
      id: ids(OUTPUT_ROWS, 32),
      key: randomIds(OUTPUT_ROWS, 33),
      city: vectorFromArray(Array.from({ length: OUTPUT_ROWS }, () => cities[random.below(6)]), new Utf8()),
      note: vectorFromArray(Array.from({ length: OUTPUT_ROWS }, () => `order ${random.below(100_000)} paid by card ${1000 + random.below(9000)}`), new Utf8()),
      x: standardized(normals(OUTPUT_ROWS, 34)),
      g: feature32(35),
      level: Int32Array.from({ length: OUTPUT_ROWS }, () => random.below(17)),
    }),
  };
  const out = [];
  for (const [name, table] of Object.entries(tables)) {
    const parts = [];
    const writer = createParquetWriter({ write: async (bytes) => void parts.push(bytes.slice()), end: async () => {} }, table.schema, { compression: 'UNCOMPRESSED' });
    for (const batch of table.batches) await writer.write(batch);
    await writer.finish();
    out.push({ name, pages: parquetPages(concatBytes(parts)).map((page) => page.data) });
  }
  return out;
}

/** Milliseconds (median of the rounds, the compressors taking turns) and ratio of every compressor over all of `pages`. */
function measurePages(pages) {
  const names = Object.keys(COMPRESSORS);
  const results = Object.fromEntries(names.map((n) => [n, { ms: [], out: 0, ok: true }]));
  for (const n of names) {
    for (const page of pages) {
      const compressed = COMPRESSORS[n](page);
      results[n].out += compressed.length;
      results[n].ok &&= roundTrips(compressed, page);
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of names) {
      const start = now();
      for (const page of pages) COMPRESSORS[n](page);
      results[n].ms.push((now() - start) * 1e3);
    }
  }
  for (const n of names) results[n].ms = median(results[n].ms);
  return results;
}

/** Microseconds per call of every compressor on inputs of a few sizes. */
function smallInputs() {
  const sizes = [0, 100, 1000, 4096, 65536];
  const source = new Uint8Array(Float32Array.from(normals(1 << 14, 21)).buffer);
  const rows = [];
  for (const size of sizes) {
    const bytes = source.slice(0, size);
    const cells = {};
    for (const [name, compress] of Object.entries(COMPRESSORS)) {
      // Warm-up, then rounds of about 5 ms.
      const calls = Math.max(10, Math.ceil(0.005 / (seconds(compress, bytes, 100) / 100)));
      const times = Array.from({ length: ROUNDS }, () => seconds(compress, bytes, calls) / calls);
      cells[name] = median(times) * 1e6;
    }
    rows.push({ size, cells });
  }
  return rows;
}

/** Collects garbage until memory settles (V8 frees large buffers' memory after a collection, not in it). */
async function settle() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
}

/**
 * In a fresh process (node --expose-gc): how much more resident and
 * external memory there is, once garbage is collected, after one compressor
 * has compressed 64 MiB of float64 normals (the input itself excluded), and
 * after a further 1 KB call: does a compressor keep what it grew to?
 */
async function memoryChild(which) {
  const compress = which === 'hysnappy, made once' ? snappyCompressor() : COMPRESSORS[which];
  compress(new Uint8Array(1000));
  const input = concatBytes([normals(8 * MIB, 22)]);
  const before = await settle();
  // hyparquet's decoder only: hysnappy's, made once, would itself keep what it grew to.
  if (!hyparquetRoundTrip(compress(input), input)) throw new Error(`${which}: 64 MiB do not round-trip`);
  const after = await settle();
  compress(new Uint8Array(1000));
  const later = await settle();
  const mib = (bytes) => bytes / MIB;
  return { rss: mib(after.rss - before.rss), external: mib(after.external - before.external), laterRss: mib(later.rss - before.rss) };
}

/** hysnappy's set-up: the first `snappyCompressor()` of a process (decoding and compiling its wasm), then later ones, in ms. */
function setupChild() {
  const first = now();
  const compress = snappyCompressor();
  const made = now();
  compress(new Uint8Array(1000));
  const called = now();
  const later = Array.from({ length: 50 }, () => {
    const start = now();
    snappyCompressor();
    return now() - start;
  });
  return { first: (made - first) * 1e3, firstCall: (called - made) * 1e3, later: median(later) * 1e3 };
}

function inChild(what) {
  const run = spawnSync(process.execPath, ['--expose-gc', SELF, '--memory', what], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${what}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

if (opts.memory) {
  console.log(JSON.stringify(opts.memory === 'setup' ? setupChild() : await memoryChild(opts.memory)));
  process.exit(0);
}

const names = Object.keys(COMPRESSORS);
const f0 = (x) => x.toFixed(0);
const version = (name) => JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')).version;
console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ` +
    `hyparquet-writer ${version('hyparquet-writer')}, hysnappy ${version('hysnappy')}. Date: ${new Date().toISOString().slice(0, 10)}. ` +
    `MB/s is the median of ${ROUNDS} rounds; ratio is compressed / input (lower is better).\n`,
);
console.log(`| input | bytes | ${names.map((n) => `${n} ratio | MB/s`).join(' | ')} |`);
console.log(`|---|---:|${names.map(() => '---:|---:').join('|')}|`);
const failures = [];
const totals = Object.fromEntries(names.map((n) => [n, { seconds: 0, bytes: 0, out: 0 }]));
for (const { name, bytes } of snappyInputs()) {
  const results = measureInput(bytes);
  for (const n of names) {
    if (!results[n].ok) failures.push(`${n} on ${name}`);
    totals[n].seconds += bytes.length / results[n].mbs / 1e6;
    totals[n].bytes += bytes.length;
    totals[n].out += results[n].ratio * bytes.length;
  }
  console.log(`| ${name} | ${bytes.length} | ${names.map((n) => `${(100 * results[n].ratio).toFixed(1)}% | ${f0(results[n].mbs)}`).join(' | ')} |`);
}
console.log(`| **all inputs, once each** | ${totals[names[0]].bytes} | ${names.map((n) => `${((100 * totals[n].out) / totals[n].bytes).toFixed(1)}% | ${f0(totals[n].bytes / totals[n].seconds / 1e6)}`).join(' | ')} |`);
console.log('');
console.log(`The pages bn1d's Parquet writer hands its compressor for ${OUTPUT_ROWS} rows of two apply-like outputs (one row group each): milliseconds for all of them, and ratio:\n`);
console.log(`| output | pages | bytes | ${names.map((n) => `${n} ms | ratio`).join(' | ')} |`);
console.log(`|---|---:|---:|${names.map(() => '---:|---:').join('|')}|`);
for (const { name, pages } of await outputPages()) {
  const results = measurePages(pages);
  const bytes = pages.reduce((sum, page) => sum + page.length, 0);
  for (const n of names) if (!results[n].ok) failures.push(`${n} on ${name}`);
  console.log(`| ${name} | ${pages.length} | ${bytes} | ${names.map((n) => `${results[n].ms.toFixed(1)} | ${((100 * results[n].out) / bytes).toFixed(2)}%`).join(' | ')} |`);
}
console.log(`\nRound trips (hyparquet's and hysnappy's decompressors, every output above): ${failures.length ? `FAILED: ${failures.join('; ')}` : 'all exact'}.\n`);

console.log('Microseconds per call on small inputs (float32 normals):\n');
console.log(`| bytes | ${names.join(' | ')} |`);
console.log(`|---:|${names.map(() => '---:').join('|')}|`);
for (const { size, cells } of smallInputs()) console.log(`| ${size} | ${names.map((n) => cells[n].toFixed(1)).join(' | ')} |`);

const setup = inChild('setup');
console.log(
  `\nhysnappy's set-up is synchronous: the first \`snappyCompressor()\` of a process (base64 to bytes, then a synchronous \`new WebAssembly.Module\`) ` +
    `took ${setup.first.toFixed(2)} ms and its first call ${setup.firstCall.toFixed(2)} ms; later ones ${(setup.later * 1e3).toFixed(0)} µs each ` +
    `(\`snappyCompress\` makes a new one, with new wasm memory, on every call).\n`,
);
console.log('Memory left after compressing 64 MiB of float64 normals and collecting garbage, in a fresh process each (MiB over before; a few MiB either way is noise, shown as 0):\n');
console.log('| compressor | resident set | external | resident set after a further 1 KB call |');
console.log('|---|---:|---:|---:|');
for (const n of names) {
  const m = inChild(n);
  const mib = (x) => f0(Math.max(0, x));
  console.log(`| ${n} | ${mib(m.rss)} | ${mib(m.external)} | ${mib(m.laterRss)} |`);
}
if (failures.length) process.exitCode = 1;
