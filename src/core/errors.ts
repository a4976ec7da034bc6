/**
 * Errors a user can act on. The CLI prints `bn1d: error: <message>` on one
 * line and exits with `exitCode`; anything else is a bug and says so.
 */
export class Bn1dError extends Error {
  /** 1 for bad data or a failed run, 2 for bad usage. */
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/**
 * What a DataError is about, for a front end to add its own advice: the core
 * states the facts, and the CLI says which flags would help (src/cli/hints.ts).
 * - `non-finite`: NaN or ±Infinity in a feature.
 * - `short-batch`: a batch with at most 1 value in a channel, met while fitting.
 * - `short-batch-train`: the same, met while normalizing with batch statistics.
 */
export type DataErrorHint = 'non-finite' | 'short-batch' | 'short-batch-train';

/** Bad data, a bad state file, or a failure while running: exit code 1. */
export class DataError extends Bn1dError {
  /** What the error is about, when a front end may have advice for it. */
  readonly hint: DataErrorHint | undefined;

  constructor(message: string, options: { hint?: DataErrorHint } = {}) {
    super(message, 1);
    this.hint = options.hint;
  }
}

/** Bad usage: a flag, an argument, or a combination of them: exit code 2. */
export class UsageError extends Bn1dError {
  constructor(message: string) {
    super(message, 2);
  }
}
