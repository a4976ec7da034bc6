/**
 * Where in the row-wise order of a fit an error happened, so that a fit
 * read column by column, on any number of threads, reports the error the
 * row-wise loop would (channel-fit.ts): the smallest key wins.
 *
 * A key is [epoch, chunk position in the pass, step, ...]: OPEN for opening
 * and checking a file (before its first chunk), DECODE for reading a chunk's
 * column (then its schema index and channel), TRAIN for a batch the chunk
 * completes (then the batch, 0 for its moments or 1 for its count check,
 * and the channel).
 */
export const OPEN = -1;
export const DECODE = 0;
export const TRAIN = 1;

/** Compared element by element. */
export type ErrorKey = readonly number[];

/** An error met by a channel fit, with its position. */
export class KeyedError extends Error {
  constructor(
    readonly key: ErrorKey,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** Negative, zero or positive as `a` comes before, with or after `b`. */
export function compareKeys(a: ErrorKey, b: ErrorKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
