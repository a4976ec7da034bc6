/**
 * What can go wrong inside a Parquet file, before the reader names the file
 * and the column and turns it into a DataError.
 */

/** Bytes that do not decode as the footer says they should: a corrupt file. */
export class CorruptParquet extends Error {}

/** A valid Parquet feature that bn1d does not read; the message names it. */
export class UnsupportedParquet extends Error {}
