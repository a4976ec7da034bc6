/**
 * When a running statistic settles: the first recorded batch at which it
 * comes within a tolerance of its final value, and how far it strays after
 * that. The first shows how many batches a momentum needs to forget the
 * initial state, the second how much the state still moves with each batch.
 */

/** Fraction of the final standard deviation (for the mean) or of the final variance (for the variance) that counts as settled. */
export const SETTLE_FRACTION = 0.05;

/** Where a path first comes within a tolerance of its final value, and how far it strays afterwards. */
export interface SettlePoint {
  /** Index into the path of the first point within the tolerance. */
  index: number;
  /** The batch number at that index. */
  batch: number;
  /** The largest distance from the target at or after that point. */
  wander: number;
}

/** The first point of the path within `tolerance` of `target`, and the largest distance from target from there on; null when the tolerance is not a positive finite number or no point comes that close. */
export function settlePoint(batches: readonly number[], path: readonly (number | null)[], target: number, tolerance: number): SettlePoint | null {
  if (!(tolerance > 0) || !Number.isFinite(tolerance) || !Number.isFinite(target)) return null;
  const n = Math.min(batches.length, path.length);
  // Paths are recorded to about 7 significant digits: closer than that counts as equal.
  const slack = Math.abs(target) * 1e-6;
  let index = -1;
  let wander = 0;
  for (let i = 0; i < n; i++) {
    const v = path[i];
    const batch = batches[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(batch)) continue;
    const distance = Math.max(0, Math.abs(v / 2 - target / 2) * 2 - slack);
    if (index < 0 && distance <= tolerance) index = i;
    if (index >= 0) wander = Math.max(wander, distance);
  }
  return index < 0 ? null : { index, batch: batches[index]!, wander };
}

/** The band around the final mean that counts as settled: a fraction of the final standard deviation. */
export function meanTolerance(finalVar: number | null): number {
  return finalVar !== null && finalVar > 0 && Number.isFinite(finalVar) ? SETTLE_FRACTION * Math.sqrt(finalVar) : NaN;
}

/** The band around the final variance that counts as settled: a fraction of it. */
export function varTolerance(finalVar: number | null): number {
  return finalVar !== null && finalVar > 0 && Number.isFinite(finalVar) ? SETTLE_FRACTION * finalVar : NaN;
}
