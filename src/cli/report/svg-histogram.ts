/**
 * A histogram of a sample as an inline SVG: bars from the bins (never one
 * element per value), count gridlines, and optionally the expected normal
 * density scaled to the same counts.
 */
import { escapeHtml } from './escape-html.js';
import { formatCount, formatNumber, formatTicks } from './format-number.js';
import { binEdge, type Bins } from './histogram-bins.js';
import { linearScale, niceDomain } from './scale.js';
import { type Frame, labelWidth, px, svgText, xAxis, yAxis } from './svg-parts.js';

/** The histogram's width in user units (it scales to its container). */
export const HISTOGRAM_WIDTH = 300;
/** The histogram's height in user units. */
export const HISTOGRAM_HEIGHT = 256;

/** A normal density to draw over the bars. */
export interface NormalOverlay {
  mean: number;
  std: number;
  /** Its legend text, such as "N(0, 1)". */
  label: string;
}

/** What one histogram draws. */
export interface HistogramInput {
  /** The feature, for the chart's accessible label. */
  name: string;
  kind: 'raw' | 'normalized';
  /** Heading inside the chart, such as "raw values". */
  title: string;
  /** The x axis title. */
  axisTitle: string;
  bins: Bins;
  overlay?: NormalOverlay | null;
}

/** Expected counts of N(mean, std²) per bin width at `steps` + 1 points across the bins' range; empty when the normal is unusable. */
export function normalCurve(bins: Bins, overlay: NormalOverlay, steps = 96): [number, number][] {
  const { mean, std } = overlay;
  const total = bins.inRange + bins.below + bins.above;
  const width = bins.hi / bins.counts.length - bins.lo / bins.counts.length;
  if (!(std > 0) || !Number.isFinite(std) || !Number.isFinite(mean) || !(width > 0) || !Number.isFinite(width)) return [];
  const scale = (total * width) / (std * Math.sqrt(2 * Math.PI));
  const points: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const v = bins.lo * (1 - t) + bins.hi * t;
    const z = (v - mean) / std;
    const y = scale * Math.exp(-0.5 * z * z);
    if (Number.isFinite(v) && Number.isFinite(y)) points.push([v, y]);
  }
  return points;
}

/** The `<svg class="chart histogram">` of a sample's bins. */
export function renderHistogram(input: HistogramInput): string {
  const { bins } = input;
  const barMax = Math.max(1, ...bins.counts);
  const full = input.overlay ? normalCurve(bins, input.overlay) : [];
  // A density that stays under 1% of the tallest bar is off the range shown: leave it out.
  const curve = full.some((p) => p[1] >= barMax * 0.01) ? full : [];
  const maxCount = Math.max(barMax, ...curve.map((p) => p[1]));
  const yDomain = niceDomain(0, maxCount, 4, { integer: true });
  const yLabels = yDomain.ticks.map((t) => formatCount(t));
  const left = Math.max(30, labelWidth(yLabels) + 12);
  const frame: Frame = { left, top: 24, width: HISTOGRAM_WIDTH - left - 12, height: HISTOGRAM_HEIGHT - 24 - 42 };
  const bottom = frame.top + frame.height;
  const x = linearScale(bins.lo, bins.hi, frame.left, frame.left + frame.width);
  const y = linearScale(yDomain.lo, yDomain.hi, bottom, frame.top);
  const xDomain = niceDomain(bins.lo, bins.hi, 5, { nice: false, integer: bins.integer });
  const xLabels = formatTicks(xDomain.ticks, xDomain.step);

  const parts = [svgText(frame.left, 14, input.title, `panel-title ${input.kind}`)];
  parts.push(yAxis(frame, yDomain.ticks, yLabels, y));
  const n = bins.counts.length;
  const barWidth = frame.width / n;
  const gap = barWidth > 4 ? 1 : 0;
  bins.counts.forEach((count, i) => {
    if (count === 0) return;
    const x0 = x(binEdge(bins, i));
    const top = y(count);
    const range = bins.integer
      ? `value ${formatNumber(binEdge(bins, i) + 0.5, 15)}`
      : `[${formatNumber(binEdge(bins, i), 6)}, ${formatNumber(binEdge(bins, i + 1), 6)}${i === n - 1 ? ']' : ')'}`;
    parts.push(
      `<rect class="bar ${input.kind}" x="${px(x0 + gap / 2)}" y="${px(top)}" width="${px(Math.max(barWidth - gap, 0.6))}" height="${px(Math.max(bottom - top, 0.6))}">` +
        `<title>${escapeHtml(`${range}: ${formatCount(count)}`)}</title></rect>`,
    );
  });
  if (curve.length > 1) {
    const d = curve.map(([v, c], i) => `${i === 0 ? 'M' : 'L'}${px(x(v))} ${px(y(c))}`).join('');
    parts.push(`<path class="normal-curve" d="${d}"><title>${escapeHtml(`${input.overlay!.label} scaled to the sample`)}</title></path>`);
  }
  parts.push(xAxis(frame, xDomain.ticks, xLabels.labels, x, input.axisTitle, xLabels.offsetLabel));
  const aria = `Histogram of ${input.title} of ${input.name}`;
  return (
    `<svg class="chart histogram" data-kind="${input.kind}" viewBox="0 0 ${HISTOGRAM_WIDTH} ${HISTOGRAM_HEIGHT}" role="img" aria-label="${escapeHtml(aria)}">` +
    `<title>${escapeHtml(aria)}</title>${parts.join('')}</svg>`
  );
}
