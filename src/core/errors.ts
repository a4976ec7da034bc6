/**
 * Errors a user can act on. The CLI prints `bn1d: error: <message>` on one
 * line and exits with `exitCode`; anything else is a bug and says so.
 */
export class Bn1dError extends Error {
  /** 1 for bad data or a failed run, 2 for bad usage. */
  readonly exitCode: 1 | 2;
  /** What the error is about, when a front end may have advice for it. */
  readonly hint: ErrorHint | undefined;

  constructor(message: string, exitCode: 1 | 2, options: { hint?: ErrorHint } = {}) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/**
 * What an error is about, for a front end to add its own advice: the core
 * and the readers state the facts, and the CLI says which flags or commands
 * would help (src/cli/hints.ts).
 * - `non-finite`: NaN or ±Infinity in a feature.
 * - `short-batch`: a batch with at most 1 value in a channel, met while fitting.
 * - `short-batch-train`: the same, met while normalizing with batch statistics.
 * - `arrow-output`: a column Parquet cannot hold, which an Arrow output can.
 * - `import-features`: a PyTorch state_dict that names no features, read where none can be given.
 * - `import-prefix`: a state_dict with several BatchNorm layers, read where none can be chosen.
 * - `http-denied`: an http(s) input the server refuses to send (401, 403): it may want credentials.
 */
export type ErrorHint = 'non-finite' | 'short-batch' | 'short-batch-train' | 'arrow-output' | 'import-features' | 'import-prefix' | 'http-denied';
/** The hints a DataError carries (the name it had first). */
export type DataErrorHint = ErrorHint;

/** Bad data, a bad state file, or a failure while running: exit code 1. */
export class DataError extends Bn1dError {
  constructor(message: string, options: { hint?: ErrorHint } = {}) {
    super(message, 1, options);
  }
}

/** Bad usage: a flag, an argument, or a combination of them: exit code 2. */
export class UsageError extends Bn1dError {
  constructor(message: string, options: { hint?: ErrorHint } = {}) {
    super(message, 2, options);
  }
}
