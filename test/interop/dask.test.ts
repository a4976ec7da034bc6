/**
 * examples/dask/fit.py on a real Dask cluster (Debian's python3-distributed,
 * a LocalCluster of two worker processes): five shards of three Polars
 * files (row groups smaller than a shard, nulls, a list and an Array
 * column), mapped on the workers and folded, give the state `bn1d fit`
 * gives, except `fit.folded`; a NaN fails the run with bn1d's error line and
 * no state. Skipped when /usr/bin/python3 cannot import distributed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, ok, ROOT, scratch } from '../helpers/cli.js';
import { pl, polarsTable, writePolarsParquet } from '../helpers/polars-table.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(ROOT, 'examples', 'dask', 'fit.py');
const hasDask = spawnSync(PYTHON, ['-c', 'import distributed'], { stdio: 'ignore' }).status === 0;
const TITLE = hasDask ? 'examples/dask/fit.py' : `examples/dask/fit.py: skipped, ${PYTHON} cannot import distributed (apt-get install python3-dask python3-distributed)`;
const RUN_MS = 240_000;
if (!hasDask) console.warn(TITLE);

const dir = scratch();
const parts = [0, 1, 2].map((k) => join(dir, `part-${k}.parquet`));
const nanFile = join(dir, 'nan.parquet');
const FEATURES = 'x,li,fsl,f32,f64,i16';

interface Run {
  code: number | null;
  stderr: string;
  /** The processes of the run's process group (its cluster's) still running 10 s after the script exited. */
  leftover: string[];
}

/** Processes of process group `pgid` that are running (not zombies waiting to be reaped), from /proc. */
function liveInGroup(pgid: number): string[] {
  return readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return [];
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis.
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(group) === pgid && state !== 'Z' && state !== 'X' ? [stat.slice(0, stat.lastIndexOf(')') + 1)] : [];
  });
}

const running = new Set<number>();
afterAll(() => {
  for (const pgid of running) if (liveInGroup(pgid).length > 0) process.kill(-pgid, 'SIGKILL');
});

/** Runs fit.py in its own process group, which is killed when the run ends, whatever happens. */
async function fitPy(args: string[]): Promise<Run> {
  const child = spawn(PYTHON, [SCRIPT, ...args], {
    cwd: dir,
    detached: true,
    env: { ...process.env, BN1D: `${process.execPath} ${BIN}`, BN1D_DEBUG: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child.pid!);
  const err: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const timer = setTimeout(() => child.kill('SIGTERM'), RUN_MS);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c) => resolve(c));
    });
    // The workers are the script's children, in its group: once it has closed its cluster, they end
    // (multiprocessing's resource tracker a moment after the script), so give them 10 s.
    for (let i = 0; i < 100 && liveInGroup(child.pid!).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    return { code, stderr: Buffer.concat(err).toString('utf8'), leftover: liveInGroup(child.pid!) };
  } finally {
    clearTimeout(timer);
    if (liveInGroup(child.pid!).length > 0) process.kill(-child.pid!, 'SIGKILL');
  }
}

/** A state file's JSON without `fit.folded`. */
function withoutFolded(path: string): { text: string; folded: unknown } {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { fit: Record<string, unknown> };
  const { folded, ...fit } = doc.fit;
  return { text: JSON.stringify({ ...doc, fit }), folded };
}

beforeAll(() => {
  if (!hasDask) return;
  // 4,500 rows: in batches of 128, 35 whole batches and a short one of 20 rows.
  const df = polarsTable(5000);
  writePolarsParquet(df.slice(0, 2000), parts[0]!, 'zstd', 400);
  writePolarsParquet(df.slice(2000, 700), parts[1]!, 'snappy', 300);
  writePolarsParquet(df.slice(3200, 1800), parts[2]!, 'zstd', 400);
  const a = Array.from({ length: 3000 }, (_, i) => (i === 2222 ? NaN : i / 7));
  pl.DataFrame([pl.Series('a', a, pl.Float64)]).writeParquet(nanFile);
});

describe.skipIf(!hasDask)(TITLE, () => {
  test.each([
    ['momentum none', ['-m', 'none']],
    ['momentum 0.1', ['-m', '0.1']],
  ])('five shards on two workers, %s, 2 epochs, --drop-last: the state of bn1d fit', { timeout: RUN_MS + 60_000 }, async (name, momentum) => {
    const flags = ['-b', '128', '-c', FEATURES, ...momentum, '-e', '2', '--drop-last'];
    const state = join(dir, `dask-${name.replace(/\W/g, '')}.json`);
    const run = await fitPy(['--workers', '2', '--shards', '5', ...flags, '-s', state, ...parts]);
    expect(run.stderr).not.toMatch(/error/i);
    expect([run.code, run.leftover]).toEqual([0, []]);
    await ok(['fit', ...parts, ...flags, '-q', '-s', join(dir, 'fit.json')], { cwd: dir });
    const folded = withoutFolded(state);
    expect(folded.folded).toMatchObject({ shards: 5 });
    expect(folded.text).toContain('"num_batches_tracked":70,');
    expect(folded.text).toBe(withoutFolded(join(dir, 'fit.json')).text);
  });

  test('a NaN fails its map task: bn1d\'s error line, a non-zero exit, no state', { timeout: RUN_MS + 60_000 }, async () => {
    const state = join(dir, 'nan-state.json');
    const run = await fitPy(['--workers', '2', '--shards', '5', '-b', '100', '-s', state, nanFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^fit\.py: bn1d map failed on shard 3 of 5 \(exit 1\):$/m);
    expect(run.stderr).toMatch(/^bn1d: error: column "a" has NaN at row 2,222 of .*nan\.parquet/m);
    expect(run.leftover).toEqual([]);
    expect(existsSync(state)).toBe(false);
  });
});
