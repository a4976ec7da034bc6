/**
 * Number formats for the report: short readable values (12,345, 0.25,
 * 1.2e-5), axis tick labels that share one format, and exact values for
 * tooltips.
 */
import { formatCount as formatFiniteCount, groupThousands } from '../../core/format-count.js';

/** Magnitudes at or above this are written with an exponent. */
const BIG = 1e6;
/** Non-zero magnitudes below this are written with an exponent. */
const SMALL = 1e-3;

/** "1.200e+7" -> "1.2e7", "5.00e-6" -> "5e-6": no trailing zeros, no plus sign. */
function tidyExponential(text: string): string {
  const [mantissa = text, exponent = '0'] = text.split('e');
  return `${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
}

/** Drops trailing zeros after a decimal point: "2.500" -> "2.5", "3.000" -> "3". */
function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A value for people: `digits` significant digits (whole numbers are not cut short), thousands grouped, an exponent for tiny or huge magnitudes; "—" for null. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  if (value === 0) return '0';
  const d = Math.min(Math.max(Math.round(digits), 1), 17);
  const rounded = Number(value.toPrecision(d));
  const abs = Math.abs(rounded);
  if (abs >= Math.max(BIG, 10 ** d) || abs < SMALL) return tidyExponential(value.toExponential(d - 1));
  // An integer part with at least `d` digits is shown whole: 12,345 rather than 12,350.
  if (abs >= 10 ** (d - 1)) return groupThousands(Math.round(value).toFixed(0));
  const decimals = Math.max(0, d - 1 - Math.floor(Math.log10(abs)));
  return groupThousands(trimZeros(rounded.toFixed(Math.min(decimals, 100))));
}

/** Significant digits that show `value` to about a tenth of `resolution` (such as a mean next to its standard deviation), at least `min` and at most 15. */
export function digitsFor(value: number | null, resolution: number | null, min: number): number {
  if (value === null || resolution === null || !Number.isFinite(value) || !(resolution > 0) || !Number.isFinite(resolution) || value === 0) return min;
  const needed = Math.floor(Math.log10(Math.abs(value))) - Math.floor(Math.log10(resolution)) + 2;
  return Math.min(Math.max(needed, min), 15);
}

/** An integer count with thousands grouped: 12345 -> "12,345"; infinities and NaN as formatNumber writes them. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? formatFiniteCount(value) : formatNumber(value);
}

/** The shortest text that reads back to the same float64, for tooltips and titles; "—" for null. */
export function formatExact(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return String(value);
}

/** Tick labels of one axis, and the offset they are relative to (null when they are absolute). */
export interface TickLabels {
  labels: string[];
  /** When set, each label is tick - offset (for ticks like 100000000.5, 100000001). */
  offset: number | null;
  /** The offset as shown beside the axis ("+1e8"), or "" without an offset. */
  offsetLabel: string;
}

/** Labels for evenly spaced ticks `step` apart: one shared format (fixed or exponent), relative to an offset when the ticks differ only far behind the decimal point. */
export function formatTicks(ticks: readonly number[], step: number): TickLabels {
  const finite = ticks.filter(Number.isFinite);
  if (finite.length === 0 || !(step > 0) || !Number.isFinite(step)) {
    return { labels: ticks.map((t) => formatNumber(t)), offset: null, offsetLabel: '' };
  }
  const maxAbs = Math.max(...finite.map(Math.abs));
  if (maxAbs / step >= 1e5) {
    const first = finite[0]!;
    const last = finite.at(-1)!;
    const unit = 10 ** (Math.floor(Math.log10(Math.max(last - first, step))) + 1);
    const offset = Math.round((first / 2 + last / 2) / unit) * unit;
    if (Number.isFinite(offset) && offset !== 0) {
      const inner = formatTicks(ticks.map((t) => t - offset), step);
      const digits = Math.min(17, Math.max(1, Math.floor(Math.log10(Math.abs(offset))) - Math.round(Math.log10(unit)) + 1));
      const fixed = formatNumber(offset, digits);
      const short = tidyExponential(offset.toExponential(digits - 1));
      const text = Math.abs(offset) >= BIG && short.length < fixed.length ? short : fixed;
      return { labels: inner.labels, offset, offsetLabel: offset < 0 ? text : `+${text}` };
    }
  }
  return { labels: ticks.map((t) => plainTick(t, step, maxAbs)), offset: null, offsetLabel: '' };
}

/** One tick label in the format the whole axis shares. */
function plainTick(tick: number, step: number, maxAbs: number): string {
  if (!Number.isFinite(tick)) return formatNumber(tick);
  // Ticks are multiples of step: anything smaller than a thousandth of it is rounding noise.
  if (Math.abs(tick) < step * 1e-9) return '0';
  if (maxAbs >= BIG || maxAbs < SMALL) {
    const significant = Math.floor(Math.log10(Math.abs(tick))) - Math.floor(Math.log10(step)) + 1;
    const d = Math.min(Math.max(significant, 1), 17);
    return tidyExponential(tick.toExponential(d - 1));
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return groupThousands(tick.toFixed(Math.min(decimals, 100)));
}
