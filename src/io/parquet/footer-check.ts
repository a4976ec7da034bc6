/**
 * The checks of a row group's footer entry against the file's schema and
 * size, on the facts footer-index.ts walks out of the stored bytes: that it
 * has its column chunks, one per leaf with the leaf's path and type, none
 * encrypted or in another file, each inside the file and with a count of
 * values, and a row count a reader can hold.
 */
import { DataError } from '../../core/errors.js';
import { ENUMS } from './footer-fields.js';

/** What a ColumnChunk stores that is checked or kept (numbers as footer-index.ts reads them; undefined: not stored). */
export interface ChunkFacts {
  /** File range of its pages (NaN in `end` when total_compressed_size is not stored). */
  start: number;
  end: number;
  meta?: true;
  encrypted?: true;
  filePath?: Uint8Array;
  type?: number;
  codec?: number;
  values?: number;
  dataPage?: number;
  /** path_in_schema joined by dots. */
  path?: string | undefined;
}

/** What a RowGroup stores that is checked or kept; `start` and `end` are where its struct lies in the footer. */
export interface GroupFacts {
  readonly start: number;
  end: number;
  rows: number | undefined;
  byteSize?: number;
  compressed?: number;
  chunks?: ChunkFacts[];
}

const utf8 = new TextDecoder();

/** Checks row group g of a file of `size` bytes whose leaves are `leafNames` (dotted) of physical types `leafTypes`. */
export function checkGroup(group: GroupFacts, g: number, leafNames: readonly string[], leafTypes: readonly (string | undefined)[], size: number, name: string): void {
  const corrupt = (what: string) => new DataError(`${name}: corrupt Parquet footer: row group ${g} ${what}`);
  const chunks = group.chunks;
  if (!chunks) throw corrupt('has no column list');
  if (chunks.some((chunk) => chunk.encrypted)) throw new DataError(`${name}: encrypted Parquet is not supported`);
  const rows = group.rows;
  if (rows === undefined || !Number.isSafeInteger(rows) || rows < 0 || rows > 0x7fffffff) throw corrupt(`has ${String(rows)} rows`);
  if (chunks.length !== leafNames.length) throw corrupt(`has ${chunks.length} column chunks for ${leafNames.length} columns`);
  chunks.forEach((chunk, i) => {
    const leafName = leafNames[i]!;
    if (!chunk.meta) throw corrupt(`has no metadata for column ${leafName}`);
    const filePath = chunk.filePath && utf8.decode(chunk.filePath);
    if (filePath) throw new DataError(`${name}: column ${leafName} is stored in another file (${filePath}), which is not supported`);
    const type = chunk.type === undefined ? undefined : ENUMS.type[chunk.type];
    // A leaf of no known type is no leaf a chunk can match (hyparquet leaves its statistics unparsable).
    if (chunk.path !== leafName || type === undefined || type !== leafTypes[i]) {
      throw corrupt(`column chunk ${i} is ${chunk.path} (${type}), the schema says ${leafName}`);
    }
    const { start, end } = chunk;
    if (!(start >= 4 && end >= start && end <= size - 8)) throw corrupt(`column ${leafName} lies outside the file`);
    const values = chunk.values;
    if (values === undefined || !Number.isSafeInteger(values) || values < 0) throw corrupt(`column ${leafName} has ${String(values)} values`);
  });
}
