/**
 * Small pieces shared by the SVG charts: coordinates that are always valid
 * attribute values, axes with gridlines and tick labels, polylines that
 * break at missing values.
 */
import { escapeHtml } from './escape-html.js';

/** A plot area inside a chart, in SVG user units. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Average advance of one character of the 11px axis font, for sizing margins. */
export const CHAR_WIDTH = 6.2;

/** A coordinate or length for an SVG attribute: at most one decimal, clamped to ±1e6, and 0 for NaN (which must never reach the markup). */
export function px(v: number): string {
  if (!Number.isFinite(v)) return v === Infinity ? '1000000' : v === -Infinity ? '-1000000' : '0';
  const r = Math.round(Math.min(Math.max(v, -1e6), 1e6) * 10) / 10;
  return String(r === 0 ? 0 : r);
}

/** Width in user units that the longest of these labels needs. */
export function labelWidth(labels: readonly string[]): number {
  return Math.max(0, ...labels.map((l) => l.length)) * CHAR_WIDTH;
}

/** An SVG text element; the content is escaped. */
export function svgText(x: number, y: number, text: string, cls: string, anchor: 'start' | 'middle' | 'end' = 'start'): string {
  const a = anchor === 'start' ? '' : ` text-anchor="${anchor}"`;
  return `<text class="${cls}" x="${px(x)}" y="${px(y)}"${a}>${escapeHtml(text)}</text>`;
}

/** Horizontal gridlines with tick labels left of the frame. */
export function yAxis(frame: Frame, ticks: readonly number[], labels: readonly string[], y: (v: number) => number): string {
  const parts: string[] = [];
  ticks.forEach((t, i) => {
    const ty = y(t);
    if (!Number.isFinite(ty) || ty < frame.top - 0.5 || ty > frame.top + frame.height + 0.5) return;
    parts.push(`<line class="grid" x1="${px(frame.left)}" x2="${px(frame.left + frame.width)}" y1="${px(ty)}" y2="${px(ty)}"/>`);
    parts.push(svgText(frame.left - 6, ty + 3.5, labels[i] ?? '', 'tick', 'end'));
  });
  return parts.join('');
}

/** The bottom axis line, tick marks and labels (dropping labels that would overlap), and an axis title. */
export function xAxis(frame: Frame, ticks: readonly number[], labels: readonly string[], x: (v: number) => number, title: string, offsetLabel = ''): string {
  const base = frame.top + frame.height;
  const parts = [`<line class="axis" x1="${px(frame.left)}" x2="${px(frame.left + frame.width)}" y1="${px(base)}" y2="${px(base)}"/>`];
  let lastEnd = -Infinity;
  ticks.forEach((t, i) => {
    const tx = x(t);
    if (!Number.isFinite(tx) || tx < frame.left - 0.5 || tx > frame.left + frame.width + 0.5) return;
    parts.push(`<line class="axis" x1="${px(tx)}" x2="${px(tx)}" y1="${px(base)}" y2="${px(base + 4)}"/>`);
    const label = labels[i] ?? '';
    const half = (label.length * CHAR_WIDTH) / 2;
    if (tx - half < lastEnd + 4) return;
    lastEnd = tx + half;
    parts.push(svgText(tx, base + 16, label, 'tick', 'middle'));
  });
  const titleText = offsetLabel ? `${title} (${offsetLabel})` : title;
  if (titleText) parts.push(svgText(frame.left + frame.width / 2, base + 32, titleText, 'axis-title', 'middle'));
  return parts.join('');
}

/** Polylines through the points, broken where a coordinate is not finite; single points of a run become dots of radius `dot`. */
export function brokenLine(points: readonly (readonly [number, number])[], cls: string, dot = 2.5): string {
  const runs: (readonly [number, number])[][] = [[]];
  for (const p of points) {
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) runs.at(-1)!.push(p);
    else if (runs.at(-1)!.length > 0) runs.push([]);
  }
  return runs
    .filter((r) => r.length > 0)
    .map((r) =>
      r.length === 1
        ? `<circle class="${cls} dot" cx="${px(r[0]![0])}" cy="${px(r[0]![1])}" r="${px(dot)}"/>`
        : `<polyline class="${cls}" points="${r.map(([a, b]) => `${px(a)},${px(b)}`).join(' ')}"/>`,
    )
    .join('');
}

/** Clamps v into [a, b] (in either order). */
export function clamp(v: number, a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return Number.isFinite(v) ? Math.min(Math.max(v, lo), hi) : lo;
}
