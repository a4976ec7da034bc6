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

/** Bad data, a bad state file, or a failure while running: exit code 1. */
export class DataError extends Bn1dError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** Bad usage: a flag, an argument, or a combination of them: exit code 2. */
export class UsageError extends Bn1dError {
  constructor(message: string) {
    super(message, 2);
  }
}
