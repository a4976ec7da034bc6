/** The benchmark script runs end to end on tiny data (no timing is asserted: timings belong in BENCHMARKS.md). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from './helpers/cli.js';

/** Runs bench/bench.mjs with `args` and returns the file it wrote its sections to. */
function runBench(...args: string[]): string {
  const run = spawnSync(process.execPath, [join(ROOT, 'bench', 'bench.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  const out = /wrote \S+ to (\S*BENCHMARKS\.md)/.exec(run.stderr)?.[1];
  expect(out).toBeDefined();
  return readFileSync(out!, 'utf8');
}

/** What the bench wrote between a section's markers. */
function section(report: string, name: string): string {
  const text = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*)\\n<!-- ${name}:end -->`).exec(report)?.[1];
  expect(text, `section ${name}`).toBeDefined();
  expect(text).toMatch(/^Machine: .*\d+ cores, \d+ GiB; Node v\d+.*Date: \d{4}-\d\d-\d\d\. Load average \(1 minute\) [\d.]+ as the section started, [\d.]+ as it ended\./);
  return text!;
}

const row = (group: string, command: string, rest: string) =>
  new RegExp(`^\\| ${group} \\| ${command} \\| [\\d.]+ \\| [\\d.]+–[\\d.]+ \\| \\d+ \\| ${rest} \\|$`, 'm');
const rows = (text: string, group: string) => text.split('\n').filter((line) => line.startsWith(`| ${group} |`)).length;

test('npm run bench --smoke measures every command and writes the results table and every section but huge', () => {
  const report = runBench('--smoke');
  const results = section(report, 'results');
  const groups = ['goals', 'memory', 'codecs', '3-D', 'batch size', 'shuffle', 'report'];
  expect(groups.map((group) => rows(results, group))).toEqual([3, 8, 6, 4, 6, 4, 1]);
  expect(results).toMatch(/\| codecs \| apply --compression zstd, Parquet 20K rows \| [\d.]+ \| [\d.]+–[\d.]+ \| \d+ \| DuckDB COPY, COMPRESSION zstd \| [\d.]+ \| \d+ \| [\d.]+x \|  \|/);
  expect(results.match(/^\| (zstd|snappy|gzip|lz4|none) \| [\d.]+ \| [\d.]+ \|$/gm)?.length).toBe(5);
  // DuckDB writes brotli at its slowest quality (minutes for 2M rows), so that row has bn1d's size only.
  expect(results).toMatch(/^\| brotli \| [\d.]+ \|  \|$/m);
  expect(results).toMatch(row('shuffle', 'fit --shuffle, Parquet 20K rows', 'bn1d fit in file order \\| [\\d.]+ \\| \\d+ \\| [\\d.]+x \\| ≤ 256 MB: (met|missed)'));
  expect(results).toMatch(row('goals', 'fit, Parquet 20K rows', 'DuckDB avg\\+var_samp \\| [\\d.]+ \\| \\d+ \\| [\\d.]+x \\| ≤ 1\\.0x: (met|missed)'));
  expect(results).toMatch(row('goals', 'fit, Arrow IPC file 20K rows', 'bare Node loop \\| [\\d.]+ \\| \\d+ \\| [\\d.]+x \\| ≤ 1\\.0x: (met|missed)'));
  expect(results).toMatch(row('goals', 'apply, Parquet to Parquet 20K rows', 'DuckDB COPY normalized \\| [\\d.]+ \\| \\d+ \\| [\\d.]+x \\| ≤ 1\\.2x: (met|missed)'));
  expect(results).toMatch(row('memory', 'apply, Parquet to Parquet 40K rows', ' \\|  \\|  \\|  \\| ≤ 256 MB: (met|missed)'));

  const wide = section(report, 'wide');
  expect(wide).toContain('2,000 rows of an int64 `id`, a string `name` and 64 float64 features `f0`..`f63`, in one row group');
  expect(wide).toMatch(row('wide', 'fit -x id,name, 2K rows x 64 float64', 'DuckDB avg\\+var_samp \\| [\\d.]+ \\| \\d+ \\| [\\d.]+x \\| ≤ 0\\.8x: (met|missed); ≤ 160 MB: (met|missed)'));
  expect(wide).toMatch(row('wide', 'apply, Parquet to Parquet 2K rows x 64 float64', 'DuckDB COPY normalized \\| [\\d.]+ \\| \\d+ \\| [\\d.]+x \\| ≤ 0\\.7x: (met|missed); ≤ 200 MB: (met|missed)'));
  expect(wide.match(/^- .*\(goal ≤ (0\.8x|160 MB|0\.7x|200 MB): (met|missed)\)$/gm)?.length).toBe(4);

  const lists = section(report, '3d');
  expect(lists).toContain('in one row group');
  expect(rows(lists, '3-D, one row group')).toBe(2);
  expect(lists).toMatch(row('3-D, one row group', 'apply, Parquet to Parquet 5K rows x 4 x 16', ' \\|  \\|  \\|  \\| ≤ 200 MB: (met|missed)'));

  const sweep = section(report, 'row-groups');
  expect(rows(sweep, 'row groups')).toBe(6);
  for (const shape of ['row groups of 2,048 rows', 'row groups of 6,144 rows', 'one row group']) {
    expect(sweep).toMatch(row('row groups', `fit, Parquet 20K rows, ${shape}`, ' \\|  \\|  \\|  \\| '));
    expect(sweep).toMatch(row('row groups', `apply, Parquet to Parquet 20K rows, ${shape}`, ' \\|  \\|  \\|  \\| '));
  }
  expect(sweep).toMatch(/^Peak RSS from row groups of 2,048 rows to one of 20,000: fit \d+–\d+ MB \(\d+ MB apart\), apply \d+–\d+ MB \(\d+ MB apart\)\.$/m);

  // --jobs 2 against --jobs 1 where the CLI has the option; a note of what was skipped where it has not.
  const jobs = section(report, 'jobs');
  const help = (command: string) => spawnSync(process.execPath, [join(ROOT, 'bin', 'bn1d.js'), command, '--help'], { encoding: 'utf8' }).stdout.includes('--jobs');
  for (const [command, label] of [['fit', 'fit, Parquet 40K rows'], ['apply', 'apply, Parquet to Parquet 40K rows']]) {
    if (help(command)) {
      expect(jobs).toMatch(row('jobs', `${label}, --jobs 2`, `bn1d ${command} --jobs 1 \\| [\\d.]+ \\| \\d+ \\| [\\d.]+x \\| `));
      expect(jobs).toMatch(new RegExp(`^- ${label}, --jobs 2: speedup [\\d.]+x over --jobs 1`, 'm'));
    } else expect(jobs).toMatch(new RegExp(`^bn1d .*\\b${command}\\b.* no --jobs option yet .* skipped\\.$`, 'm'));
  }

  expect(report).not.toContain('<!-- huge:start -->');
  expect(report).not.toContain('<!-- snappy:start -->');
}, 120_000);

test('--only huge runs that section alone, at smoke size beside the smoke rows', () => {
  const report = runBench('--smoke', '--only', 'huge');
  const huge = section(report, 'huge');
  expect(huge).toContain('100,000 rows of an int64 `id` and 8 float32 features');
  for (const command of ['fit, Parquet', 'apply, Parquet to Parquet'])
    for (const n of ['20K', '40K', '100K']) for (const jobs of [1, 2]) expect(huge).toMatch(row('huge', `${command} ${n} rows, --jobs ${jobs}`, ' \\|  \\|  \\|  \\| '));
  expect(report.match(/<!-- \S+:start -->/g)).toEqual(['<!-- huge:start -->']);
}, 60_000);
