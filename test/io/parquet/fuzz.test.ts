/**
 * The fuzz corpus of arrow-testing, the broken files of parquet-testing and
 * its decompression bomb, read by the Parquet reader in a child process with
 * a memory limit and a timeout: whatever they hold, each one either reads or
 * ends in a DataError; none crashes, hangs or exhausts memory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PARQUET_TESTING, removeTempDirs, TESTDATA, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FUZZING = join(TESTDATA, 'arrow-testing', 'parquet', 'fuzzing');

/** The fuzz inputs that are readable Parquet files. */
const READABLE = [
  'clusterfuzz-testcase-minimized-parquet-arrow-fuzz-5068991573000192',
  'clusterfuzz-testcase-minimized-parquet-arrow-fuzz-5382863341289472',
  'ARROW-GH-43605.parquet',
];

const RUNNER = `
import { openParquet } from './io/parquet/read.js';
for (const path of process.argv.slice(2)) {
  const name = path.split('/').pop();
  let line;
  try {
    const reader = await openParquet(path, name);
    try {
      let rows = 0;
      for await (const batch of reader.batches()) rows += batch.numRows;
      line = { name, outcome: 'read', rows };
    } finally {
      await reader.close();
    }
  } catch (error) {
    line = { name, outcome: error?.constructor?.name ?? String(error), message: String(error?.message ?? error) };
  }
  process.stdout.write(JSON.stringify(line) + '\\n');
}
`;

let build: string;

beforeAll(() => {
  // The child runs the reader compiled to JavaScript, outside the test runner.
  build = tempDir();
  const tsc = spawnSync(process.execPath, [
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--ignoreConfig', join(ROOT, 'src', 'io', 'parquet', 'read.ts'),
    '--outDir', build, '--rootDir', join(ROOT, 'src'), '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--types', 'node', '--skipLibCheck',
  ], { encoding: 'utf8' });
  symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'));
  writeFileSync(join(build, 'package.json'), '{"type":"module"}');
  writeFileSync(join(build, 'runner.mjs'), RUNNER);
  if (!existsSync(join(build, 'io', 'parquet', 'read.js'))) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
});

test('fuzz files, broken files and a decompression bomb: a read or a DataError, never a crash or a hang', () => {
  const files = [
    ...readdirSync(FUZZING).filter((f) => f !== 'README.md').map((f) => join(FUZZING, f)),
    ...readdirSync(join(PARQUET_TESTING, 'bad_data')).filter((f) => f.endsWith('.parquet')).map((f) => join(PARQUET_TESTING, 'bad_data', f)),
    join(PARQUET_TESTING, 'large_string_map.brotli.parquet'),
    join(PARQUET_TESTING, 'nation.dict-malformed.parquet'),
  ];
  const child = spawnSync(process.execPath, ['--max-old-space-size=512', join(build, 'runner.mjs'), ...files], {
    encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20,
  });
  expect(child.signal, child.stderr).toBeNull();
  expect(child.status, child.stderr).toBe(0);
  const lines = child.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; outcome: string; message?: string });
  expect(lines).toHaveLength(files.length);
  const notDataErrors = lines.filter((line) => line.outcome !== 'DataError' && line.outcome !== 'read');
  expect(notDataErrors).toEqual([]);
  expect(lines.filter((line) => line.outcome === 'read').map((line) => line.name).sort()).toEqual([...READABLE].sort());
  for (const line of lines.filter((l) => l.outcome === 'DataError')) expect(line.message!.startsWith(`${line.name}: `), line.message).toBe(true);
  const bomb = lines.find((line) => line.name === 'large_string_map.brotli.parquet')!;
  expect(bomb.message).toMatch(/page of 1073741828 bytes .*decompression bomb/);
});
