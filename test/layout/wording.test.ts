/**
 * The core and the readers and writers state facts: advice in terms of CLI
 * flags or commands belongs to src/cli (hints.ts), and the library names its
 * settings its own way (src/pipeline/options.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every .ts file below a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Flags and `bn1d <command>` inside string literals of code lines (comments may explain which flag feeds what). */
function cliWords(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
    .flatMap((line) => [...line.matchAll(/(['"`])(?:(?!\1).)*?(--[a-z][a-z-]*)(?:(?!\1).)*\1/g)].map((m) => `${relative(SRC, file)}: ${m[2]}`));
}

test('no string of src/core or src/io names a command-line flag', () => {
  const found = [...sources(join(SRC, 'core')), ...sources(join(SRC, 'io'))].flatMap(cliWords);
  expect(found).toEqual([]);
});

test('the check sees a flag in a message, and not in a comment', () => {
  const probe = join(SRC, '..', 'test', 'layout', 'wording.test.ts');
  expect(cliWords(probe)).toContain('../test/layout/wording.test.ts: --drop-last');
  // pass --drop-last to skip it (a comment: not counted)
  expect(`pass --drop-last`).toBeTruthy();
});
