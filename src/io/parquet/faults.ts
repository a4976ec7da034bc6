/**
 * What can go wrong inside a Parquet file, before the reader names the file
 * and the column and turns it into a DataError.
 */
import { DataError } from '../../core/errors.js';

/** Bytes that do not decode as the footer says they should: a corrupt file. */
export class CorruptParquet extends Error {}

/** A valid Parquet feature that bn1d does not read; the message names it. */
export class UnsupportedParquet extends Error {}

/** An error met reading a column of Parquet file `name` (`where` names the column), as the DataError users see. */
export function columnError(name: string, error: unknown, where: string): DataError {
  if (error instanceof DataError) return error;
  if (error instanceof UnsupportedParquet) return new DataError(`${name}: unsupported ${error.message} ${where}`);
  return new DataError(`${name}: corrupt Parquet data ${where}: ${error instanceof Error ? error.message : String(error)}`);
}
