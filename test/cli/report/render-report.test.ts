import { describe, expect, test } from 'vitest';
import { expectedNormal, normalizedBins, evalMap, settleCaption } from '../../../src/cli/report/feature-card.js';
import { binSample } from '../../../src/cli/report/histogram-bins.js';
import type { FeatureReport, ReportData } from '../../../src/pipeline/report-types.js';
import { formatGenerated, renderReport } from '../../../src/cli/report/render-report.js';
import { batchesPerEpoch, halfLife, momentumText } from '../../../src/cli/report/settings-summary.js';
import { findAll, hasClass, type HtmlNode, parseHtml, textOf } from './html-tree.js';
import { makeReportData } from './report-samples.js';
import { checkSvgCoordinates } from './svg-check.js';

const sections = (root: HtmlNode) => findAll(root, (n) => n.name === 'section' && n.attrs.get('class') === 'feature');
const charts = (n: HtmlNode, kind: string) => findAll(n, (c) => c.name === 'svg' && hasClass(c, 'chart', kind));
const stateTable = (root: HtmlNode) => findAll(root, (n) => n.name === 'table' && n.attrs.get('class') === 'state');

/** Parses a report strictly and checks that nothing in it reaches outside the file. */
function parseSelfContained(html: string): HtmlNode {
  const root = parseHtml(html);
  for (const el of findAll(root, () => true)) {
    expect(['link', 'img', 'iframe', 'object', 'embed', 'audio', 'video', 'source', 'base', 'image', 'use', 'foreignobject']).not.toContain(el.name);
    for (const key of ['src', 'srcset', 'action', 'poster', 'xlink:href', 'data']) expect(el.attrs.has(key)).toBe(false);
    const href = el.attrs.get('href');
    if (href !== undefined) expect(href).toMatch(/^#[\w-]+$/);
  }
  for (const el of findAll(root, (n) => n.name === 'style' || n.name === 'script')) {
    expect(el.text).not.toMatch(/url\s*\(|@import|https?:|\/\/[a-z]|fetch\(|XMLHttpRequest|import\(|<\/(script|style)/i);
  }
  expect(html).not.toMatch(/https?:\/\/|(?:src|href)\s*=\s*["']?\/\//i);
  return root;
}

describe('renderReport with realistic data', () => {
  const cases: [string, ReportData][] = [
    ['momentum 0.1, shuffled', (() => {
      const d = makeReportData({ momentum: 0.1, epochs: 3 });
      d.settings.shuffle = { seed: 42, buffer: 10000 };
      return d;
    })()],
    ['cumulative average', makeReportData({ momentum: null, epochs: 2, seed: 3 })],
  ];

  test.each(cases)('%s: one card per feature with a trajectory and two histograms, and the state table', (_what, data) => {
    const html = renderReport(data);
    const root = parseSelfContained(html);
    const cards = sections(root);
    expect(cards.map((s) => s.attrs.get('data-feature'))).toEqual(data.features.map((f) => f.name));
    for (const card of cards) {
      expect(charts(card, 'trajectory')).toHaveLength(1);
      expect(charts(card, 'histogram').map((s) => s.attrs.get('data-kind'))).toEqual(['raw', 'normalized']);
      expect(findAll(card, (n) => hasClass(n, 'normal-curve')).length).toBeLessThanOrEqual(1);
    }
    expect(checkSvgCoordinates(root)).toBeGreaterThan(1000);
    const table = stateTable(root);
    expect(table).toHaveLength(1);
    const rows = findAll(table[0]!, (n) => n.name === 'tr' && n.parent?.name === 'tbody');
    expect(rows.map((r) => textOf(findAll(r, (n) => n.name === 'a')[0]!))).toEqual(data.features.map((f) => f.name));
    expect(findAll(table[0]!, (n) => n.name === 'th' && n.parent?.parent?.name === 'thead').map(textOf)).toEqual(['#', 'feature', 'mean', 'std', 'var', 'weight', 'bias']);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<meta charset="utf-8">');
  });

  test('the header shows the settings', () => {
    const [ema, ca] = cases.map(([, d]) => textOf(parseHtml(renderReport(d))));
    for (const text of [ema!, ca!]) {
      for (const s of ['data/train-part-0.parquet', 'data/train-part-1.parquet', '5,000', '128', '40 batches per epoch', '1e-5', '2025-06-01 12:34:56 UTC', 'bn1d 0.1.0']) expect(text).toContain(s);
    }
    expect(ema).toContain('EMA, half-life ≈ 6.58 batches');
    expect(ema).toContain('seed 42');
    expect(ema).toContain('buffer of 10,000 rows');
    expect(ema).toContain('120 batches tracked');
    expect(ca).toContain('cumulative average');
    expect(ca).toContain('rows in file order');
  });

  test('captions say where the statistics settle and how the sample compares with N(0, 1)', () => {
    const text = textOf(parseHtml(renderReport(cases[0]![1])));
    expect(text).toMatch(/The mean enters ±0\.05 σ of its final value at batch \d+, then stays within ±[\d.]+ σ/);
    expect(text).toContain('4,000 sampled');
    expect(text).toContain('N(0, 1)');
  });
});

describe('renderReport with hostile and degenerate data', () => {
  const base = makeReportData({ features: 2, rows: 600, epochs: 1 });
  const feature = (over: Partial<FeatureReport>): FeatureReport => ({ ...base.features[0]!, ...over });
  const names = ['<script>alert(1)</script>', 'a & b', '"double" \'single\'', 'température 🌡 µ', '</section><section class="feature">', '  spaced  ', 'x'.repeat(300), 'nul\u0000char'];

  test('names are escaped everywhere and read back from data-feature', () => {
    const data: ReportData = { ...base, title: '<b>title</b> & "more"', features: names.map((name) => feature({ name })) };
    const html = renderReport(data);
    const root = parseSelfContained(html);
    expect(findAll(root, (n) => n.name === 'script')).toHaveLength(1);
    expect(findAll(root, (n) => n.name === 'b')).toHaveLength(0);
    expect(sections(root).map((s) => s.attrs.get('data-feature'))).toEqual(names.map((n) => n.replace('\u0000', '\ufffd')));
    expect(textOf(findAll(root, (n) => n.name === 'title')[0]!)).toBe('<b>title</b> & "more"');
  });

  test('missing trajectory, paths and samples give short notes instead of charts', () => {
    const data: ReportData = {
      ...base,
      trajectory: null,
      features: [feature({ name: 'no sample', sample: null, counts: null }), feature({ name: 'empty sample', sample: { raw: [], normalized: [] } })],
    };
    const root = parseSelfContained(renderReport(data));
    const [a, b] = sections(root);
    expect(charts(a!, 'trajectory')).toHaveLength(0);
    expect(charts(a!, 'histogram')).toHaveLength(0);
    expect(charts(b!, 'histogram')).toHaveLength(0);
    expect(textOf(a!)).toContain('Running statistics over the batches were not recorded.');
    expect(textOf(a!)).toContain('Sample not recorded.');
    expect(textOf(b!)).toContain('The sample is empty.');
  });

  test('null paths, null state values, zero variance, NaN samples and odd settings still render valid charts', () => {
    const data: ReportData = {
      ...base,
      title: '',
      generated: 'not a date',
      settings: { inputs: [], momentum: 1, eps: 0, affine: false, numBatchesTracked: null, shuffle: null },
      features: [
        feature({ name: 'no paths', meanPath: null, varPath: null }),
        feature({ name: 'mean only', varPath: null }),
        feature({ name: 'null state', runningMean: null, runningVar: null, weight: null, bias: null }),
        feature({ name: 'constant', runningMean: 4, runningVar: 0, meanPath: base.trajectory!.batches.map(() => 4), varPath: base.trajectory!.batches.map(() => 0), sample: { raw: new Array(300).fill(4), normalized: new Array(300).fill(0) } }),
        feature({ name: 'nan sample', sample: { raw: [1, NaN, 2, Infinity, 3], normalized: [NaN, NaN, NaN] }, counts: { values: 5, nulls: 2, nonFinite: 2 } }),
        feature({ name: 'huge', runningMean: 1e300, runningVar: 1e307, meanPath: base.trajectory!.batches.map((b) => b * 1e297), sample: { raw: [1e300, -1e300, 1.7e308], normalized: [0.1, -0.1, 1.7e7] } }),
        feature({ name: 'negative weight', weight: -2, bias: 0.5 }),
      ],
    };
    const html = renderReport(data);
    expect(html.replace(/<script>[^]*?<\/script>/, '')).not.toMatch(/NaN(?! \/ ±∞| or ±∞)|Infinity|undefined|\[object/);
    const root = parseSelfContained(html);
    expect(checkSvgCoordinates(root)).toBeGreaterThan(0);
    const byName = new Map(sections(root).map((s) => [s.attrs.get('data-feature'), s]));
    expect(charts(byName.get('no paths')!, 'trajectory')).toHaveLength(0);
    expect(textOf(byName.get('mean only')!)).toContain('not recorded');
    expect(charts(byName.get('constant')!, 'histogram')).toHaveLength(2);
    expect(textOf(byName.get('nan sample')!)).toContain('No finite values in the sample.');
    expect(textOf(byName.get('nan sample')!)).toContain('2 NaN or ±∞ left out');
    expect(textOf(byName.get('negative weight')!)).toContain('N(0.5, 2²)');
    const text = textOf(root);
    expect(text).toContain('bn1d fit report');
    expect(text).toContain('not a date');
    expect(text).toContain('the last batch replaces the state');
    expect(stateTable(root)).toHaveLength(1);
  });

  test('a report without features says so and still has its table', () => {
    const root = parseSelfContained(renderReport({ ...base, features: [] }));
    expect(sections(root)).toHaveLength(0);
    expect(textOf(root)).toContain('The state has no features.');
    expect(stateTable(root)).toHaveLength(1);
  });
});

describe('size', () => {
  test('64 features of 300 points and 4,000-value samples stay under 3 MB', () => {
    const batches = Array.from({ length: 300 }, (_, i) => i + 1);
    const template = makeReportData({ features: 6, rows: 4000, epochs: 1 });
    const features = Array.from({ length: 64 }, (_, c) => {
      const f = template.features[c % 6]!;
      return { ...f, name: `feature_${c}`, meanPath: batches.map((b) => f.runningMean! * (1 - 0.9 ** b) + Math.sin(b + c) * 1e-3), varPath: batches.map((b) => f.runningVar! * (1 - 0.9 ** b) + 0.9 ** b) };
    });
    const html = renderReport({ ...template, trajectory: { batches, epochStarts: [1, 101, 201] }, features });
    expect(sections(parseHtml(html))).toHaveLength(64);
    expect(Buffer.byteLength(html)).toBeLessThan(3e6);
  });
});

describe('helpers', () => {
  test('settings in words', () => {
    expect([batchesPerEpoch(1000, 128, false), batchesPerEpoch(1000, 128, true), batchesPerEpoch(undefined, 128, false), batchesPerEpoch(10, 0, false)]).toEqual([8, 7, null, null]);
    expect(halfLife(0.5)).toBeCloseTo(1, 12);
    expect(halfLife(1)).toBe(0);
    expect(momentumText(null).value).toBe('cumulative average');
    expect(momentumText(0.1)).toEqual({ value: '0.1', detail: 'EMA, half-life ≈ 6.58 batches' });
    expect(formatGenerated('2025-01-31T14:05:09.123Z')).toBe('2025-01-31 14:05:09 UTC');
    expect(formatGenerated('2025-01-31T14:05:09+02:00')).toBe('2025-01-31 14:05:09 +02:00');
  });

  test('the expected normal follows weight and bias', () => {
    expect(expectedNormal({ weight: 1, bias: 0 })).toEqual({ mean: 0, std: 1, label: 'N(0, 1)' });
    expect(expectedNormal({ weight: null, bias: null })?.label).toBe('N(0, 1)');
    expect(expectedNormal({ weight: -2, bias: 3 })).toEqual({ mean: 3, std: 2, label: 'N(3, 2²)' });
    expect(expectedNormal({ weight: 0, bias: 0 })).toBeNull();
  });

  test('normalized bins are the raw bins mapped through eval mode, unless the values do not fit them', () => {
    const f = { ...makeReportData({ features: 1, rows: 500, epochs: 1 }).features[0]! };
    const raw = binSample(f.sample!.raw)!;
    const map = evalMap(f, 1e-5)!;
    const bins = normalizedBins(f.sample!.normalized, raw, map)!;
    expect(bins.counts).toEqual(raw.counts);
    expect(bins.lo).toBeCloseTo(map(raw.lo), 9);
    const shifted = normalizedBins(f.sample!.normalized.map((v) => v + 1000), raw, map)!;
    expect(shifted.inRange).toBe(f.sample!.normalized.length);
    expect(evalMap({ ...f, runningVar: null }, 1e-5)).toBeNull();
    expect(evalMap({ ...f, runningVar: 0 }, 0)).toBeNull();
  });

  test('a statistic that only reaches its final value at the end has not settled', () => {
    const f: FeatureReport = { ...makeReportData({ features: 1, rows: 500, epochs: 1 }).features[0]!, runningMean: 10, runningVar: 1, meanPath: [1, 2, 10], varPath: [1, 1, 1] };
    expect(settleCaption(f, [1, 2, 3])).toContain('The mean reaches ±0.05 σ of its final value only at the last recorded batch (3): it has not settled; the variance enters ±5%');
  });
});
