/**
 * The CLI's advice for errors the core reports by their facts alone: the
 * flags that would get past them, appended to the message it prints.
 */
import type { Bn1dError, ErrorHint } from '../core/errors.js';

const HINTS: Record<ErrorHint, string> = {
  'non-finite': 'clean the data, or pass --nan skip to leave NaN and ±Infinity out of the statistics like nulls',
  'short-batch': 'pass --drop-last to skip a short last batch, or use a larger --batch-size',
  'short-batch-train': 'choose a --batch-size that does not leave a single row for the last batch',
  'arrow-output': 'write Arrow instead (--format arrow)',
  'import-features': 'name them with bn1d import --features',
  'import-prefix': 'choose one with bn1d import --prefix',
  'http-denied': "check the URL, or pass --header 'Authorization: ...' (or set BN1D_HTTP_HEADERS) if the server needs credentials",
};

/** What to do about an error of this kind, in terms of bn1d's flags. */
export function hintText(code: ErrorHint): string {
  return HINTS[code];
}

/** The error's message, followed by the advice for its hint if it has one. */
export function withHint(error: Bn1dError): string {
  return error.hint ? `${error.message}; ${hintText(error.hint)}` : error.message;
}
