/**
 * bn1d on a real terminal (a pseudo-terminal): progress at any width and
 * through a resize, Ctrl-C and SIGTERM mid-run, and no binary data dumped
 * on the screen.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bn1d, ROOT, scratch } from '../helpers/cli.js';
import { inPty, progressLines, type Terminal } from '../helpers/pty.js';

const wine = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const dir = scratch();
const state = join(dir, 'wine.json');
/** Epochs of the wine table that keep a fit busy for minutes: it runs until the test stops it. */
const LONG = ['-e', '1000000'];

beforeAll(async () => {
  expect((await bn1d(['fit', wine, '-x', 'target', '-s', state])).code).toBe(0);
});

/** Columns of each line as drawn (every character here is one column wide). */
const widths = (lines: string[]) => lines.map((line) => Array.from(line).length);

/** A watcher that calls `act` once, when the terminal has shown `count` progress lines since `from`. */
function after(count: number, act: (terminal: Terminal) => void, from = () => 0) {
  let done = false;
  return (terminal: Terminal) => {
    if (done || progressLines(terminal.output.slice(from())).length < count) return;
    done = true;
    act(terminal);
  };
}

describe('progress at any terminal width', () => {
  test.each([0, 1, 20, 300])('%i columns: the fit ends, every line fits, the cursor never goes up, the output stays small', async (columns) => {
    const run = await inPty(['fit', wine, '-x', 'target', '-b', '16', '-e', '300', '-s', join(dir, `w${columns}.json`)], { columns });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(0);
    expect(run.bytes).toBeLessThan(64 << 10);
    // 0 columns is a terminal that does not say: lines are then cut for 80.
    expect(Math.max(0, ...widths(progressLines(run.output)))).toBeLessThanOrEqual((columns || 80) - 1);
    if (columns >= 20) expect(progressLines(run.output)[0]).toMatch(/^fitting: /);
    expect(run.output).not.toMatch(/\x1b\[\d*A/);
    expect(run.output).toMatch(/fitted 13 features over 300 epochs, 3,600 batches in \d+\.\d s \([\d,]+ rows\/s\)\r?\n/);
  });

  test('a resize from 300 to 20 columns mid-run: the lines that follow fit the new width', async () => {
    let resizedAt = Infinity;
    const resize = after(3, (t) => {
      t.resize(20);
      resizedAt = t.output.length;
    });
    const interrupt = after(8, (t) => t.type('\x03'), () => resizedAt);
    const run = await inPty(['fit', wine, '-x', 'target', ...LONG, '-s', join(dir, 'resized.json')], {
      columns: 300,
      watch: (t) => [resize, interrupt].forEach((watcher) => watcher(t)),
    });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(130);
    const lines = progressLines(run.output.slice(resizedAt));
    expect(Math.max(...widths(progressLines(run.output.slice(0, resizedAt))))).toBeGreaterThan(40);
    // The first redraw after the resize may come before bn1d hears of it.
    expect(Math.max(...widths(lines.slice(2)))).toBeLessThanOrEqual(19);
  });
});

describe('stopping a run on a terminal that reports 0 columns', () => {
  test('Ctrl-C mid-fit exits 130, leaves no progress line behind and writes no state', async () => {
    const target = join(dir, 'interrupted.json');
    const run = await inPty(['fit', wine, '-x', 'target', ...LONG, '-s', target], { columns: 0, watch: after(3, (t) => t.type('\x03')) });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(130);
    expect(run.output).toMatch(/\r\x1b\[K$/);
    // Neither the state nor a temporary file beside it.
    expect(readdirSync(dir).filter((name) => name.includes('interrupted'))).toEqual([]);
  });

  test('SIGTERM mid-fit exits 143', async () => {
    const run = await inPty(['fit', wine, '-x', 'target', ...LONG, '-s', join(dir, 'terminated.json')], { columns: 0, watch: after(3, (t) => t.signal('SIGTERM')) });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(143);
  });
});

describe('binary data and a terminal', () => {
  test('apply refuses to write its output to a terminal unless -o - asks for it', async () => {
    const refused = await inPty(['apply', wine, '-s', state], { columns: 80 });
    expect(refused.code).toBe(2);
    expect(refused.output.replace(/^pid=.*\r\n/, '')).toBe(
      'bn1d: error: not writing Arrow IPC data to a terminal: give -o a file, such as -o out.parquet, or pass -o - to write it there anyway\r\n',
    );
    const parquet = await inPty(['apply', wine, '-s', state, '--format', 'parquet'], { columns: 80 });
    expect([parquet.code, parquet.output]).toEqual([2, expect.stringMatching(/not writing Parquet data to a terminal/)]);
    const forced = await inPty(['apply', wine, '-s', state, '-o', '-', '-q'], { columns: 80 });
    expect(forced.code).toBe(0);
    // The stream's schema names the columns: the bytes reached the terminal.
    expect(forced.output).toContain('proline');
  });
});
