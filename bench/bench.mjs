/**
 * npm run bench: bn1d against DuckDB and a bare Node loop, whole processes,
 * median of several runs, peak resident memory; results go into BENCHMARKS.md
 * between its results markers.
 *
 *   node bench/bench.mjs [--rows 2000000] [--big-rows 8000000] [--list-rows 500000] [--runs 5] [--out BENCHMARKS.md]
 *   node bench/bench.mjs --smoke        tiny data, one run, results to a temporary file
 *   node bench/bench.mjs --only snappy  only the Snappy compressors (bench/snappy.mjs, under a minute)
 *
 * A full run ends with the Snappy compressors too (not with --smoke); they go
 * into BENCHMARKS.md between the snappy markers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchData, FEATURES } from './data.mjs';
import { repeat } from './measure.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    'big-rows': { type: 'string', default: '8000000' },
    'list-rows': { type: 'string', default: '500000' },
    runs: { type: 'string', default: '5' },
    out: { type: 'string', default: join(ROOT, 'BENCHMARKS.md') },
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (opts.only !== undefined && opts.only !== 'snappy') throw new Error(`--only takes snappy, not ${opts.only}`);
const smoke = opts.smoke;
const rows = smoke ? 20_000 : Number(opts.rows);
const bigRows = smoke ? 40_000 : Number(opts['big-rows']);
const listRows = smoke ? 5_000 : Number(opts['list-rows']);
const runs = smoke ? 1 : Math.max(3, Number(opts.runs));
const out = smoke ? join(mkdtempSync(join(tmpdir(), 'bn1d-bench-')), 'BENCHMARKS.md') : opts.out;

/** Replaces what is between `<!-- name:start -->` and `<!-- name:end -->` in `file` (appended if there are no such markers). */
function writeSection(file, name, text) {
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const block = `${start}\n${text}\n${end}`;
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const next = previous.includes(start) ? previous.replace(new RegExp(`${start}[\\s\\S]*${end}`), () => block) : `${previous}\n${block}\n`;
  writeFileSync(file, next);
  console.error(`wrote ${name} to ${file}`);
}

/** The Snappy compressors' figures, from bench/snappy.mjs in a process of its own. */
function snappySection() {
  const run = spawnSync(process.execPath, [join(ROOT, 'bench', 'snappy.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`bench/snappy.mjs exited with ${run.status}`);
  writeSection(out, 'snappy', run.stdout.trim());
}

if (opts.only === 'snappy') {
  snappySection();
  process.exit(0);
}

const dataDir = join(ROOT, 'bench', 'data');
const work = mkdtempSync(join(tmpdir(), 'bn1d-bench-work-'));

const node = process.execPath;
const bn1d = (...args) => [node, join(ROOT, 'bin', 'bn1d.js'), ...args, '-q'];
const peer = (name, ...args) => [node, join(ROOT, 'bench', 'peers', name), ...args];
const state = join(work, 'state.json');
const outFile = (ext) => join(work, `out.${ext}`);

const small = await benchData(dataDir, rows, listRows);
const big = await benchData(dataDir, bigRows, listRows);

const results = [];
async function bench(group, label, argv, compare) {
  const r = await repeat(argv, runs);
  let peerResult;
  if (compare) peerResult = await repeat(compare.argv, compare.runs ?? runs);
  const row = { group, label, ...r, peer: compare, peerResult };
  results.push(row);
  const ratio = peerResult ? ` (${(r.median / peerResult.median).toFixed(2)}x ${compare.label})` : '';
  console.error(`${group} | ${label}: ${r.median.toFixed(3)} s, ${r.rssMb.toFixed(0)} MB${ratio}`);
  return row;
}

const fit = (file, ...flags) => bn1d('fit', file, '-x', 'id', '-s', state, ...flags);
const apply = (file, target, ...flags) => bn1d('apply', file, '-s', state, '-o', target, '--force', ...flags);
const millions = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}K`);
const R = millions(rows);

// The goals of the performance work, on the same data, in one run.
await bench('goals', `fit, Parquet ${R} rows`, fit(small.parquet), { label: 'DuckDB avg+var_samp', argv: peer('duckdb-aggregate.mjs', small.parquet, ...FEATURES), goal: 2.0 });
await bench('goals', `fit, Arrow IPC file ${R} rows`, fit(small.arrow), { label: 'bare Node loop', argv: peer('bare-loop.mjs', small.arrow), goal: 1.5 });
await bench('goals', `apply, Parquet to Parquet ${R} rows`, apply(small.parquet, outFile('parquet')), {
  label: 'DuckDB COPY normalized',
  argv: peer('duckdb-normalize.mjs', small.parquet, state, outFile('duck.parquet')),
  goal: 3.0,
});

// Memory must not grow with the file.
for (const [data, n] of [[small, rows], [big, bigRows]]) {
  const N = millions(n);
  await bench('memory', `fit, Parquet ${N} rows`, fit(data.parquet));
  await bench('memory', `fit, Arrow IPC file ${N} rows`, fit(data.arrow));
  await bench('memory', `apply, Parquet to Parquet ${N} rows`, apply(data.parquet, outFile('parquet')));
  await bench('memory', `apply, Arrow file to Arrow file ${N} rows`, apply(data.arrow, outFile('arrow')));
}

// Codecs of Parquet outputs: time and size of apply against DuckDB writing the same columns with the same codec
// (but brotli, which DuckDB writes at its slowest quality: some 7 minutes for 2M rows).
const sizes = [];
for (const [codec, duck] of [['zstd', 'zstd'], ['snappy', 'snappy'], ['gzip', 'gzip'], ['brotli', undefined], ['lz4', 'lz4'], ['none', 'uncompressed']]) {
  const [ours, theirs] = [outFile(`${codec}.parquet`), outFile(`duck-${codec}.parquet`)];
  const compare = duck && { label: `DuckDB COPY, COMPRESSION ${duck}`, argv: peer('duckdb-normalize.mjs', small.parquet, state, theirs, duck) };
  await bench('codecs', `apply --compression ${codec}, Parquet ${R} rows`, apply(small.parquet, ours, '--compression', codec), compare);
  sizes.push({ codec, ours: statSync(ours).size, theirs: duck ? statSync(theirs).size : undefined });
}

// 3-D input: 4 fixed-size-list columns of 16 float32 values.
const L = millions(listRows);
await bench('3-D', `fit, Parquet ${L} rows x 4 x 16`, fit(small.listParquet));
await bench('3-D', `fit, Arrow IPC file ${L} rows x 4 x 16`, fit(small.listArrow));
await bench('3-D', `apply, Parquet to Parquet ${L} rows x 4 x 16`, apply(small.listParquet, outFile('parquet')));
await bench('3-D', `apply, Arrow file to Arrow file ${L} rows x 4 x 16`, apply(small.listArrow, outFile('arrow')));

// Batch size: more, smaller batches mean more running-statistic updates.
for (const b of [64, 256, 4096]) {
  await bench('batch size', `fit -b ${b}, Parquet ${R} rows`, fit(small.parquet, '-b', String(b)));
  await bench('batch size', `fit -b ${b}, Arrow IPC file ${R} rows`, fit(small.arrow, '-b', String(b)));
}

// Shuffled epochs: the cost of reading row groups out of order through the shuffle buffer, whose size bounds memory.
for (const [data, n] of [[small, rows], [big, bigRows]]) {
  const N = millions(n);
  await bench('shuffle', `fit --shuffle, Parquet ${N} rows`, fit(data.parquet, '--shuffle', '--seed', '1'), { label: 'bn1d fit in file order', argv: fit(data.parquet) });
  await bench('shuffle', `fit --shuffle, Arrow IPC file ${N} rows`, fit(data.arrow, '--shuffle', '--seed', '1'), { label: 'bn1d fit in file order', argv: fit(data.arrow) });
}
// The report: the trajectory and a reservoir sample along the fit, and the HTML file.
await bench('report', `fit --report, Parquet ${R} rows`, fit(small.parquet, '--report', join(work, 'report.html')), { label: 'bn1d fit', argv: fit(small.parquet) });

rmSync(work, { recursive: true, force: true });

// The report.
const s = (x) => x.toFixed(3);
const lines = [
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ` +
    `DuckDB ${JSON.parse(readFileSync(join(ROOT, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')).version}. ` +
    `Date: ${new Date().toISOString().slice(0, 10)}. ${runs} runs each, whole processes; seconds are wall time, RSS is the peak resident set.`,
  '',
  '| group | command | median s | min–max s | peak RSS MB | peer | peer median s | peer RSS MB | ratio | goal |',
  '|---|---|---:|---:|---:|---|---:|---:|---:|---|',
];
for (const r of results) {
  const p = r.peerResult;
  const ratio = p ? r.median / p.median : undefined;
  const goal = r.peer?.goal ? `≤ ${r.peer.goal.toFixed(1)}x: ${ratio <= r.peer.goal ? 'met' : 'missed'}` : r.group === 'memory' || r.group === 'shuffle' ? `≤ 256 MB: ${r.rssMb <= 256 ? 'met' : 'missed'}` : '';
  lines.push(
    `| ${r.group} | ${r.label} | ${s(r.median)} | ${s(r.min)}–${s(r.max)} | ${r.rssMb.toFixed(0)} | ${r.peer?.label ?? ''} | ${p ? s(p.median) : ''} | ${p ? p.rssMb.toFixed(0) : ''} | ${ratio ? `${ratio.toFixed(2)}x` : ''} | ${goal} |`,
  );
}
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
lines.push('', `Output sizes of the codecs rows (Parquet ${R} rows: an int64 id and 8 float32 columns):`, '', '| codec | bn1d MB | DuckDB MB |', '|---|---:|---:|');
for (const { codec, ours, theirs } of sizes) lines.push(`| ${codec} | ${mb(ours)} | ${theirs === undefined ? '' : mb(theirs)} |`);
writeSection(out, 'results', lines.join('\n'));
if (!smoke) snappySection();
