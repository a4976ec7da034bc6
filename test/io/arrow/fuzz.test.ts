/**
 * The fuzz and crash inputs of arrow-testing, and seeded mutations of valid
 * files, each read in a child process with a memory limit and a time limit:
 * every input must end in a DataError or a complete read (which must write
 * back and read again), never in another error, a crash or a hang.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FuzzOutcome } from './fuzz-child.js';
import { ROOT } from '../../helpers/cli.js';
import { ARROW_TESTING, INTEGRATION } from './testdata.js';

const TIME_LIMIT_MS = 10_000;
const MEMORY_LIMIT_MB = 256;

/** Why the child stopped before the end of its inputs. */
interface Stop {
  outcome: 'hang' | 'crash';
  message: string;
}
type Result = FuzzOutcome | (Stop & { input: string });

let build: string;
let child: string;

beforeAll(() => {
  // The child runs outside vitest, so it is compiled first; node_modules is linked for its imports.
  build = mkdtempSync(join(tmpdir(), 'bn1d-arrow-fuzz-build-'));
  symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'), 'dir');
  const tsc = spawnSync(process.execPath, [
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--ignoreConfig', '--outDir', build, '--rootDir', ROOT, '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--types', 'node', '--skipLibCheck', '--strict', join(ROOT, 'test', 'io', 'arrow', 'fuzz-child.ts'),
  ], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`cannot compile the fuzz child: ${tsc.stdout}${tsc.stderr}`);
  child = join(build, 'test', 'io', 'arrow', 'fuzz-child.js');
});

afterAll(() => rmSync(build, { recursive: true, force: true }));

/** Runs the child on the inputs; restarts it after an input that hangs or crashes it. */
async function run(inputs: readonly string[]): Promise<Map<string, Result>> {
  const results = new Map<string, Result>();
  let rest = [...inputs];
  while (rest.length > 0) {
    const { done, stopped } = await runOnce(rest);
    for (const result of done) results.set(result.input, result);
    rest = rest.slice(done.length);
    if (stopped && rest.length > 0) {
      results.set(rest[0]!, { input: rest[0]!, ...stopped });
      rest = rest.slice(1);
    }
  }
  return results;
}

function runOnce(inputs: readonly string[]): Promise<{ done: FuzzOutcome[]; stopped: Stop | null }> {
  return new Promise((resolve) => {
    const worker = spawn(process.execPath, [`--max-old-space-size=${MEMORY_LIMIT_MB}`, child, ...inputs], { stdio: ['ignore', 'pipe', 'pipe'] });
    const done: FuzzOutcome[] = [];
    let pending = '';
    let stderr = '';
    let hung = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        worker.kill('SIGKILL');
      }, TIME_LIMIT_MS);
    };
    arm();
    worker.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) done.push(JSON.parse(line) as FuzzOutcome);
      arm();
    });
    worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    worker.on('close', (code, signal) => {
      clearTimeout(timer);
      if (hung) resolve({ done, stopped: { outcome: 'hang', message: `no result within ${TIME_LIMIT_MS} ms` } });
      else if (code !== 0) resolve({ done, stopped: { outcome: 'crash', message: `exit ${code ?? signal}: ${stderr.slice(-500)}` } });
      else resolve({ done, stopped: null });
    });
  });
}

const corpus = (folder: string, kind: string) =>
  readdirSync(join(ARROW_TESTING, folder))
    .filter((f) => f !== 'README.md')
    .map((f) => `${kind}:${join(ARROW_TESTING, folder, f)}`);

/** Every result that is neither a complete read nor a one-line DataError naming the input. */
function unacceptable(results: Map<string, Result>): Result[] {
  return [...results.values()].filter(
    (r) => r.outcome !== 'read' && !(r.outcome === 'error' && r.error === 'DataError' && /^fuzz: [^\n]+$/.test(r.message ?? '')),
  );
}

describe('fuzz inputs', () => {
  test('the arrow-testing fuzz corpus ends in DataErrors, and the few valid inputs read', async () => {
    const inputs = [
      ...corpus('arrow-ipc-file', 'file'),
      ...corpus('arrow-ipc-stream', 'stream'),
      ...corpus('arrow-ipc-tensor-stream', 'stream'),
      ...corpus('forward-compatibility', 'stream'),
    ];
    expect(inputs.length).toBe(55 + 80 + 2 + 1);
    const results = await run(inputs);
    expect(results.size).toBe(inputs.length);
    expect(unacceptable(results)).toEqual([]);
    const read = [...results.values()].filter((r) => r.outcome === 'read').map((r) => `${r.input.split('/').pop()} ${(r as FuzzOutcome).rows}`);
    expect(read.sort()).toEqual([
      'clusterfuzz-testcase-minimized-arrow-ipc-file-fuzz-5707423356813312 0',
      'clusterfuzz-testcase-minimized-arrow-ipc-file-fuzz-6088759971217408 200',
      'crash-5e88bae6ac5250714e8c8bc73b9d67b949fadbb4 0',
    ]);
    const v6 = [...results.values()].find((r) => r.input.endsWith('schema_v6.arrow'));
    expect(v6?.message).toBe('fuzz: unknown Arrow metadata version V6');
    const hanging = [...results.values()].find((r) => r.input.endsWith('clusterfuzz-testcase-minimized-arrow-ipc-file-fuzz-6240547580936192'));
    expect(hanging?.outcome).toBe('error');
  });

  test('seeded mutations of valid files end in DataErrors or complete reads', async () => {
    const bases = ['1.0.0-littleendian/generated_primitive', '1.0.0-littleendian/generated_nested_dictionary', '1.0.0-littleendian/generated_union',
      '1.0.0-littleendian/generated_map', '2.0.0-compression/generated_lz4', '2.0.0-compression/generated_zstd', 'cpp-21.0.0/generated_binary_view',
      'cpp-21.0.0/generated_list_view'];
    const inputs = bases.flatMap((base) =>
      (['file', 'stream'] as const).flatMap((kind) =>
        Array.from({ length: 60 }, (_, seed) => `mutate-${kind}:${join(INTEGRATION, `${base}.${kind === 'file' ? 'arrow_file' : 'stream'}`)}#${seed}`),
      ),
    );
    const results = await run(inputs);
    expect(results.size).toBe(inputs.length);
    expect(unacceptable(results)).toEqual([]);
    const outcomes = [...results.values()].map((r) => r.outcome);
    // Both outcomes occur, so the mutations reach past the first checks.
    expect(outcomes.filter((o) => o === 'read').length).toBeGreaterThan(50);
    expect(outcomes.filter((o) => o === 'error').length).toBeGreaterThan(200);
  });
});
