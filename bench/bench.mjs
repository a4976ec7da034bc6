/**
 * npm run bench: bn1d against DuckDB and a bare Node loop, whole processes,
 * median of several runs, peak resident memory; each section's results go
 * into BENCHMARKS.md between that section's markers.
 *
 *   node bench/bench.mjs [--rows 2000000] [--big-rows 8000000] [--list-rows 500000] [--wide-rows 1000000]
 *                        [--huge-rows 100000000] [--scale 1] [--runs 5] [--out BENCHMARKS.md] [--huge]
 *   node bench/bench.mjs --smoke              tiny data, one run, results to a temporary file
 *   node bench/bench.mjs --only wide,jobs     only these sections (any of the names below)
 *   node bench/bench.mjs --only snappy        only the Snappy compressors (bench/snappy.mjs, under a minute)
 *
 * Sections, in the order they run:
 *   results     the scalar table (2M and 8M rows x 8 float32 + id) and the 3-D table in DuckDB's row groups:
 *               goals against the peers, memory, codecs, 3-D, batch size, shuffle, report
 *   wide        1M rows x 64 float64 + id + name in one row group: fit and apply against DuckDB
 *   3d          500K rows x 4 lists of 16 float32 in one row group: fit and apply
 *   row-groups  the 2M-row scalar table in row groups of 131,072, 524,288 and 2M rows: fit and apply
 *   jobs        --jobs 1 against --jobs 2 on the 8M-row scalar table (skipped while the CLI has no --jobs)
 *   shards      plan + map per shard + fold against fit, on the 2M-row scalar table (8 shards)
 *   huge        100M rows x 8 float32 + id (3.6 GB of Parquet) beside 2M and 8M: only with --huge or --only huge
 *   snappy      the Snappy compressors (not with --smoke)
 *
 * --scale multiplies every row count that is not given (and the sweep's row groups), so that
 * `--scale 0.01` runs every section at a hundredth of its size. Data is generated into bench/data/
 * (not committed) and reused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchData, DUCKDB_ROW_GROUP, DUCKDB_VECTOR, FEATURES, listParquet, scalarParquet, WIDE_FEATURES, wideParquet } from './data.mjs';
import { load, machineLine, millions, Table, writeSection } from './report.mjs';
import { benchShards } from './shards.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECTIONS = ['results', 'wide', '3d', 'row-groups', 'jobs', 'shards', 'huge', 'snappy'];
/** Row counts: at full size, and with --smoke. */
const SIZES = {
  rows: [2_000_000, 20_000],
  'big-rows': [8_000_000, 40_000],
  'list-rows': [500_000, 5_000],
  'wide-rows': [1_000_000, 2_000],
  'huge-rows': [100_000_000, 100_000],
};
const { values: opts } = parseArgs({
  options: {
    ...Object.fromEntries(Object.keys(SIZES).map((name) => [name, { type: 'string' }])),
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    out: { type: 'string', default: join(ROOT, 'BENCHMARKS.md') },
    smoke: { type: 'boolean', default: false },
    huge: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const smoke = opts.smoke;
const scale = Number(opts.scale);
if (!(scale > 0)) throw new Error(`--scale takes a positive number, not ${opts.scale}`);
const size = (name) => {
  const [full, tiny] = SIZES[name];
  const n = smoke ? tiny : opts[name] !== undefined ? Number(opts[name]) : Math.round(full * scale);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} takes a positive whole number of rows, not ${n}`);
  return n;
};
const [rows, bigRows, listRows, wideRows, hugeRows] = Object.keys(SIZES).map(size);
const runs = smoke ? 1 : Math.max(3, Number(opts.runs));
const out = smoke ? join(mkdtempSync(join(tmpdir(), 'bn1d-bench-')), 'BENCHMARKS.md') : opts.out;

const only = opts.only?.split(',').map((name) => name.trim());
for (const name of only ?? []) if (!SECTIONS.includes(name)) throw new Error(`--only takes ${SECTIONS.join(', ')}, not ${name}`);
const chosen = new Set(only ?? SECTIONS.filter((name) => name !== 'huge' && !(smoke && name === 'snappy')));
if (opts.huge) chosen.add('huge');

const dataDir = join(ROOT, 'bench', 'data');
const work = mkdtempSync(join(tmpdir(), 'bn1d-bench-work-'));

const node = process.execPath;
const BIN = join(ROOT, 'bin', 'bn1d.js');
const bn1d = (...args) => [node, BIN, ...args, '-q'];
const peer = (name, ...args) => [node, join(ROOT, 'bench', 'peers', name), ...args];
const outFile = (ext) => join(work, `out.${ext}`);
const stateFile = (name) => join(work, `${name}.json`);
const fit = (file, ...flags) => bn1d('fit', file, '-x', 'id', '-s', stateFile('state'), ...flags);
const apply = (file, target, ...flags) => bn1d('apply', file, '-s', stateFile('state'), '-o', target, '--force', ...flags);
const count = (n) => n.toLocaleString('en-US');
const fileMb = (path) => `${(statSync(path).size / 2 ** 20).toFixed(0)} MB`;
const groupsOf = (n, g) => (g >= n ? 'one row group' : `row groups of ${count(g)} rows`);
const R = millions(rows);

/** The main tables: goals against the peers, memory on 2M and 8M rows, codecs, 3-D, batch size, shuffle, report. */
async function resultsSection() {
  const startLoad = load();
  const small = await benchData(dataDir, rows, listRows);
  const big = await benchData(dataDir, bigRows, listRows);
  const table = new Table(runs);
  const bench = (group, label, argv, compare) => table.bench(group, label, argv, compare && { peer: compare, goal: compare.goal && { ratio: compare.goal } });

  // The goals of the performance work, on the same data, in one run.
  await bench('goals', `fit, Parquet ${R} rows`, fit(small.parquet), { label: 'DuckDB avg+var_samp', argv: peer('duckdb-aggregate.mjs', small.parquet, ...FEATURES), goal: 1.0 });
  await bench('goals', `fit, Arrow IPC file ${R} rows`, fit(small.arrow), { label: 'bare Node loop', argv: peer('bare-loop.mjs', small.arrow), goal: 1.0 });
  await bench('goals', `apply, Parquet to Parquet ${R} rows`, apply(small.parquet, outFile('parquet')), {
    label: 'DuckDB COPY normalized',
    argv: peer('duckdb-normalize.mjs', small.parquet, stateFile('state'), outFile('duck.parquet')),
    goal: 1.2,
  });

  // Memory must not grow with the file.
  const flat = { goal: { rssMb: 256 } };
  for (const [data, n] of [[small, rows], [big, bigRows]]) {
    const N = millions(n);
    await table.bench('memory', `fit, Parquet ${N} rows`, fit(data.parquet), flat);
    await table.bench('memory', `fit, Arrow IPC file ${N} rows`, fit(data.arrow), flat);
    await table.bench('memory', `apply, Parquet to Parquet ${N} rows`, apply(data.parquet, outFile('parquet')), flat);
    await table.bench('memory', `apply, Arrow file to Arrow file ${N} rows`, apply(data.arrow, outFile('arrow')), flat);
  }

  // Codecs of Parquet outputs: time and size of apply against DuckDB writing the same columns with the same codec
  // (but brotli, which DuckDB writes at its slowest quality: some 7 minutes for 2M rows).
  const sizes = [];
  for (const [codec, duck] of [['zstd', 'zstd'], ['snappy', 'snappy'], ['gzip', 'gzip'], ['brotli', undefined], ['lz4', 'lz4'], ['none', 'uncompressed']]) {
    const [ours, theirs] = [outFile(`${codec}.parquet`), outFile(`duck-${codec}.parquet`)];
    const compare = duck && { label: `DuckDB COPY, COMPRESSION ${duck}`, argv: peer('duckdb-normalize.mjs', small.parquet, stateFile('state'), theirs, duck) };
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
    await table.bench('shuffle', `fit --shuffle, Parquet ${N} rows`, fit(data.parquet, '--shuffle', '--seed', '1'), { peer: { label: 'bn1d fit in file order', argv: fit(data.parquet) }, ...flat });
    await table.bench('shuffle', `fit --shuffle, Arrow IPC file ${N} rows`, fit(data.arrow, '--shuffle', '--seed', '1'), { peer: { label: 'bn1d fit in file order', argv: fit(data.arrow) }, ...flat });
  }
  // The report: the trajectory and a reservoir sample along the fit, and the HTML file.
  await bench('report', `fit --report, Parquet ${R} rows`, fit(small.parquet, '--report', join(work, 'report.html')), { label: 'bn1d fit', argv: fit(small.parquet) });

  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  const lines = [machineLine(ROOT, runs, startLoad), '', ...table.markdown()];
  lines.push('', `Output sizes of the codecs rows (Parquet ${R} rows: an int64 id and 8 float32 columns):`, '', '| codec | bn1d MB | DuckDB MB |', '|---|---:|---:|');
  for (const { codec, ours, theirs } of sizes) lines.push(`| ${codec} | ${mb(ours)} | ${theirs === undefined ? '' : mb(theirs)} |`);
  writeSection(out, 'results', lines.join('\n'));
}

/** A section of one table with its goal lines: the machine, what was measured (`description`), the table, the goals. */
function writeGoalSection(name, startLoad, table, description) {
  const lines = [machineLine(ROOT, runs, startLoad), '', description, '', ...table.markdown(), '', 'Goals:', '', ...table.goalLines()];
  writeSection(out, name, lines.join('\n'));
}

/** Wide rows in one row group: 64 float64 features beside an id and a string, against DuckDB's aggregate and COPY. */
async function wideSection() {
  const startLoad = load();
  const file = await wideParquet(dataDir, wideRows, wideRows);
  const state = stateFile('wide');
  const W = millions(wideRows);
  const table = new Table(runs);
  const fitArgv = bn1d('fit', file, '-x', 'id,name', '-s', state);
  await table.bench('wide', `fit -x id,name, ${W} rows x 64 float64`, fitArgv, {
    peer: { label: 'DuckDB avg+var_samp', argv: peer('duckdb-aggregate.mjs', file, ...WIDE_FEATURES) },
    goal: { ratio: 0.8, rssMb: 160 },
  });
  await table.bench('wide', `apply, Parquet to Parquet ${W} rows x 64 float64`, bn1d('apply', file, '--state', state, '-o', outFile('parquet'), '--force'), {
    peer: { label: 'DuckDB COPY normalized', argv: peer('duckdb-normalize.mjs', file, state, outFile('duck.parquet')) },
    goal: { ratio: 0.7, rssMb: 200 },
  });
  writeGoalSection('wide', startLoad, table,
    `${count(wideRows)} rows of an int64 \`id\`, a string \`name\` and 64 float64 features \`f0\`..\`f63\`, in one row group ` +
      `(DuckDB, snappy, ${fileMb(file)}); bn1d's outputs and DuckDB's hold the same columns and types.`,
  );
}

/** 3-D rows in one row group: 4 columns of 16 float32 values, each a channel. */
async function listSection() {
  const startLoad = load();
  const file = await listParquet(dataDir, listRows, listRows);
  const L = millions(listRows);
  const table = new Table(runs);
  const goal = { rssMb: 200 };
  await table.bench('3-D, one row group', `fit, Parquet ${L} rows x 4 x 16`, fit(file), { goal });
  await table.bench('3-D, one row group', `apply, Parquet to Parquet ${L} rows x 4 x 16`, apply(file, outFile('parquet')), { goal });
  writeGoalSection('3d', startLoad, table,
    `${count(listRows)} rows of an int64 \`id\` and 4 columns \`s0\`..\`s3\` of 16 float32 values (DuckDB \`FLOAT[16]\`, ` +
      `Parquet lists), in one row group (snappy, ${fileMb(file)}).`,
  );
}

/** The same rows in row groups of three sizes: peak memory should not follow the row group. */
async function rowGroupSection() {
  const startLoad = load();
  // 131,072 and 524,288 rows for 2M rows, scaled with --rows, in DuckDB's multiples of 2,048 rows; then the whole file.
  // (At small --scale the two can meet, and are measured once.)
  const scaled = [131_072, 524_288].map((g) => Math.max(DUCKDB_VECTOR, Math.round((g * rows) / 2_000_000 / DUCKDB_VECTOR) * DUCKDB_VECTOR));
  const groupSizes = [...new Set(scaled.filter((g) => g < rows)), rows];
  const table = new Table(runs);
  const sizes = [];
  for (const g of groupSizes) {
    const file = await scalarParquet(dataDir, rows, g);
    const groups = Math.ceil(rows / g);
    const shape = `${R} rows, ${groupsOf(rows, g)}`;
    await table.bench('row groups', `fit, Parquet ${shape}`, fit(file));
    await table.bench('row groups', `apply, Parquet to Parquet ${shape}`, apply(file, outFile('parquet')));
    sizes.push(`${count(g)} rows: ${groups} row group${groups === 1 ? '' : 's'}, ${fileMb(file)}`);
  }
  const spread = (command) => {
    const rss = table.rows.filter((r) => r.label.startsWith(command)).map((r) => r.rssMb);
    const [low, high] = [Math.min(...rss), Math.max(...rss)];
    return `${command} ${low.toFixed(0)}–${high.toFixed(0)} MB (${(high - low).toFixed(0)} MB apart)`;
  };
  const lines = [
    machineLine(ROOT, runs, startLoad),
    '',
    `${count(rows)} rows of an int64 \`id\` and 8 float32 features, the same rows in ${groupSizes.length} files (DuckDB, snappy; ${sizes.join('; ')}).`,
    '',
    ...table.markdown(),
    '',
    `Peak RSS from row groups of ${count(groupSizes[0])} rows to one of ${count(rows)}: ${spread('fit')}, ${spread('apply')}.`,
  ];
  writeSection(out, 'row-groups', lines.join('\n'));
}

/** Whether `bn1d <command> --help` lists `flag`. */
function accepts(command, flag) {
  const help = spawnSync(node, [BIN, command, '--help'], { encoding: 'utf8' });
  if (help.status !== 0) throw new Error(`bn1d ${command} --help exited with ${help.status}: ${help.stderr}`);
  return help.stdout.includes(flag);
}

/** Worker threads: --jobs 2 against --jobs 1, fit and apply, on the 8M-row scalar table. */
async function jobsSection() {
  const startLoad = load();
  const commands = ['fit', 'apply'].filter((command) => accepts(command, '--jobs'));
  const lines = [machineLine(ROOT, runs, startLoad), ''];
  if (commands.length < 2) {
    const missing = ['fit', 'apply'].filter((command) => !commands.includes(command));
    const note = `bn1d ${missing.join(' and ')} ${missing.length === 1 ? 'has' : 'have'} no --jobs option yet (not in \`--help\`): ${missing.join(' and ')} skipped.`;
    console.error(`jobs | ${note}`);
    lines.push(note, '');
  }
  if (commands.length > 0) {
    const file = await scalarParquet(dataDir, bigRows);
    const B = millions(bigRows);
    const table = new Table(runs);
    // Two threads on this table whatever the defaults say (fit starts a second one only from 1 GB of input).
    process.env.BN1D_JOB_BYTES = String(1 << 20);
    for (const command of commands) {
      const argv = (jobs) => (command === 'fit' ? fit(file, '--jobs', String(jobs)) : apply(file, outFile('parquet'), '--jobs', String(jobs)));
      // apply reads the state the fit rows wrote; without them, a fit first.
      if (command === 'apply' && !commands.includes('fit')) {
        const [cmd, ...args] = fit(file);
        if (spawnSync(cmd, args, { stdio: 'inherit' }).status !== 0) throw new Error(`${args.join(' ')} failed`);
      }
      const what = command === 'fit' ? `fit, Parquet ${B} rows` : `apply, Parquet to Parquet ${B} rows`;
      await table.bench('jobs', `${what}, --jobs 2`, argv(2), { peer: { label: `bn1d ${command} --jobs 1`, argv: argv(1) } });
    }
    delete process.env.BN1D_JOB_BYTES;
    lines.push(
      `${count(bigRows)} rows of an int64 \`id\` and 8 float32 features (DuckDB, snappy, ${groupsOf(bigRows, DUCKDB_ROW_GROUP)}, ${fileMb(file)}); ratio is --jobs 2's time over --jobs 1's. ` +
        'BN1D_JOB_BYTES=1048576 makes --jobs 2 start its second thread here (by default fit starts one per 512 MB of input, apply per 48 MB).',
      '',
    );
    lines.push(...table.markdown(), '');
    for (const r of table.rows) lines.push(`- ${r.label}: speedup ${(1 / r.ratio).toFixed(2)}x over --jobs 1 (${r.median.toFixed(3)} s against ${r.peerResult.median.toFixed(3)} s)`);
  }
  writeSection(out, 'jobs', lines.join('\n').trimEnd());
}

/** A fit split into shards on one machine (bench/shards.mjs). */
async function shardsSection() {
  const startLoad = load();
  const file = await scalarParquet(dataDir, rows);
  const table = new Table(runs);
  const notes = await benchShards({ file, work, bn1d, fitArgv: fit(file), table, label: R });
  const lines = [machineLine(ROOT, runs, startLoad), '', `${count(rows)} rows of an int64 \`id\` and 8 float32 features (DuckDB, snappy, ${groupsOf(rows, DUCKDB_ROW_GROUP)}, ${fileMb(file)}), batches of 256.`, ''];
  writeSection(out, 'shards', [...lines, ...table.markdown(), '', ...notes].join('\n'));
}

/** A file far larger than memory should take: 100M rows, next to the same commands on 2M rows. */
async function hugeSection() {
  const startLoad = load();
  const started = Date.now();
  const file = await scalarParquet(dataDir, hugeRows);
  console.error(`huge | ${count(hugeRows)} rows ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${file}`);
  const base = await scalarParquet(dataDir, rows);
  const middle = await scalarParquet(dataDir, bigRows);
  const sizes = [[base, R], [middle, millions(bigRows)], [file, millions(hugeRows)]];
  const table = new Table(runs);
  // Each command at one thread and at two on every file: BN1D_JOB_BYTES starts the second thread on 2M rows too
  // (by default fit starts one per 512 MB of input), so that each 100M row has its 2M row to compare with; the
  // 8M row shows where memory stops growing with the input's length.
  const threads = async (what, argvOf) => {
    for (const jobs of [1, 2]) {
      process.env.BN1D_JOB_BYTES = String(1 << 20);
      for (const [data, N] of sizes) await table.bench('huge', `${what(N)}, --jobs ${jobs}`, argvOf(data, String(jobs)));
      delete process.env.BN1D_JOB_BYTES;
    }
  };
  await threads((N) => `fit, Parquet ${N} rows`, (data, jobs) => fit(data, '--jobs', jobs));
  await threads((N) => `apply, Parquet to Parquet ${N} rows`, (data, jobs) => apply(data, outFile('parquet'), '--jobs', jobs));
  const lines = [
    machineLine(ROOT, runs, startLoad),
    '',
    `${count(hugeRows)} rows of an int64 \`id\` and 8 float32 features (DuckDB, snappy, ${groupsOf(hugeRows, DUCKDB_ROW_GROUP)}, ${fileMb(file)}), ` +
      `beside the same table's ${count(rows)} rows (${fileMb(base)}) and ${count(bigRows)} rows (${fileMb(middle)}); BN1D_JOB_BYTES=1048576 gives --jobs 2 its second thread on all three.`,
    '',
    ...table.markdown(),
  ];
  writeSection(out, 'huge', lines.join('\n'));
}

/** The Snappy compressors' figures, from bench/snappy.mjs in a process of its own. */
function snappySection() {
  const run = spawnSync(process.execPath, [join(ROOT, 'bench', 'snappy.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`bench/snappy.mjs exited with ${run.status}`);
  writeSection(out, 'snappy', run.stdout.trim());
}

const run = { results: resultsSection, wide: wideSection, '3d': listSection, 'row-groups': rowGroupSection, jobs: jobsSection, shards: shardsSection, huge: hugeSection, snappy: snappySection };
try {
  for (const name of SECTIONS) if (chosen.has(name)) await run[name]();
} finally {
  rmSync(work, { recursive: true, force: true });
}
