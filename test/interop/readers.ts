/** The readers of the writer × reader matrix, one line each. */
import { arrowReader } from './arrow-reader.js';
import { duckdbReader } from './duckdb-reader.js';
import type { Reader } from './frame.js';
import { polarsReader } from './polars-reader.js';

export type { Frame, Reader } from './frame.js';
export { PolarsFrame } from './polars-reader.js';

export const READERS: Reader[] = [polarsReader, duckdbReader, arrowReader];
