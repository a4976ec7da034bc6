/** Errors of Arrow IPC inputs, and their translation into the DataError users see. */
import { DataError } from '../../core/errors.js';

/**
 * A defect of an Arrow IPC input, described without the input's name: the
 * reader adds the name when it turns this into a DataError.
 */
export class ArrowFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArrowFormatError';
  }
}

/** Any error met while reading the input `name`, as a one-line DataError that starts with the name. */
export function toDataError(name: string, error: unknown): DataError {
  if (error instanceof DataError) return error;
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  const systemError = error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
  const wrapped = new DataError(
    error instanceof ArrowFormatError || systemError ? `${name}: ${message}` : `${name}: invalid Arrow IPC data (${message})`,
  );
  wrapped.cause = error;
  return wrapped;
}
