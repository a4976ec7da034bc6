/**
 * Reading a few columns of an Arrow IPC file: the figures behind READ_GAP
 * (src/io/arrow/body-plan.ts) and what a projection reads.
 *
 * 1. Two positional reads of `SPAN` bytes each, `gap` bytes apart, against
 *    one read that spans both and the gap, at random places of a 256 MiB
 *    file: with the file in the page cache (warm) and after dropping it from
 *    the cache (cold; `dd iflag=nocache`). The gap at which one read stops
 *    being faster is where two ranges are better read apart.
 * 2. bn1d's Arrow reader (the build in dist/, or the dist folder given) on
 *    files of 64 float64 columns: every column against one column (and 8
 *    spread-out columns), seconds and bytes read (rchar of /proc/self/io),
 *    warm and cold.
 *
 * Usage: npm run build && node bench/arrow-columns.mjs [reads | columns | both] [path/to/dist]
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Field, Float64, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'bench', 'data');
mkdirSync(dir, { recursive: true });
const [part = 'both', build = join(root, 'dist')] = process.argv.slice(2);
const { openArrowFile } = await import(pathToFileURL(resolve(build, 'io', 'arrow', 'read.js')).href);
const { createArrowWriter } = await import(pathToFileURL(resolve(build, 'io', 'arrow', 'write.js')).href);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const now = () => Number(process.hrtime.bigint()) / 1e3;
const drop = (path) => execFileSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' });
const rchar = () => Number(/rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))[1]);

/** Part 1: two reads against one. */
async function gaps() {
  const path = join(dir, 'columns-reads.bin');
  const SIZE = 256 * 2 ** 20;
  if (!existsSync(path)) {
    const fd = openSync(path, 'w');
    const chunk = Buffer.alloc(2 ** 20, 7);
    for (let at = 0; at < SIZE; at += chunk.length) writeSync(fd, chunk);
    closeSync(fd);
  }
  const handle = await open(path, 'r');
  const out = Buffer.allocUnsafeSlow(16 * 2 ** 20);
  let seed = 1;
  const place = (span) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return Math.floor((seed / 2 ** 32) * (SIZE - span) / 4096) * 4096;
  };
  const trial = async (span, gap, cold) => {
    const at = place(2 * span + gap);
    if (cold) drop(path);
    const t0 = now();
    await handle.read(out, 0, span, at);
    await handle.read(out, span, span, at + span + gap);
    const two = now() - t0;
    if (cold) drop(path);
    const t1 = now();
    await handle.read(out, 0, 2 * span + gap, at);
    return [two, now() - t1];
  };
  console.log('| span KiB | gap KiB | cache | two reads µs | one read µs |');
  console.log('|---:|---:|---|---:|---:|');
  for (const cold of [false, true]) {
    if (!cold) for (let at = 0; at < SIZE; at += out.length) await handle.read(out, 0, out.length, at);
    for (const span of [4096, 65536]) {
      for (const gap of [0, 32, 64, 128, 192, 256, 512, 1024].map((k) => k * 1024)) {
        const runs = [];
        for (let k = 0; k < (cold ? 41 : 201); k++) runs.push(await trial(span, gap, cold));
        const [two, one] = [0, 1].map((j) => median(runs.map((r) => r[j])));
        console.log(`| ${span / 1024} | ${gap / 1024} | ${cold ? 'cold' : 'warm'} | ${two.toFixed(0)} | ${one.toFixed(0)} |`);
      }
    }
  }
  await handle.close();
}

/** A file of 64 float64 columns in batches of `rows` rows, `batches` of them. */
async function columnsFile(rows, batches) {
  const path = join(dir, `columns-64x${rows}x${batches}.arrow`);
  if (existsSync(path)) return path;
  const fields = Array.from({ length: 64 }, (_, c) => new Field(`c${c}`, new Float64(), true));
  const schema = new Schema(fields);
  const fd = openSync(`${path}.part`, 'w');
  const writer = createArrowWriter({ write: async (bytes) => void writeSync(fd, bytes), end: async () => closeSync(fd) }, schema, 'file');
  for (let b = 0; b < batches; b++) {
    const children = fields.map((f, c) => {
      const data = new Float64Array(rows);
      for (let i = 0; i < rows; i++) data[i] = c * 1000 + b + i / rows;
      return makeData({ type: f.type, length: rows, nullCount: 0, data });
    });
    await writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children })));
  }
  await writer.finish();
  execFileSync('mv', [`${path}.part`, path]);
  return path;
}

/** Reads every batch of a file, projected to `columns`; returns the rows. */
async function readAll(path, columns) {
  const reader = await openArrowFile(path, 'bench');
  let n = 0;
  try {
    for await (const batch of reader.batches(columns)) n += batch.numRows;
  } finally {
    await reader.close();
  }
  return n;
}

/** Part 2: every column, one, and 8 spread out, of files with batches of several sizes. */
async function projections() {
  console.log('\n| rows per batch | body MiB | columns | cache | seconds | MiB read |');
  console.log('|---:|---:|---|---|---:|---:|');
  const spread = Array.from({ length: 8 }, (_, k) => `c${8 * k + 3}`);
  for (const [rows, batches] of [[512, 2048], [4096, 256], [32768, 32], [1 << 20, 2]]) {
    const path = await columnsFile(rows, batches);
    for (const [label, columns] of [['all 64', undefined], ['c17', ['c17']], ['8 of 64', spread]]) {
      for (const cold of [false, true]) {
        const runs = [];
        for (let k = 0; k < 3; k++) {
          if (cold) drop(path);
          else await readAll(path, columns);
          const [t0, r0] = [now(), rchar()];
          const n = await readAll(path, columns);
          if (n !== rows * batches) throw new Error(`read ${n} rows`);
          runs.push([(now() - t0) / 1e6, (rchar() - r0) / 2 ** 20]);
        }
        const [s, mib] = [0, 1].map((j) => median(runs.map((r) => r[j])));
        console.log(`| ${rows} | ${((rows * 64 * 8) / 2 ** 20).toFixed(2)} | ${label} | ${cold ? 'cold' : 'warm'} | ${s.toFixed(3)} | ${mib.toFixed(1)} |`);
      }
    }
  }
}

if (part !== 'columns') await gaps();
if (part !== 'reads') await projections();
