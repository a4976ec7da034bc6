/** Sparklines: a series as a row of block characters, for the terminal. */

const BLOCKS = '▁▂▃▄▅▆▇█';

/** `values` resampled to at most `width` points, each drawn from ▁ (its minimum) to █ (its maximum). */
export function sparkline(values: readonly number[], width: number): string {
  if (values.length === 0) return '';
  const points = values.length <= width ? values : Array.from({ length: width }, (_, i) => values[Math.round((i * (values.length - 1)) / (width - 1))]!);
  const lo = Math.min(...points);
  const hi = Math.max(...points);
  if (!(hi > lo)) return BLOCKS[3]!.repeat(points.length);
  return points.map((v) => BLOCKS[Math.min(7, Math.floor(((v - lo) / (hi - lo)) * 8))]!).join('');
}
