/**
 * Binning of a sample for a histogram: round bin widths, one bin per value
 * for small integer ranges, and a range that leaves out far outliers (counted
 * apart) so that they do not squeeze the rest into a single bar.
 */
import { niceStep, spread } from './scale.js';

/** Counts of a sample in equal-width bins over [lo, hi]. */
export interface Bins {
  lo: number;
  hi: number;
  /** counts[i] holds values in [edge(i), edge(i + 1)); the last bin includes hi. */
  counts: number[];
  /** Finite values binned (inside [lo, hi]). */
  inRange: number;
  /** Finite values left out below lo and above hi. */
  below: number;
  above: number;
  /** Values that were NaN, infinite or not numbers, left out. */
  nonFinite: number;
  /** Whether every bin holds exactly one integer. */
  integer: boolean;
}

/** The lower edge of bin i (i = counts.length gives hi), without overflow. */
export function binEdge(bins: Pick<Bins, 'lo' | 'hi' | 'counts'>, i: number): number {
  const t = i / bins.counts.length;
  return i <= 0 ? bins.lo : i >= bins.counts.length ? bins.hi : bins.lo * (1 - t) + bins.hi * t;
}

/** The value at quantile q (0..1) of sorted values, interpolated. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const i = Math.floor(pos);
  const t = pos - i;
  const a = sorted[i]!;
  return t === 0 ? a : a * (1 - t) + sorted[i + 1]! * t;
}

/** Mean and (population) standard deviation of the finite values, or null when there are none. */
export function sampleMoments(values: readonly unknown[]): { mean: number; std: number; n: number } | null {
  let n = 0;
  let sum = 0;
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) (n++, (sum += v / 2));
  if (n === 0) return null;
  const mean = (sum / n) * 2;
  // Deviations in units of the largest magnitude, so that squares neither overflow nor vanish.
  let scale = 0;
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) scale = Math.max(scale, Math.abs(v / 2 - mean / 2));
  let squares = 0;
  if (scale > 0) for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) squares += ((v / 2 - mean / 2) / scale) ** 2;
  const std = Math.sqrt(squares / n) * scale * 2;
  return { mean, std: Number.isFinite(std) ? std : Number.MAX_VALUE, n };
}

/** Bins the finite values of a sample (null when it has none), into at most `maxBins` bins. */
export function binSample(values: readonly unknown[], maxBins = 50): Bins | null {
  const sorted: number[] = [];
  let nonFinite = 0;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) sorted.push(v);
    else nonFinite++;
  }
  if (sorted.length === 0) return null;
  sorted.sort((a, b) => a - b);
  const n = sorted.length;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  // One bin per integer, centred on it, when the sample is a small range of integers.
  const integer = sorted.every(Number.isSafeInteger) && max - min <= maxBins - 1 && min !== max;

  let lo: number;
  let hi: number;
  let binCount: number;
  if (min === max) {
    [lo, hi] = spread(min, max);
    binCount = 11;
  } else if (integer) {
    [lo, hi, binCount] = [min - 0.5, max + 0.5, max - min + 1];
  } else {
    // Leave out far outliers: keep the central 99% when the full range is five times wider.
    let a = min;
    let b = max;
    const q0 = quantile(sorted, 0.005);
    const q1 = quantile(sorted, 0.995);
    if (q1 > q0 && max / 2 - min / 2 > 2.5 * (q1 - q0)) {
      const pad = (q1 - q0) * 0.05;
      a = Math.max(min, q0 - pad);
      b = Math.min(max, q1 + pad);
    }
    const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    const fd = iqr > 0 ? (b / 2 - a / 2) / (iqr / Math.cbrt(n)) : NaN;
    const rough = Number.isFinite(fd) && fd > 0 ? fd : Math.sqrt(n);
    const count = Math.min(Math.max(Math.ceil(rough), Math.min(8, Math.ceil(Math.sqrt(n)) + 2)), maxBins);
    const width = niceStep(((b / 2 - a / 2) / count) * 2);
    lo = Math.floor(a / width) * width;
    hi = Math.ceil(b / width) * width;
    binCount = Math.round(hi / width - lo / width);
    // Round edges are out of reach (widths that underflow among subnormals, or overflow): bin [a, b] as it is.
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(width > 0) || !(binCount >= 1 && binCount <= maxBins) || hi <= lo) {
      [lo, hi, binCount] = [a, b, count];
    }
  }
  binCount = Math.min(Math.max(binCount, 1), maxBins * 3);
  const bins = binRange(sorted, lo, hi, binCount);
  return { ...bins, nonFinite, integer };
}

/** Counts the finite values in `count` equal bins over [lo, hi] (a value within a ten-millionth of a bin below an edge counts above it, so that values on round edges land alike after an affine map). */
export function binRange(values: readonly unknown[], lo: number, hi: number, count: number): Bins {
  const n = Math.max(1, Math.floor(count));
  const counts = new Array<number>(n).fill(0);
  let below = 0;
  let above = 0;
  let nonFinite = 0;
  const h0 = lo / 2;
  const span = hi / 2 - h0;
  const usable = span > 0 && Number.isFinite(span);
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) nonFinite++;
    else if (v < lo) below++;
    else if (v > hi) above++;
    else counts[usable ? Math.min(Math.max(Math.floor(((v / 2 - h0) / span) * n + 1e-7), 0), n - 1) : 0]!++;
  }
  return { lo, hi, counts, inRange: counts.reduce((a, b) => a + b, 0), below, above, nonFinite, integer: false };
}
