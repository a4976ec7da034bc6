/**
 * Ratio and speed of bn1d's Parquet page compressors (zstdCompress,
 * lz4RawCompress, and SNAPPY's, hysnappy: bench/snappy.mjs compares Snappy
 * compressors) beside the zstd and lz4 command-line tools
 * at level 1 (`zstd -b1`, `lz4 -b1`, in-memory benchmarks of the C code),
 * on the inputs of bench/compressor-inputs.mjs. Prints a Markdown table.
 *
 *   npm run build && node bench/compressors.mjs [--time 0.5]
 *
 * A ratio is compressed size / input size; MB/s is input megabytes (10^6
 * bytes) per second of compression, the fastest of 10 short rounds (on a
 * shared machine the fastest is the least disturbed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lz4RawCompress } from '../dist/io/codecs/lz4-compress.js';
import { compress } from '../dist/io/parquet/codecs.js';
import { zstdCompress } from '../dist/io/codecs/zstd-compress.js';
import { compressorInputs } from './compressor-inputs.mjs';

const ROUNDS = 10;
const { values: opts } = parseArgs({ options: { time: { type: 'string', default: '0.5' } } });
const roundSeconds = Number(opts.time) / ROUNDS;

/** Ratio and MB/s of `compress` on `bytes`: the fastest of ROUNDS rounds of about `roundSeconds` each. */
function measure(compress, bytes) {
  const size = compress(bytes).length;
  let iterations = 1;
  while (time(compress, bytes, iterations) < roundSeconds) iterations *= 2;
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) best = Math.min(best, time(compress, bytes, iterations) / iterations);
  return { ratio: size / bytes.length, mbs: bytes.length / best / 1e6 };
}

function time(compress, bytes, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) compress(bytes);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** `zstd -b1` or `lz4 -b1` on a file: its compressed size and speed, from the last line it prints (on stderr). */
function cli(tool, file, length) {
  if (!existsSync(`/usr/bin/${tool}`)) return undefined;
  const run = spawnSync(`/usr/bin/${tool}`, ['-b1', '-i1', file], { encoding: 'utf8' });
  const last = `${run.stdout}${run.stderr}`.split(/[\r\n]/).filter((line) => /MB\/s/.test(line)).pop() ?? '';
  const match = /->\s+(\d+)\s+\([^)]*\),\s*([\d.]+) MB\/s/.exec(last.split('|').pop() ?? '');
  if (!match) throw new Error(`cannot read ${tool} -b1: ${last}`);
  return { ratio: Number(match[1]) / length, mbs: Number(match[2]) };
}

const work = mkdtempSync(join(tmpdir(), 'bn1d-compressors-'));
try {
  const columns = ['zstdCompress', 'zstd -1', 'lz4RawCompress', 'lz4 -1', 'SNAPPY (hysnappy)'];
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; ratio (compressed / input) and MB/s (fastest of ${ROUNDS} rounds).\n`);
  console.log(`| input | bytes | ${columns.map((c) => `${c} ratio | MB/s`).join(' | ')} |`);
  console.log(`|---|---:|${columns.map(() => '---:|---:').join('|')}|`);
  for (const { name, bytes } of compressorInputs()) {
    const file = join(work, 'input.bin');
    writeFileSync(file, bytes);
    const results = [
      measure(zstdCompress, bytes),
      cli('zstd', file, bytes.length),
      measure(lz4RawCompress, bytes),
      cli('lz4', file, bytes.length),
      measure((input) => compress('SNAPPY', input), bytes),
    ];
    const cells = results.map((r) => (r ? `${(100 * r.ratio).toFixed(1)}% | ${r.mbs.toFixed(0)}` : '– | –'));
    console.log(`| ${name} | ${bytes.length} | ${cells.join(' | ')} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
