/** Error measures of the parity tests. */

/** |a - b| / |b| (0 when equal). */
export function relativeError(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.abs(b);
}

/**
 * Error of an output y = x * alpha + beta relative to the size of the terms
 * it is computed from, max(|y|, |x * alpha|, |beta|). For ordinary data this
 * is the relative error of y; where y is a small difference of large terms
 * (an offset of 1e8 over a spread of 1), it measures against the operands,
 * whose last-bit rounding (PyTorch fuses x * alpha + beta into one FMA, JS
 * cannot) is all that two correct implementations can differ by.
 */
export function operandRelativeError(y: number, expected: number, x: number, alpha: number, beta: number): number {
  if (y === expected) return 0;
  return Math.abs(y - expected) / Math.max(Math.abs(expected), Math.abs(x * alpha), Math.abs(beta));
}
