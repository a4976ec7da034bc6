/** The benchmark script runs end to end on tiny data (no timing is asserted: timings belong in BENCHMARKS.md). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from './helpers/cli.js';

test('npm run bench --smoke measures every command and writes the results table', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'bench', 'bench.mjs'), '--smoke'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  const out = /wrote results to (\S*BENCHMARKS\.md)/.exec(run.stderr)?.[1];
  expect(out).toBeDefined();
  const report = readFileSync(out!, 'utf8');
  const groups = ['goals', 'memory', 'codecs', '3-D', 'batch size', 'shuffle', 'report'];
  const rows = report.split('\n').filter((line) => groups.some((group) => line.startsWith(`| ${group} |`)));
  expect(rows.length).toBe(3 + 8 + 6 + 4 + 6 + 4 + 1);
  expect(report).toMatch(/\| codecs \| apply --compression zstd, Parquet 20K rows \| [\d.]+ \| [\d.]+–[\d.]+ \| \d+ \| DuckDB COPY, COMPRESSION zstd \| [\d.]+ \| \d+ \| [\d.]+x \|  \|/);
  expect(report.match(/^\| (zstd|snappy|gzip|lz4|none) \| [\d.]+ \| [\d.]+ \|$/gm)?.length).toBe(5);
  // DuckDB writes brotli at its slowest quality (minutes for 2M rows), so that row has bn1d's size only.
  expect(report).toMatch(/^\| brotli \| [\d.]+ \|  \|$/m);
  expect(report).toMatch(/\| shuffle \| fit --shuffle, Parquet 20K rows \| [\d.]+ \| [\d.]+–[\d.]+ \| \d+ \| bn1d fit in file order \| [\d.]+ \| \d+ \| [\d.]+x \| ≤ 256 MB: (met|missed) \|/);
  expect(report).toMatch(/\| goals \| fit, Parquet 20K rows \| [\d.]+ \| [\d.]+–[\d.]+ \| \d+ \| DuckDB avg\+var_samp \| [\d.]+ \| \d+ \| [\d.]+x \| ≤ 2\.0x: (met|missed) \|/);
  expect(report).toMatch(/^Machine: .*\d+ cores.*Node v\d+/m);
});
