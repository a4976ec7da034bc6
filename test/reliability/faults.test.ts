/**
 * Faults: interrupted runs, a reader that goes away, writes that fail, and
 * the input reached under another name. Nothing half-written may stay, no
 * input may change, and each ends with the documented exit code.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Float64, Int32, makeData, RecordBatch, Schema, Field, Struct, Table, tableToIPC } from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { BIN, bn1d, ROOT, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';

const wine = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const dir = scratch();
const state = join(dir, 'stats.json');
const big = join(dir, 'big.parquet');
let stream: Buffer;

const md5 = (path: string) => createHash('md5').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  expect((await bn1d(['fit', wine, '-x', 'target', '-s', state])).code).toBe(0);
  await query(`COPY (SELECT i AS id, (hash(i) % 1000)::DOUBLE AS x, (hash(i, 1) % 77)::DOUBLE AS y FROM range(300000) r(i)) TO '${big}' (FORMAT parquet)`);
  expect((await bn1d(['fit', big, '-x', 'id', '-s', join(dir, 'big.json')])).code).toBe(0);
  // An Arrow stream of 50 batches, to feed slowly.
  const fields = [new Field('x', new Float64(), false), new Field('n', new Int32(), false)];
  const schema = new Schema(fields);
  const batches = Array.from({ length: 50 }, (_, b) => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(b * 1000 + i));
    const n = Int32Array.from({ length: 1000 }, (_, i) => i);
    const children = [makeData({ type: new Float64(), length: 1000, data: x }), makeData({ type: new Int32(), length: 1000, data: n })];
    return new RecordBatch(schema, makeData({ type: new Struct(fields), length: 1000, children }));
  });
  stream = Buffer.from(tableToIPC(new Table(batches), 'stream'));
});

/**
 * Starts bn1d with stdin open and writes `head` (over a pipe's 64 KiB, so the
 * write completes only once bn1d is reading it); waits until `ready()` holds,
 * then sends `signal` while bn1d waits for the rest.
 */
async function interrupt(args: string[], head: Buffer, ready: () => boolean, signal: NodeJS.Signals, env: Record<string, string> = {}) {
  expect(head.length).toBeGreaterThan(1 << 17);
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  await new Promise((resolve) => child.stdin.write(head, resolve));
  const deadline = Date.now() + 10_000;
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(ready()).toBe(true);
  child.kill(signal);
  return { code: await closed, stderr };
}

describe('interrupted runs', () => {
  test('SIGTERM during apply: exit 143, no output, the temporary file removed', async () => {
    const out = scratch();
    const target = join(out, 'normalized.arrow');
    const r = await interrupt(['apply', '-o', target, '--mode', 'train', '-c', 'x'], stream.subarray(0, stream.length >> 1), () => readdirSync(out).length > 0, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(readdirSync(out)).toEqual([]);
  });

  test('SIGINT while Parquet on stdin is being copied: exit 130, the copy removed', async () => {
    const tmp = scratch();
    const bytes = readFileSync(big);
    const r = await interrupt(['fit', '-', '-s', join(tmp, 'never.json')], bytes.subarray(0, bytes.length >> 1), () => readdirSync(tmp).some((f) => f.endsWith('.spool')), 'SIGINT', { TMPDIR: tmp });
    expect(r.code).toBe(130);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test('SIGINT during fit: exit 130 and no state file', async () => {
    const out = scratch();
    const target = join(out, 'stats.json');
    const r = await interrupt(['fit', '-', '-c', 'x', '-s', target], stream.subarray(0, stream.length >> 1), () => true, 'SIGINT');
    expect(r.code).toBe(130);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('a reader that goes away', () => {
  test('apply | head -c 100: bn1d exits 0 without a word', () => {
    const r = spawnSync('bash', ['-c', `node ${BIN} apply ${big} -s ${join(dir, 'big.json')} | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    // The output (millions of bytes) is far larger than what head reads and the pipe holds.
    expect(r.stdout).toMatch(/^status=0$/m);
    expect(r.stderr).toBe('');
  });
});

describe('a slow reader', () => {
  test('apply | a reader that takes 16 KiB at a time: every byte arrives, and stderr stays empty', async () => {
    // Reads a chunk, then pauses 2 ms before the next: bn1d waits for the pipe to drain hundreds of times.
    const reader = `let n = 0; const out = []; process.stdin.on('readable', function read() {
      const chunk = process.stdin.read(16384); if (chunk === null) return; out.push(chunk);
      process.stdin.off('readable', read); setTimeout(() => { process.stdin.on('readable', read); read(); }, 2);
    }); process.stdin.on('end', () => process.stdout.write(Buffer.concat(out)));`;
    const args = `apply ${big} -s ${join(dir, 'big.json')}`;
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${BIN} ${args} | node -e "$READER"`], { env: { ...process.env, READER: reader }, maxBuffer: 1 << 30 });
    expect([r.status, r.stderr.toString()]).toEqual([0, '']);
    const whole = await bn1d(['apply', big, '-s', join(dir, 'big.json')]);
    expect(whole.stdout.length).toBeGreaterThan(4 << 20);
    expect(r.stdout.equals(whole.stdout)).toBe(true);
  });
});

describe('writes that fail', () => {
  test('over a file size limit: one error line, no partial file, the input untouched', () => {
    const out = scratch();
    const before = md5(big);
    const r = spawnSync('bash', ['-c', `ulimit -f 256; node ${BIN} apply ${big} -s ${join(dir, 'big.json')} -o ${join(out, 'out.parquet')}`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^bn1d: error: cannot write .*out\.parquet: file too large \(over the file size limit\)\n$/);
    expect(readdirSync(out)).toEqual([]);
    expect(md5(big)).toBe(before);
  });

  test('a full device, a missing folder, a folder that is a file', async () => {
    const full = await bn1d(['apply', wine, '-s', state, '-o', '/dev/full', '--format', 'parquet']);
    expect([full.code, full.stderr]).toEqual([1, 'bn1d: error: cannot write /dev/full: no space left on the device\n']);
    const missing = await bn1d(['apply', wine, '-s', state, '-o', join(dir, 'no', 'such', 'out.parquet')]);
    expect([missing.code, missing.stderr]).toEqual([1, `bn1d: error: cannot write ${join(dir, 'no', 'such', 'out.parquet')}: no such file or directory\n`]);
    const underFile = await bn1d(['fit', wine, '-s', join(state, 'inside.json')]);
    expect(underFile.code).toBe(1);
    expect(underFile.stderr).toMatch(/^bn1d: error: cannot write .*inside\.json: a parent is not a directory\n$/);
  });

  test('a named pipe or /dev/null as the output is written in place, never replaced', async () => {
    const fifo = join(scratch(), 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    const readerDone = new Promise((r) => reader.on('close', r));
    const chunks: Buffer[] = [];
    reader.stdout.on('data', (d: Buffer) => chunks.push(d));
    const run = await bn1d(['apply', wine, '-s', state, '-o', fifo, '--format', 'arrows']);
    await readerDone;
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(Buffer.concat(chunks).readInt32LE(0)).toBe(-1);
    expect(spawnSync('test', ['-p', fifo]).status).toBe(0);
    const devnull = await bn1d(['apply', wine, '-s', state, '-o', '/dev/null', '--format', 'parquet']);
    expect([devnull.code, devnull.stderr]).toEqual([0, '']);
    expect(spawnSync('test', ['-c', '/dev/null']).status).toBe(0);
  });
});

describe('the input is never the output', () => {
  test('not through a symlink, ./ or a hard link, even with --force; the input keeps its bytes', async () => {
    const d = scratch();
    const input = join(d, 'data.parquet');
    writeFileSync(input, readFileSync(wine));
    symlinkSync(input, join(d, 'link.parquet'));
    linkSync(input, join(d, 'hard.parquet'));
    const before = md5(input);
    for (const [src, out] of [['data.parquet', './data.parquet'], ['link.parquet', 'data.parquet'], ['data.parquet', 'link.parquet'], ['hard.parquet', 'data.parquet']]) {
      const r = await bn1d(['apply', src!, '-s', state, '-o', out!, '--force'], { cwd: d });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`bn1d: error: the output ${out} is the input: write to another file\n`);
    }
    const fit = await bn1d(['fit', 'data.parquet', '-s', 'link.parquet'], { cwd: d });
    expect(fit.code).toBe(2);
    expect(fit.stderr).toMatch(/is the input/);
    expect(md5(input)).toBe(before);
  });
});
