/**
 * fit --report, bn1d report and inspect's sparklines, black box: the report
 * of a real fit shows every feature's trajectory (checked against running
 * statistics computed here from the table), histograms of every value, and
 * the final state; Chromium renders it; bn1d report rebuilds the same cards.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { type BatchNormState } from '../../src/core/state.js';
import { parseState } from '../../src/core/state-json.js';
import { chromium } from '../helpers/chromium.js';
import { bn1d, fails, ok, ROOT, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { numbers, parquetAsArrow } from '../helpers/tables.js';
import { decode } from './report/html-tree.js';
import { decodePng, pixel } from './report/png.js';

const dir = scratch();
const wine = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const statePath = join(dir, 'wine.json');
const fitReport = join(dir, 'fit.html');
const BATCH = 16;
const EPOCHS = 2;

let state: BatchNormState;
let html: string;
let columns: Map<string, Float64Array>;

/** The feature cards of a report, by feature name. */
function cards(page: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of page.matchAll(/<section class="feature" data-feature="([^"]*)"[^>]*>([\s\S]*?)<\/section>/g)) found.set(decode(m[1]!, 'data-feature'), m[2]!);
  return found;
}

/** The recorded points of a card's trajectory chart, from the data its hover script reads. */
function trajectory(card: string): { x: number[]; m: number[]; v: number[]; e: number[] } {
  const m = /<svg class="chart trajectory"[^>]* data-hover="([^"]*)"/.exec(card);
  expect(m).not.toBeNull();
  return JSON.parse(decode(m![1]!, 'data-hover'));
}

/** The values counted by the bars of a card's histogram of `kind`. */
function histogramTotal(card: string, kind: 'raw' | 'normalized'): number {
  const bars = [...card.matchAll(new RegExp(`<rect class="bar ${kind}"[^>]*><title>[^<]*: ([\\d,]+)</title>`, 'g'))];
  expect(bars.length).toBeGreaterThan(1);
  return bars.reduce((sum, b) => sum + Number(b[1]!.replaceAll(',', '')), 0);
}

/** Cumulative averages (momentum none) of per-batch means and unbiased variances, after every batch of every epoch. */
function cumulativePath(x: Float64Array): { mean: number[]; variance: number[] } {
  const mean: number[] = [];
  const variance: number[] = [];
  let sumMean = 0;
  let sumVar = 0;
  let k = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let start = 0; start < x.length; start += BATCH) {
      const batch = x.subarray(start, Math.min(start + BATCH, x.length));
      const m = batch.reduce((s, v) => s + v, 0) / batch.length;
      const v = batch.reduce((s, xi) => s + (xi - m) ** 2, 0) / (batch.length - 1);
      k++;
      sumMean += m;
      sumVar += v;
      mean.push(sumMean / k);
      variance.push(sumVar / k);
    }
  }
  return { mean, variance };
}

/** Trajectories keep 7 significant digits (the final state keeps every bit). */
const close = (a: number, b: number) => Math.abs(a - b) <= 5e-7 * Math.abs(b) + 1e-300;

beforeAll(async () => {
  await ok(['fit', wine, '-x', 'target', '-b', String(BATCH), '-m', 'none', '-e', String(EPOCHS), '-s', statePath, '--report', fitReport, '-q']);
  state = parseState(readFileSync(statePath, 'utf8'));
  html = readFileSync(fitReport, 'utf8');
  const table = await parquetAsArrow(wine);
  columns = new Map(state.features.map((f) => [f, numbers(table, f)]));
});

describe('fit --report', () => {
  test('one self-contained HTML file: no script, style, image or font fetched from anywhere', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<(script|img|iframe|link)\b[^>]*\b(src|href)=/i);
    expect(html).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  });

  test('a card per feature, in order, whose trajectory is the running statistics after each recorded batch', () => {
    const found = cards(html);
    expect([...found.keys()]).toEqual(state.features);
    const batches = EPOCHS * Math.ceil(178 / BATCH);
    state.features.forEach((feature, c) => {
      const t = trajectory(found.get(feature)!);
      const want = cumulativePath(columns.get(feature)!);
      expect(t.x[0]).toBe(1);
      expect(t.x.at(-1)).toBe(batches);
      expect(t.e).toEqual([1, batches / EPOCHS + 1]);
      t.x.forEach((batch, i) => {
        expect(close(t.m[i]!, want.mean[batch - 1]!), `${feature} mean after batch ${batch}`).toBe(true);
        expect(close(t.v[i]!, want.variance[batch - 1]!), `${feature} variance after batch ${batch}`).toBe(true);
      });
      expect(close(t.m.at(-1)!, state.runningMean![c]!) && close(t.v.at(-1)!, state.runningVar![c]!)).toBe(true);
      expect([t.x, t.m, t.v]).toEqual([state.trajectory!.batches, state.trajectory!.runningMean[c], state.trajectory!.runningVar[c]]);
    });
  });

  test('histograms of every value, raw and normalized, and the final table with exact values', () => {
    const found = cards(html);
    expect([...found.keys()]).toEqual(state.features);
    for (const card of found.values()) {
      expect(histogramTotal(card, 'raw')).toBe(178);
      expect(histogramTotal(card, 'normalized')).toBe(178);
    }
    const table = /<table class="state">([\s\S]*?)<\/table>/.exec(html)![1]!;
    state.features.forEach((_, c) => {
      expect(table).toContain(`title="${state.runningMean![c]}"`);
      expect(table).toContain(`title="${state.runningVar![c]}"`);
    });
  });

  test('Chromium renders a chart per feature; the screenshot is a page of charts, not a blank one', async () => {
    const dom = await chromium(['--dump-dom', pathToFileURL(fitReport).href]);
    const rendered = cards(dom);
    expect([...rendered.keys()]).toEqual(state.features);
    for (const card of rendered.values()) {
      expect(card.match(/<svg class="chart trajectory"/g)).toHaveLength(1);
      expect(card.match(/<svg class="chart histogram"/g)).toHaveLength(2);
    }
    const png = join(dir, 'fit.png');
    await chromium([`--screenshot=${png}`, '--window-size=1280,2000', pathToFileURL(fitReport).href]);
    expect(statSync(png).size).toBeGreaterThan(50_000);
    const image = decodePng(readFileSync(png));
    const colors = new Set<number>();
    for (let y = 0; y < image.height; y += 3) {
      for (let x = 0; x < image.width; x += 3) {
        const [r, g, b] = pixel(image, x, y);
        colors.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
      }
    }
    expect(colors.size).toBeGreaterThan(100);
  }, 120_000);

  test('with --shuffle, the settings name the seed', async () => {
    const out = join(dir, 'shuffled.html');
    await ok(['fit', wine, '-x', 'target', '--shuffle', '--seed', '12345', '-s', '/dev/null', '--report', out]);
    expect(readFileSync(out, 'utf8')).toMatch(/12345/);
  });
});

describe('bn1d report', () => {
  test('with the input, it rebuilds the fit report\'s cards exactly', async () => {
    const out = join(dir, 'again.html');
    await ok(['report', statePath, wine, '-o', out]);
    const again = cards(readFileSync(out, 'utf8'));
    expect(again).toEqual(cards(html));
  });

  test('without an input, the trajectories are there and the histograms say there is no sample', async () => {
    const page = (await ok(['report', statePath, '-o', '-'])).toString();
    const found = cards(page);
    expect([...found.keys()]).toEqual(state.features);
    for (const card of found.values()) {
      expect(card).toMatch(/<svg class="chart trajectory"/);
      expect(card).not.toMatch(/<svg class="chart histogram"/);
      expect(card).toMatch(/Sample not recorded/);
    }
  });

  test('a stream on stdin is sampled like the file', async () => {
    const run = await bn1d(['apply', wine, '-s', statePath, '-o', '-', '--format', 'arrows', '--dtype', 'float64']);
    expect(run.code).toBe(0);
    // The normalized table's values are not the raw ones: the raw histograms change, the trajectories do not.
    const viaStdin = await bn1d(['report', statePath, '-', '-o', '-'], { input: run.stdout });
    expect(viaStdin.code).toBe(0);
    const found = cards(viaStdin.stdout.toString());
    expect([...found.keys()]).toEqual(state.features);
    for (const [feature, card] of found) {
      expect(histogramTotal(card, 'raw')).toBe(178);
      expect(trajectory(card)).toEqual(trajectory(cards(html).get(feature)!));
    }
  });

  test('a report never replaces its state, its input or a file bn1d did not write', async () => {
    await fails(['report', statePath, wine, '-o', statePath], 2, /the report .*wine\.json is .*wine\.json: choose another -o/);
    await fails(['report', statePath, wine, '-o', wine], 2, /is .*wine\.parquet/);
    const notes = join(dir, 'notes.html');
    writeFileSync(notes, '<p>my notes</p>');
    await fails(['report', statePath, '-o', notes], 2, /notes\.html exists and is not a bn1d report: not overwriting it/);
    await fails(['fit', wine, '-x', 'target', '-s', join(dir, 'unwritten.json'), '--report', notes], 2, /not a bn1d report/);
    expect(readFileSync(notes, 'utf8')).toBe('<p>my notes</p>');
    expect(() => statSync(join(dir, 'unwritten.json'))).toThrow();
    await fails(['fit', wine, '-s', '-', '--report', '-'], 2, /cannot both go to stdout/);
    // A report bn1d wrote is replaced, like a state file.
    await ok(['report', statePath, '-o', fitReport]);
    expect(readFileSync(fitReport, 'utf8')).toMatch(/Sample not recorded/);
  });
});

describe('extreme values', () => {
  test('a column of subnormal doubles gets its histograms, not a failure', async () => {
    const tiny = join(dir, 'tiny.arrow');
    // Two neighbouring subnormals: a round bin width between them underflows to zero.
    const x = Float64Array.from({ length: 64 }, (_, i) => (i % 2 ? -3e-323 : -3.5e-323));
    writeFileSync(tiny, tableToIPC(tableFromArrays({ x }), 'file'));
    const page = (await ok(['fit', tiny, '-s', join(dir, 'tiny.json'), '--report', '-', '-q'])).toString();
    const card = cards(page).get('x')!;
    expect(histogramTotal(card, 'raw')).toBe(64);
    expect(histogramTotal(card, 'normalized')).toBe(64);
  });
});

describe('inspect sparklines', () => {
  const ramp = join(dir, 'ramp.parquet');

  test('the trajectory of a rising mean draws from ▁ to █; a state without one draws none', async () => {
    await query(`COPY (SELECT i::DOUBLE AS x, (i % 10)::DOUBLE AS y FROM range(1000) r(i)) TO '${ramp}' (FORMAT parquet)`);
    const rising = join(dir, 'ramp.json');
    await ok(['fit', ramp, '-b', '100', '-m', '1', '-s', rising]);
    const text = (await ok(['inspect', rising])).toString();
    expect(text).toMatch(/running_mean and running_var along the fit \(10 batches; early batches in more detail\):/);
    const line = text.split('\n').findLast((l) => l.startsWith('x '))!;
    const [mean, variance] = line.trim().split(/\s+/).slice(1);
    expect(mean).toBe('▁▁▂▃▄▅▆▇██');
    expect(variance).toBe('▄▄▄▄▄▄▄▄▄▄');
    const plain = (await ok(['inspect', join(ROOT, 'fixtures', 'interop', 'wine-state.json')])).toString();
    expect(plain).not.toMatch(/along the fit/);
  });

  test('inspect --json carries the trajectory for scripts', async () => {
    const doc = JSON.parse((await ok(['inspect', statePath, '--json'])).toString());
    expect(doc.trajectory.batches.at(-1)).toBe(24);
    expect(doc.trajectory.running_mean).toHaveLength(13);
    expect(doc.trajectory.epoch_starts).toEqual([1, 13]);
  });
});
