import { PassThrough } from 'node:stream';
import { afterEach, expect, test, vi } from 'vitest';
import { clock, describe, fitWidth, startProgress } from '../../src/cli/progress.js';

function stream(isTTY: boolean, columns = 120) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  s.isTTY = isTTY;
  s.columns = columns;
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return { s, text: () => text };
}

/** What a terminal shows of each redraw: the text between a carriage return and the erase to the end of the line. */
const drawn = (text: string) => [...text.matchAll(/\r([^\r\x1b]*)\x1b\[K/g)].map((m) => m[1]!).filter((line) => line !== '');

afterEach(() => vi.useRealTimers());

test('on a terminal: percent, time left, epoch, rows of the total, batches and rows per second, with thousands grouped', () => {
  vi.useFakeTimers({ toFake: ['performance'] });
  const { s, text } = stream(true);
  const progress = startProgress(s, false, 'fitting', {});
  progress.setTotal(3_000_000);
  vi.advanceTimersByTime(2000);
  progress.update({ rows: 1_234_567, batches: 4_823, epoch: 2, epochs: 3 });
  expect(drawn(text()).at(-1)).toBe('fitting: 41% · ETA 0:03 · epoch 2/3 · 1,234,567 of 3,000,000 rows · 4,823 batches · 617,284 rows/s');
  progress.done('fitted 4 features over 3 epochs, 19,532 batches');
  expect(text()).toMatch(/\r\x1b\[Kfitted 4 features over 3 epochs, 19,532 batches in 2\.0 s \(617,284 rows\/s\)\n$/);
});

test('without a total (a stream): rows and rows per second only', () => {
  expect(describe({ rows: 25_000 }, 2, undefined)).toBe('25,000 rows · 12,500 rows/s');
  expect(describe({ rows: 1, batches: 1 }, 0.1, undefined)).toBe('1 row · 1 batch');
  expect(describe({ rows: 0 }, 0, 0)).toBe('0 rows');
  expect([clock(3), clock(62), clock(3723)]).toEqual(['0:03', '1:02', '1:02:03']);
});

test('the line fits any width, one column short of the edge, and a terminal that reports 0 columns counts as 80', () => {
  const text = 'fitting: 41% · ETA 0:03 · epoch 2/3 · 1,234,567 of 3,000,000 rows · 4,823 batches · 617,284 rows/s';
  expect(fitWidth(text, 300)).toBe(text);
  expect(fitWidth(text, 20)).toBe('fitting: 41% · ETA…');
  expect(Array.from(fitWidth(text, 0))).toHaveLength(79);
  expect(fitWidth(text, 2)).toBe('…');
  expect(fitWidth(text, 1)).toBe('');
});

test('redraws at most ten times a second, reading the width at each redraw', () => {
  vi.useFakeTimers({ toFake: ['performance'] });
  const { s, text } = stream(true, 300);
  const progress = startProgress(s, false, 'normalizing', {});
  for (let ms = 1; ms <= 1000; ms++) {
    vi.advanceTimersByTime(1);
    if (ms === 500) s.columns = 20;
    progress.update({ rows: ms });
  }
  const lines = drawn(text());
  expect(lines.length).toBeGreaterThanOrEqual(10);
  expect(lines.length).toBeLessThanOrEqual(11);
  expect(Math.max(...lines.slice(-4).map((line) => Array.from(line).length))).toBeLessThanOrEqual(19);
  progress.fail();
  expect(text().endsWith('\r\x1b[K')).toBe(true);
});

test('a warning goes on a line of its own above the progress line', () => {
  const { s, text } = stream(true);
  const progress = startProgress(s, false, 'fitting', {});
  progress.note('bn1d: warning: something\n');
  expect(text()).toMatch(/^\rfitting: 0 rows\x1b\[K\r\x1b\[Kbn1d: warning: something\n\rfitting: 0 rows\x1b\[K$/);
});

test('nothing when stderr is not a terminal, with --quiet, or on a dumb terminal; warnings still go out', () => {
  for (const [tty, quiet, env] of [[false, false, {}], [true, true, {}], [true, false, { TERM: 'dumb' }]] as const) {
    const { s, text } = stream(tty);
    const progress = startProgress(s, quiet, 'fitting', env);
    expect(progress.shown).toBe(false);
    progress.update({ rows: 10 });
    progress.note('bn1d: warning: w\n');
    progress.done('done');
    expect(text()).toBe('bn1d: warning: w\n');
  }
});

test('counts other units than rows where a command says so', () => {
  expect(describe({ rows: 3, unit: ['file', 'files'] }, 0.1, 7)).toBe('42% · 3 of 7 files');
  expect(describe({ rows: 1, unit: ['batch', 'batches'] }, 0.1, undefined)).toBe('1 batch');
});
