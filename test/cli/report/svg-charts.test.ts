import { describe, expect, test } from 'vitest';
import { escapeHtml } from '../../../src/cli/report/escape-html.js';
import { binSample } from '../../../src/cli/report/histogram-bins.js';
import { meanTolerance, settlePoint, varTolerance } from '../../../src/cli/report/settling.js';
import { normalCurve, renderHistogram } from '../../../src/cli/report/svg-histogram.js';
import { renderTrajectoryChart, type TrajectoryChartInput } from '../../../src/cli/report/svg-line-chart.js';
import { brokenLine, px, svgText } from '../../../src/cli/report/svg-parts.js';
import { findAll, hasClass, parseFragment, textOf } from './html-tree.js';
import { checkSvgCoordinates } from './svg-check.js';

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

/** Parses one chart, checks every coordinate, and returns its tree. */
function sane(svg: string) {
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  const root = parseFragment(svg);
  expect(checkSvgCoordinates(root)).toBeGreaterThan(0);
  return root;
}

const chart = (over: Partial<TrajectoryChartInput>): TrajectoryChartInput => ({
  name: 'x',
  batches: range(40),
  epochStarts: [1, 21],
  mean: range(40).map((b) => 5 * (1 - 0.9 ** b)),
  variance: range(40).map((b) => 0.9 ** b + 2 * (1 - 0.9 ** b)),
  finalMean: 5 * (1 - 0.9 ** 40),
  finalVar: 0.9 ** 40 + 2 * (1 - 0.9 ** 40),
  ...over,
});

describe('escapeHtml', () => {
  test('escapes markup characters and both quotes, keeps unicode', () => {
    expect(escapeHtml(`<a href="x">'&'</a> µ 😀`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; µ 😀');
  });

  test('control characters and lone surrogates become U+FFFD', () => {
    expect(escapeHtml('a\u0000b\u001fc\ud800d\udfff\te\n')).toBe('a\ufffdb\ufffdc\ufffdd\ufffd\te\n');
  });
});

describe('svg parts', () => {
  test('px: one decimal, clamped, never NaN', () => {
    expect([px(1.26), px(-0.04), px(NaN), px(Infinity), px(-Infinity), px(5e9), px(1e-20)]).toEqual(['1.3', '0', '0', '1000000', '-1000000', '1000000', '0']);
  });

  test('lines break at missing values; lone points become dots', () => {
    const svg = brokenLine([[0, 0], [1, 1], [2, NaN], [3, 3], [4, NaN], [5, 5], [6, 6]], 'series');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(1);
    expect(brokenLine([[NaN, 1]], 'series')).toBe('');
  });

  test('text content is escaped', () => {
    expect(svgText(1, 2, '<b>&', 'tick')).toBe('<text class="tick" x="1" y="2">&lt;b&gt;&amp;</text>');
  });
});

describe('settling', () => {
  test('first point inside the band, and the largest distance after it', () => {
    const s = settlePoint([1, 2, 3, 4, 5], [0, 0.9, 1.05, 0.98, 1], 1, 0.1);
    expect(s).toEqual({ index: 1, batch: 2, wander: expect.closeTo(0.1, 5) });
    expect(settlePoint([1, 2], [5, 6], 1, 0.1)).toBeNull();
    expect(settlePoint([1, 2], [1, 1], 1, 0)).toBeNull();
    expect(settlePoint([1, 2], [NaN, 1], 1, 0.1)).toMatchObject({ index: 1 });
  });

  test('values recorded to seven digits count as equal to the final value', () => {
    expect(settlePoint([1, 2], [1e7, 1e8], 99999970.4, 0.05)).toMatchObject({ index: 1 });
  });

  test('tolerances come from the final variance; none without one', () => {
    expect([meanTolerance(4), varTolerance(4)]).toEqual([0.1, 0.2]);
    expect([meanTolerance(0), varTolerance(null), meanTolerance(NaN)].every(Number.isNaN)).toBe(true);
  });
});

describe('renderTrajectoryChart', () => {
  test('two panels, epoch bands and labels, a settle marker, hover data', () => {
    const root = sane(renderTrajectoryChart(chart({})));
    const svg = findAll(root, (n) => n.name === 'svg')[0]!;
    expect(hasClass(svg, 'chart', 'trajectory')).toBe(true);
    expect(findAll(svg, (n) => hasClass(n, 'series'))).toHaveLength(2);
    expect(findAll(svg, (n) => hasClass(n, 'epoch-band'))).toHaveLength(1);
    expect(findAll(svg, (n) => hasClass(n, 'epoch-line'))).toHaveLength(1);
    expect(findAll(svg, (n) => hasClass(n, 'settle-mark')).length).toBeGreaterThan(0);
    expect(textOf(svg)).toContain('epoch 2');
    expect(JSON.parse(svg.attrs.get('data-hover')!)).toMatchObject({ x: range(40), e: [1, 21] });
  });

  test('long fits get a log batch axis', () => {
    const batches = [...range(16), ...range(8).map((i) => 16 + 2 * i), 64, 128, 256, 512, 1000];
    const svg = renderTrajectoryChart(chart({ batches, epochStarts: [1, 501], mean: batches.map(() => 1), variance: batches.map(() => 1) }));
    expect(textOf(sane(svg))).toContain('batch (log scale)');
  });

  test.each([
    ['a constant series', { mean: range(40).map(() => 3), variance: range(40).map(() => 0), finalMean: 3, finalVar: 0 }],
    ['a single point', { batches: [7], epochStarts: [1], mean: [2.5], variance: [1e-12], finalMean: 2.5, finalVar: 1e-12 }],
    ['huge magnitudes', { mean: range(40).map((b) => 1.7e308 - b * 1e292), variance: range(40).map(() => Number.MAX_VALUE), finalMean: 1.7e308, finalVar: Number.MAX_VALUE }],
    ['tiny magnitudes', { mean: range(40).map((b) => b * 5e-324), variance: range(40).map((b) => 1e-300 / b), finalMean: 2e-322, finalVar: 1e-302 }],
    ['negative values', { mean: range(40).map((b) => -1e6 - b), finalMean: -1e6 - 40 }],
    ['NaN, infinities and nulls in the paths', { mean: range(40).map((b) => (b % 7 === 0 ? NaN : b % 11 === 0 ? null : b)), variance: range(40).map((b) => (b === 3 ? Infinity : 1)), finalMean: NaN, finalVar: null }],
    ['paths longer than the batches', { batches: range(5), mean: range(40), variance: range(40) }],
    ['batch numbers with gaps, NaN and no epochs', { batches: [1, 2, NaN, 100, 1e9], epochStarts: [], mean: [1, 2, 3, 4, 5], variance: [1, 1, 1, 1, 1] }],
    ['epoch starts outside the points', { epochStarts: [-5, 1, 1e12, NaN] }],
  ] as [string, Partial<TrajectoryChartInput>][])('%s: valid coordinates inside the chart', (_what, over) => {
    const root = sane(renderTrajectoryChart(chart(over)));
    expect(findAll(root, (n) => n.name === 'svg' && hasClass(n, 'trajectory'))).toHaveLength(1);
  });

  test('a missing path shows "not recorded" in its panel; no paths or no batches give no chart', () => {
    const root = sane(renderTrajectoryChart(chart({ variance: null })));
    expect(textOf(root)).toContain('not recorded');
    expect(findAll(root, (n) => hasClass(n, 'series'))).toHaveLength(1);
    expect(renderTrajectoryChart(chart({ mean: null, variance: null }))).toBe('');
    expect(renderTrajectoryChart(chart({ batches: [] }))).toBe('');
    expect(renderTrajectoryChart(chart({ batches: [NaN, NaN] }))).toBe('');
  });

  test('the feature name is escaped in the accessible label', () => {
    const svg = renderTrajectoryChart(chart({ name: `a<b>"c"&'d'` }));
    expect(svg).toContain('a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;');
    expect(findAll(sane(svg), (n) => n.name === 'svg')[0]!.attrs.get('aria-label')).toContain(`a<b>"c"&'d'`);
  });
});

describe('renderHistogram', () => {
  const normalSample = () => {
    let s = 12345;
    const u = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    return Array.from({ length: 4000 }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
  };

  test('bars from bins with tooltips, and the normal density over them', () => {
    const bins = binSample(normalSample())!;
    const root = sane(renderHistogram({ name: 'f', kind: 'normalized', title: 'normalized', axisTitle: 'value', bins, overlay: { mean: 0, std: 1, label: 'N(0, 1)' } }));
    const bars = findAll(root, (n) => hasClass(n, 'bar'));
    expect(bars.length).toBe(bins.counts.filter((c) => c > 0).length);
    expect(textOf(bars[0]!)).toMatch(/^\[.+, .+\): \d+$/);
    expect(findAll(root, (n) => hasClass(n, 'normal-curve'))).toHaveLength(1);
  });

  test('the density peaks near the tallest bars for standard normal data', () => {
    const bins = binSample(normalSample())!;
    const curve = normalCurve(bins, { mean: 0, std: 1, label: '' });
    const peak = Math.max(...curve.map((p) => p[1]));
    expect(peak / Math.max(...bins.counts)).toBeGreaterThan(0.8);
    expect(peak / Math.max(...bins.counts)).toBeLessThan(1.25);
    expect(normalCurve(bins, { mean: 0, std: 0, label: '' })).toEqual([]);
  });

  test('a density far outside the range shown is left out', () => {
    const bins = binSample([310, 311, 312, 312, 313])!;
    const svg = renderHistogram({ name: 'f', kind: 'normalized', title: 't', axisTitle: 'v', bins, overlay: { mean: 0, std: 1, label: 'N(0, 1)' } });
    expect(svg).not.toContain('normal-curve');
  });

  test.each([
    ['a constant sample', [5, 5, 5, 5]],
    ['a single value', [-3e-9]],
    ['a zero-variance normalized feature', new Array(50).fill(0)],
    ['huge magnitudes', [Number.MAX_VALUE, -Number.MAX_VALUE, 0, 1e308]],
    ['tiny magnitudes', [5e-324, 1e-320, 0, -5e-324]],
    ['values around 1e8', [1e8 - 1, 1e8, 1e8 + 0.5, 1e8 + 2]],
    ['NaN among the values', [1, NaN, 2, Infinity, 3]],
    ['integers', [0, 0, 1, 3, 3, 3, 9]],
  ])('%s: valid coordinates inside the chart', (_what, values) => {
    const bins = binSample(values)!;
    const root = sane(renderHistogram({ name: 'f', kind: 'raw', title: 'raw values', axisTitle: 'value', bins, overlay: { mean: 0, std: 1, label: 'N(0, 1)' } }));
    expect(findAll(root, (n) => n.name === 'svg' && hasClass(n, 'chart', 'histogram'))).toHaveLength(1);
  });
});
