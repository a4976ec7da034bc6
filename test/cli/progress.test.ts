import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { startProgress } from '../../src/cli/progress.js';

function stream(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  s.isTTY = isTTY;
  s.columns = 120;
  // What a terminal stream has and ora calls.
  Object.assign(s, { cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return { s, text: () => text };
}

test('on a terminal: a spinner with rows, batches, epoch, and a summary with rows per second', async () => {
  const { s, text } = stream(true);
  const progress = await startProgress(s, false, 'fitting');
  await new Promise((r) => setTimeout(r, 150));
  progress.update({ rows: 12345, batches: 49, epoch: 2, epochs: 3 });
  await new Promise((r) => setTimeout(r, 150));
  progress.done('fitted 4 features');
  expect(text()).toMatch(/fitting: epoch 2\/3 · 12,345 rows · 49 batches/);
  expect(text()).toMatch(/fitted 4 features in \d+\.\d s \([\d,]+ rows\/s\)/);
});

test('nothing when stderr is not a terminal, or with --quiet', async () => {
  for (const [tty, quiet] of [[false, false], [true, true]] as const) {
    const { s, text } = stream(tty);
    const progress = await startProgress(s, quiet, 'fitting');
    progress.update({ rows: 10 });
    progress.done('done');
    expect(text()).toBe('');
  }
});
