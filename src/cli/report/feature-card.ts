/**
 * One feature's card: its name and final statistics, the trajectory of the
 * running statistics, and histograms of the raw and normalized sample side
 * by side, each with a caption that says what the chart shows.
 */
import { escapeHtml } from './escape-html.js';
import { digitsFor, formatCount, formatExact, formatNumber } from './format-number.js';
import { type Bins, binRange, binSample, sampleMoments } from './histogram-bins.js';
import type { FeatureReport, ReportData } from '../../pipeline/report-types.js';
import { meanTolerance, type SettlePoint, settlePoint, varTolerance } from './settling.js';
import { type NormalOverlay, renderHistogram } from './svg-histogram.js';
import { renderTrajectoryChart } from './svg-line-chart.js';

/** The anchor id of the i-th feature's card. */
export function featureId(index: number): string {
  return `feature-${index + 1}`;
}

/** A value with its exact float64 as a tooltip. */
export function numberCell(value: number | null, digits = 6): string {
  return `<span class="num" title="${escapeHtml(formatExact(value))}">${escapeHtml(formatNumber(value, digits))}</span>`;
}

/** The standard deviation of a variance, or null when it has none. */
export function stdOf(variance: number | null): number | null {
  return variance !== null && variance >= 0 && Number.isFinite(variance) ? Math.sqrt(variance) : null;
}

/** The distribution normalized values should follow: N(bias, weight²), N(0, 1) without affine; null when weight is 0 or not finite. */
export function expectedNormal(feature: Pick<FeatureReport, 'weight' | 'bias'>): NormalOverlay | null {
  const w = feature.weight ?? 1;
  const b = feature.bias ?? 0;
  if (!Number.isFinite(w) || !Number.isFinite(b) || w === 0) return null;
  const label = w === 1 && b === 0 ? 'N(0, 1)' : `N(${formatNumber(b)}, ${formatNumber(Math.abs(w))}²)`;
  return { mean: b, std: Math.abs(w), label };
}

const note = (text: string) => `<p class="note">${escapeHtml(text)}</p>`;
const swatch = (cls: string, text: string) => `<span class="key"><span class="swatch ${cls}"></span>${escapeHtml(text)}</span>`;

function stat(label: string, value: string, title = ''): string {
  const t = title ? ` title="${escapeHtml(title)}"` : '';
  return `<div><dt>${escapeHtml(label)}</dt><dd${t}>${escapeHtml(value)}</dd></div>`;
}

/** The card's header statistics: final mean and std, affine parameters when they are not the identity, and the counts. */
function headerStats(f: FeatureReport): string {
  const items = [stat('mean', formatNumber(f.runningMean, digitsFor(f.runningMean, stdOf(f.runningVar), 5)), formatExact(f.runningMean)), stat('std', formatNumber(stdOf(f.runningVar), 5), `√running_var = ${formatExact(stdOf(f.runningVar))}`)];
  if ((f.weight !== null && f.weight !== 1) || (f.bias !== null && f.bias !== 0)) {
    items.push(stat('weight', formatNumber(f.weight, 5), formatExact(f.weight)), stat('bias', formatNumber(f.bias, 5), formatExact(f.bias)));
  }
  if (f.counts) {
    items.push(stat('values', formatCount(f.counts.values)), stat('nulls', formatCount(f.counts.nulls)));
    if (f.counts.nonFinite !== 0) items.push(stat('NaN / ±∞', formatCount(f.counts.nonFinite)));
  }
  return `<dl class="feature-stats">${items.join('')}</dl>`;
}

/** How one statistic settles, in words. */
function settleSentence(what: string, band: string, s: SettlePoint | null, lastIndex: number, wander: string): string {
  if (!s) return `the ${what} never comes within ${band} of its final value`;
  if (s.index >= lastIndex) return `the ${what} reaches ${band} of its final value only at the last recorded batch (${formatCount(s.batch)}): it has not settled`;
  return `the ${what} enters ${band} of its final value at batch ${formatCount(s.batch)}, then stays within ${wander}`;
}

/** Where the running mean and variance settle, as a caption ("" when neither can be said). */
export function settleCaption(f: FeatureReport, batches: readonly number[]): string {
  const sentences: string[] = [];
  const mt = meanTolerance(f.runningVar);
  const vt = varTolerance(f.runningVar);
  if (f.meanPath && f.runningMean !== null && mt > 0) {
    const s = settlePoint(batches, f.meanPath, f.runningMean, mt);
    const w = s ? (s.wander / mt) * 0.05 : 0;
    sentences.push(settleSentence('mean', '±0.05 σ', s, Math.min(batches.length, f.meanPath.length) - 1, w < 0.001 ? '±0.001 σ' : `±${formatNumber(w, 2)} σ`));
  }
  if (f.varPath && f.runningVar !== null && vt > 0) {
    const s = settlePoint(batches, f.varPath, f.runningVar, vt);
    const w = s ? (s.wander / vt) * 5 : 0;
    sentences.push(settleSentence('variance', '±5%', s, Math.min(batches.length, f.varPath.length) - 1, w < 0.1 ? '±0.1%' : `±${formatNumber(w, 2)}%`));
  }
  if (sentences.length === 0) return '';
  const text = `${sentences.join('; ')}.`;
  return `<p class="caption">${escapeHtml(text[0]!.toUpperCase() + text.slice(1))}</p>`;
}

/** The trajectory figure, or a note when it was not recorded. */
function trajectoryFigure(f: FeatureReport, data: ReportData): string {
  const t = data.trajectory;
  const svg = t
    ? renderTrajectoryChart({ name: f.name, batches: t.batches, epochStarts: t.epochStarts, mean: f.meanPath, variance: f.varPath, finalMean: f.runningMean, finalVar: f.runningVar })
    : '';
  if (!svg) return `<figure class="figure trajectory-figure empty">${note('Running statistics over the batches were not recorded.')}</figure>`;
  const keys: string[] = [];
  if (f.meanPath) keys.push(swatch('mean', 'running mean'));
  if (f.varPath) keys.push(swatch('var', 'running variance'));
  if (svg.includes('class="final-line')) keys.push(swatch('final', 'final value'));
  if (svg.includes('class="settle-band')) keys.push(swatch('band', 'settled band'));
  if (svg.includes('class="epoch-band')) keys.push(swatch('epoch', 'alternate epochs'));
  const settleText = settleCaption(f, t!.batches);
  return `<figure class="figure trajectory-figure">${svg}<figcaption><p class="legend">${keys.join('')}</p>${settleText}</figcaption></figure>`;
}

/** Eval-mode normalization with the final state, or null when the state cannot normalize (missing, zero or non-finite scale). */
export function evalMap(f: FeatureReport, eps: number): ((x: number) => number) | null {
  const { runningMean: mean, runningVar: variance } = f;
  const w = f.weight ?? 1;
  const b = f.bias ?? 0;
  if (mean === null || variance === null || ![mean, variance, w, b, eps].every(Number.isFinite)) return null;
  // The same float64 steps as bn1d apply (x * alpha + beta), so that a value on a raw bin edge lands on the mapped edge.
  const alpha = (1 / Math.sqrt(variance + eps)) * w;
  const beta = b - mean * alpha;
  if (!Number.isFinite(alpha) || alpha === 0 || !Number.isFinite(beta)) return null;
  return (x) => x * alpha + beta;
}

/** Bins for the normalized sample: the image of the raw bins under eval-mode normalization, so that both histograms have the same bars; its own binning when that is not possible or leaves most values out. */
export function normalizedBins(values: readonly unknown[], raw: Bins | null, map: ((x: number) => number) | null): Bins | null {
  if (raw && map) {
    const a = map(raw.lo);
    const b = map(raw.hi);
    const [lo, hi] = a < b ? [a, b] : [b, a];
    if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) {
      const bins = binRange(values, lo, hi, raw.counts.length);
      const finite = bins.inRange + bins.below + bins.above;
      if (finite > 0 && bins.inRange >= finite * 0.9) return bins;
    }
  }
  return binSample(values);
}

const TITLES = { raw: 'raw values', normalized: 'normalized (eval)' } as const;

/** One histogram figure with its caption, or a note when the sample is missing or empty. */
function histogramFigure(f: FeatureReport, kind: 'raw' | 'normalized', values: readonly number[] | null, bins: Bins | null): string {
  const title = TITLES[kind];
  const head = `<figure class="figure histogram-figure" data-kind="${kind}">`;
  if (!Array.isArray(values)) return `${head}<p class="figure-title">${title}</p>${note('Sample not recorded.')}</figure>`;
  if (!bins) return `${head}<p class="figure-title">${title}</p>${note(values.length ? 'No finite values in the sample.' : 'The sample is empty.')}</figure>`;
  const overlay = kind === 'normalized' ? expectedNormal(f) : null;
  const svg = renderHistogram({ name: f.name, kind, title, axisTitle: kind === 'raw' ? 'value' : 'normalized value', bins, overlay });
  const m = sampleMoments(values);
  const facts = [`${formatCount(m?.n ?? 0)} sampled`];
  if (m) facts.push(`mean ${formatNumber(m.mean, digitsFor(m.mean, m.std, 4))}`, `std ${formatNumber(m.std)}`);
  const out = bins.below + bins.above;
  if (out) facts.push(`${formatCount(out)} outside the range shown`);
  if (bins.nonFinite) facts.push(`${formatCount(bins.nonFinite)} NaN or ±∞ left out`);
  const curve = svg.includes('class="normal-curve"');
  if (overlay && !curve) facts.push(`${overlay.label} lies outside the range shown`);
  const legend = overlay && curve ? `<p class="legend">${swatch(`bar-${kind}`, 'sample')}${swatch('curve', overlay.label)}</p>` : '';
  return `${head}${svg}<figcaption>${legend}<p class="caption">${escapeHtml(facts.join(' · '))}</p></figcaption></figure>`;
}

/** Both histograms of a feature, raw and normalized. */
function histogramFigures(f: FeatureReport, eps: number): string {
  const raw = Array.isArray(f.sample?.raw) ? f.sample.raw : null;
  const normalized = Array.isArray(f.sample?.normalized) ? f.sample.normalized : null;
  const rawBins = raw ? binSample(raw) : null;
  const normBins = normalized ? normalizedBins(normalized, rawBins, evalMap(f, eps)) : null;
  return `<div class="histograms">${histogramFigure(f, 'raw', raw, rawBins)}${histogramFigure(f, 'normalized', normalized, normBins)}</div>`;
}

/** The `<section class="feature">` of one feature. */
export function renderFeatureCard(f: FeatureReport, index: number, data: ReportData): string {
  return (
    `<section class="feature" data-feature="${escapeHtml(f.name)}" id="${featureId(index)}">` +
    `<header class="feature-head"><h2><span class="feature-index">${index + 1}</span><span class="feature-name">${escapeHtml(f.name)}</span></h2>${headerStats(f)}</header>` +
    `<div class="feature-charts">${trajectoryFigure(f, data)}${histogramFigures(f, data.settings.eps)}</div>` +
    `</section>`
  );
}
