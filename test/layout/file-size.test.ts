/** Source files stay small enough to read in one sitting: none under src/ is over 250 lines. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const MAX_LINES = 250;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Lines as `wc -l` counts them, plus a last line that has no newline. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

test(`no file under src/ has more than ${MAX_LINES} lines`, () => {
  const files = filesUnder(join(ROOT, 'src'));
  expect(files.length).toBeGreaterThan(100);
  const tooLong = files
    .map((file) => ({ file: relative(ROOT, file), lines: lineCount(readFileSync(file, 'utf8')) }))
    .filter(({ lines }) => lines > MAX_LINES);
  expect(tooLong).toEqual([]);
});
