/**
 * Scales and ticks for the charts, safe for every finite float64: constant
 * data, a single value, subnormal and near-overflow magnitudes all give a
 * domain with lo < hi and finite ticks.
 */

/** A data interval and the ticks to label inside it. */
export interface Domain {
  lo: number;
  hi: number;
  /** Increasing, finite, within [lo, hi]; at least two. */
  ticks: number[];
  /** Distance between neighbouring ticks (linear domains); NaN for a log domain. */
  step: number;
}

/** The smallest and largest finite values, or null when there are none. */
export function finiteExtent(values: Iterable<number | null | undefined>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** The smallest of 1, 2 or 5 times a power of ten that is at least `rough` (0 when rough is not a positive finite number). */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 0;
  const power = Math.floor(Math.log10(rough));
  const base = 10 ** power;
  if (!(base > 0) || !Number.isFinite(base)) return 0;
  const f = rough / base;
  const nice = f <= 1 + 1e-12 ? 1 : f <= 2 + 1e-12 ? 2 : f <= 5 + 1e-12 ? 5 : 10;
  return nice * base;
}

/** Widens [min, max] to a non-empty interval: a constant gets 10% of its magnitude either side (1 for 0 or subnormals). */
export function spread(min: number, max: number): [number, number] {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1;
    lo = Math.max(lo - pad, -Number.MAX_VALUE);
    hi = Math.min(hi + pad, Number.MAX_VALUE);
    if (!(hi / 2 - lo / 2 > 1e-300)) {
      lo -= 1;
      hi += 1;
    }
  }
  return [lo, hi];
}

/** About `count` round ticks over [min, max]; with `nice`, the domain grows to the outer ticks; with `integer`, ticks are whole numbers. */
export function niceDomain(min: number, max: number, count = 5, options: { nice?: boolean; integer?: boolean } = {}): Domain {
  const [lo, hi] = spread(min, max);
  const half = hi / 2 - lo / 2;
  let step = niceStep((half / Math.max(count, 1)) * 2);
  if (options.integer && step > 0) step = Math.max(1, Math.round(step));
  const fallback: Domain = { lo, hi, ticks: [lo, hi], step: half * 2 };
  if (!(step > 0) || !Number.isFinite(step)) return fallback;
  let a = lo;
  let b = hi;
  if (options.nice !== false) {
    const nlo = Math.floor(lo / step) * step;
    const nhi = Math.ceil(hi / step) * step;
    if (Number.isFinite(nlo)) a = nlo > lo ? nlo - step : nlo;
    if (Number.isFinite(nhi)) b = nhi < hi ? nhi + step : nhi;
    if (!Number.isFinite(a) || !Number.isFinite(b)) [a, b] = [lo, hi];
  }
  const k0 = Math.ceil(a / step - 1e-9);
  const k1 = Math.floor(b / step + 1e-9);
  if (!(k1 - k0 < 4 * count + 4)) return { ...fallback, lo: a, hi: b, ticks: [a, b] };
  const ticks: number[] = [];
  for (let i = 0; i <= k1 - k0; i++) {
    const t = (k0 + i) * step;
    if (Number.isFinite(t) && t >= a && t <= b && (ticks.length === 0 || t > ticks.at(-1)!)) ticks.push(t);
  }
  return { lo: a, hi: b, ticks: ticks.length >= 2 ? ticks : [a, b], step };
}

/** Ticks 1, 2, 5, 10, 20, 50, ... (or only powers of ten on long ranges) over [min, max] for a log axis; min must be > 0. */
export function logDomain(min: number, max: number): Domain {
  const lo = Number.isFinite(min) && Number.isFinite(max) ? Math.max(Math.min(min, max), Number.MIN_VALUE) : 1;
  const hi = Math.min(Math.max(min, max, lo * 10), Number.MAX_VALUE);
  if (!(hi > lo)) return { lo: lo / 10, hi: lo, ticks: [lo / 10, lo], step: NaN };
  const p0 = Math.floor(Math.log10(lo));
  const p1 = Math.ceil(Math.log10(hi));
  const multiples = p1 - p0 <= 3 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil((p1 - p0) / 8));
  const ticks: number[] = [];
  for (let p = p0; p <= p1; p++) {
    if ((p - p0) % every !== 0) continue;
    for (const m of multiples) {
      const t = m * 10 ** p;
      if (Number.isFinite(t) && t >= lo * (1 - 1e-12) && t <= hi * (1 + 1e-12)) ticks.push(t);
    }
  }
  return { lo, hi, ticks: ticks.length >= 2 ? ticks : [lo, hi], step: NaN };
}

/** Maps [d0, d1] linearly onto [r0, r1]; never overflows for finite inputs. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const h0 = d0 / 2;
  const span = d1 / 2 - h0;
  if (!(span !== 0) || !Number.isFinite(span)) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v / 2 - h0) / span) * (r1 - r0);
}

/** Maps [d0, d1] (both > 0) logarithmically onto [r0, r1]. */
export function logScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const l0 = Math.log(d0);
  const span = Math.log(d1) - l0;
  if (!(span > 0) || !Number.isFinite(span)) return () => (r0 + r1) / 2;
  return (v) => r0 + ((Math.log(v) - l0) / span) * (r1 - r0);
}
