/**
 * The trajectory chart of one feature: running mean above, running variance
 * below, over the batch number, with epochs as alternating bands, the final
 * value as a dashed line inside its "settled" band, and the batch at which
 * each statistic first enters that band.
 */
import { escapeHtml } from './escape-html.js';
import { formatCount, formatNumber, formatTicks } from './format-number.js';
import { finiteExtent, linearScale, logDomain, logScale, niceDomain, type Domain } from './scale.js';
import { meanTolerance, settlePoint, varTolerance } from './settling.js';
import { brokenLine, clamp, type Frame, labelWidth, px, svgText, xAxis, yAxis } from './svg-parts.js';

/** What the trajectory chart of one feature draws. */
export interface TrajectoryChartInput {
  /** The feature, for the chart's accessible label. */
  name: string;
  batches: readonly number[];
  epochStarts: readonly number[];
  /** running_mean and running_var at each batch; null when not recorded. */
  mean: readonly (number | null)[] | null;
  variance: readonly (number | null)[] | null;
  /** The final state, drawn as the dashed reference line. */
  finalMean: number | null;
  finalVar: number | null;
}

/** The chart's width in user units (it scales to its container). */
export const TRAJECTORY_WIDTH = 560;
/** The chart's height in user units. */
export const TRAJECTORY_HEIGHT = 274;

/** A fit this long (in batches) gets a log batch axis, so that the first batches, where an EMA settles, stay visible. */
export const LOG_AXIS_FROM = 200;

const PANEL_HEIGHT = 90;
const TOPS = [24, 142] as const;

type Path = readonly (number | null)[];

/** One panel's vertical scale and labels. */
interface Panel {
  kind: 'mean' | 'var';
  title: string;
  path: Path | null;
  final: number | null;
  tolerance: number;
  domain: Domain;
  labels: ReturnType<typeof formatTicks>;
}

function makePanel(kind: Panel['kind'], title: string, path: Path | null, count: number, final: number | null, tolerance: number): Panel {
  const values = path ? [...path.slice(0, count), final] : [final];
  const [lo, hi] = finiteExtent(values) ?? [0, 1];
  const domain = niceDomain(lo, hi, 4);
  const labels = formatTicks(domain.ticks, domain.step);
  return { kind, title: labels.offsetLabel ? `${title} (${labels.offsetLabel})` : title, path, final, tolerance, domain, labels };
}

/** The batch axis: linear, or logarithmic for long fits; null when no batch number is usable. */
function batchAxis(batches: readonly number[]): { domain: Domain; log: boolean; labels: string[] } | null {
  const extent = finiteExtent(batches);
  if (!extent) return null;
  let [lo, hi] = extent;
  const log = lo >= 1 && hi >= LOG_AXIS_FROM && hi / lo >= 50;
  if (log) {
    const domain = logDomain(lo, hi);
    return { domain, log, labels: domain.ticks.map((t) => formatNumber(t, 6)) };
  }
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const domain = niceDomain(lo, hi, 6, { nice: false, integer: true });
  return { domain, log, labels: formatTicks(domain.ticks, domain.step).labels };
}

/** Alternating epoch bands and boundary lines across both panels, and "epoch k" labels above them where they fit beside the title. */
function epochMarks(starts: readonly number[], x: (v: number) => number, frame: Frame, bottom: number, titleEnd: number): string {
  const parts: string[] = [];
  const right = frame.left + frame.width;
  const edges = starts.filter(Number.isFinite).map((s) => clamp(x(s - 0.5), frame.left, right));
  if (edges.length < 2) return '';
  edges.forEach((x0, i) => {
    const x1 = edges[i + 1] ?? right;
    if (i % 2 === 1 && x1 > x0) {
      parts.push(`<rect class="epoch-band" x="${px(x0)}" y="${px(frame.top)}" width="${px(x1 - x0)}" height="${px(bottom - frame.top)}"/>`);
    }
    if (i > 0 && x0 > frame.left) parts.push(`<line class="epoch-line" x1="${px(x0)}" x2="${px(x0)}" y1="${px(frame.top)}" y2="${px(bottom)}"/>`);
    const label = `epoch ${i + 1}`;
    const half = (label.length * 5.6) / 2 + 3;
    const mid = (x0 + x1) / 2;
    if (x1 - x0 >= 2 * half && mid - half > titleEnd) parts.push(svgText(mid, frame.top - 7, label, 'epoch-label', 'middle'));
  });
  return parts.join('');
}

/** One panel: gridlines, settled band, final line, the path and its settle marker. */
function renderPanel(panel: Panel, frame: Frame, xs: readonly number[], x: (v: number) => number): { svg: string; y: (v: number) => number } {
  const { domain, labels } = panel;
  const y = linearScale(domain.lo, domain.hi, frame.top + frame.height, frame.top);
  const parts = [svgText(frame.left, frame.top - 7, panel.title, `panel-title ${panel.kind}`)];
  parts.push(yAxis(frame, domain.ticks, labels.labels, y));
  const bottom = frame.top + frame.height;
  if (panel.final !== null && Number.isFinite(panel.final)) {
    const fy = y(panel.final);
    if (panel.tolerance > 0 && Number.isFinite(panel.tolerance)) {
      const a = clamp(y(panel.final + panel.tolerance), frame.top, bottom);
      const b = clamp(y(panel.final - panel.tolerance), frame.top, bottom);
      if (b - a > 0) parts.push(`<rect class="settle-band ${panel.kind}" x="${px(frame.left)}" y="${px(a)}" width="${px(frame.width)}" height="${px(b - a)}"/>`);
    }
    parts.push(`<line class="final-line ${panel.kind}" x1="${px(frame.left)}" x2="${px(frame.left + frame.width)}" y1="${px(fy)}" y2="${px(fy)}"/>`);
  }
  if (!panel.path) {
    parts.push(svgText(frame.left + frame.width / 2, frame.top + frame.height / 2, 'not recorded', 'note', 'middle'));
    return { svg: parts.join(''), y };
  }
  const path = panel.path;
  const points = xs.map((b, i) => {
    const v = path[i];
    return [x(b), typeof v === 'number' && Number.isFinite(v) ? y(v) : NaN] as const;
  });
  parts.push(brokenLine(points, `series ${panel.kind}`));
  const settle = panel.final === null ? null : settlePoint(xs, path, panel.final, panel.tolerance);
  if (settle && settle.index > 0) {
    const [sx, sy] = points[settle.index]!;
    parts.push(`<circle class="settle-mark ${panel.kind}" cx="${px(sx)}" cy="${px(sy)}" r="4"><title>${escapeHtml(`enters the band at batch ${formatCount(settle.batch)}`)}</title></circle>`);
  }
  return { svg: parts.join(''), y };
}

/** The `<svg class="chart trajectory">` of one feature, or "" when neither path nor a batch number is there. */
export function renderTrajectoryChart(input: TrajectoryChartInput): string {
  if (!input.mean && !input.variance) return '';
  const count = Math.min(input.batches.length, Math.max(input.mean?.length ?? 0, input.variance?.length ?? 0));
  const xs = input.batches.slice(0, count);
  const axis = batchAxis(xs);
  if (!axis) return '';
  const panels = [
    makePanel('mean', 'running mean', input.mean, count, input.finalMean, meanTolerance(input.finalVar)),
    makePanel('var', 'running variance', input.variance, count, input.finalVar, varTolerance(input.finalVar)),
  ];
  const left = Math.max(34, Math.max(...panels.map((p) => labelWidth(p.labels.labels))) + 12);
  const width = TRAJECTORY_WIDTH - left - 14;
  const frames = TOPS.map((top) => ({ left, top, width, height: PANEL_HEIGHT }));
  const { domain } = axis;
  const x = axis.log ? logScale(domain.lo, domain.hi, left, left + width) : linearScale(domain.lo, domain.hi, left, left + width);
  const bottom = TOPS[1] + PANEL_HEIGHT;
  const titleEnd = left + labelWidth([panels[0]!.title]) + 8;
  const body = [epochMarks(input.epochStarts, x, { ...frames[0]!, height: bottom - TOPS[0] }, bottom, titleEnd)];
  const scales: number[][] = [];
  panels.forEach((panel, i) => {
    const { svg, y } = renderPanel(panel, frames[i]!, xs, x);
    body.push(svg);
    scales.push([panel.domain.lo, panel.domain.hi, y(panel.domain.lo), y(panel.domain.hi)]);
  });
  body.push(xAxis(frames[1]!, domain.ticks, axis.labels, x, axis.log ? 'batch (log scale)' : 'batch'));
  body.push(`<line class="hover-line" x1="0" x2="0" y1="${px(TOPS[0])}" y2="${px(bottom)}" visibility="hidden"/>`);
  body.push('<circle class="hover-dot mean" r="3.5" cx="0" cy="0" visibility="hidden"/><circle class="hover-dot var" r="3.5" cx="0" cy="0" visibility="hidden"/>');
  const hover = {
    x: xs,
    m: input.mean?.slice(0, count) ?? null,
    v: input.variance?.slice(0, count) ?? null,
    e: input.epochStarts,
    sx: [domain.lo, domain.hi, left, left + width, axis.log ? 1 : 0],
    sm: scales[0],
    sv: scales[1],
  };
  const aria = `Running mean and variance of ${input.name} over ${count} recorded batches`;
  return (
    `<svg class="chart trajectory" viewBox="0 0 ${TRAJECTORY_WIDTH} ${TRAJECTORY_HEIGHT}" role="img" aria-label="${escapeHtml(aria)}" data-hover="${escapeHtml(JSON.stringify(hover))}">` +
    `<title>${escapeHtml(aria)}</title>${body.join('')}</svg>`
  );
}
