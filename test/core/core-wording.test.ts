/** The core states facts: advice in terms of CLI flags belongs to src/cli (hints.ts). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const CORE = fileURLToPath(new URL('../../src/core/', import.meta.url));

test('no file of src/core names a command-line flag', () => {
  const flags = readdirSync(CORE)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(join(CORE, f), 'utf8').matchAll(/--[a-z][a-z-]*/g)].map((m) => `${f}: ${m[0]}`));
  expect(flags).toEqual([]);
});
