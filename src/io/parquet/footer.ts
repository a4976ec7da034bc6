/**
 * Reading and checking a Parquet footer: magic numbers, encryption, the
 * metadata itself, and that every row group's column chunks match the schema
 * and lie inside the file. Only the footer bytes are read.
 */
import type { ColumnChunk, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { DataError } from '../../core/errors.js';
import type { FileRange } from '../files/file-range.js';

const MAGIC = 'PAR1';
const ENCRYPTED_MAGIC = 'PARE';

/** A checked footer. */
export interface Footer {
  readonly metadata: FileMetaData;
  readonly root: SchemaTree;
  /** Root-to-leaf schema paths of the leaves, in file order. */
  readonly leafPaths: readonly SchemaTree[][];
}

/** Reads and checks the footer of `file`; `name` prefixes every error. */
export async function readFooter(file: FileRange, name: string): Promise<Footer> {
  const size = file.byteLength;
  if (size < 12) throw new DataError(`${name}: not a Parquet file (only ${size} bytes)`);
  const head = ascii(await file.read(0, 4));
  const tail = await file.read(size - 8, size);
  const tailMagic = ascii(tail.subarray(4));
  if (head === ENCRYPTED_MAGIC || tailMagic === ENCRYPTED_MAGIC) {
    throw new DataError(`${name}: encrypted Parquet is not supported`);
  }
  if (head !== MAGIC || tailMagic !== MAGIC) throw new DataError(`${name}: not a Parquet file (no PAR1 magic number)`);
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true);
  if (footerLength > size - 12) throw new DataError(`${name}: corrupt Parquet footer (${footerLength} bytes in a file of ${size})`);

  let metadata: FileMetaData;
  let root: SchemaTree;
  try {
    // Exactly the footer and its length: one read, and nothing more over HTTP (file-range.ts, http-range.ts).
    metadata = await parquetMetadataAsync(file, { geoparquet: false, initialFetchSize: footerLength + 8 });
    root = parquetSchema(metadata);
  } catch (error) {
    throw new DataError(`${name}: corrupt Parquet footer: ${messageOf(error)}`);
  }
  const leafPaths: SchemaTree[][] = [];
  collectLeaves(root, [root], leafPaths);
  checkRowGroups(metadata, leafPaths, size, name);
  return { metadata, root, leafPaths };
}

function checkRowGroups(metadata: FileMetaData, leafPaths: SchemaTree[][], size: number, name: string): void {
  if (!Array.isArray(metadata.row_groups) || !Array.isArray(metadata.schema)) throw new DataError(`${name}: corrupt Parquet footer`);
  metadata.row_groups.forEach((group, g) => {
    const corrupt = (what: string) => new DataError(`${name}: corrupt Parquet footer: row group ${g} ${what}`);
    if (!Array.isArray(group.columns)) throw corrupt('has no column list');
    if (group.columns.some((chunk) => chunk.crypto_metadata || chunk.encrypted_column_metadata)) {
      throw new DataError(`${name}: encrypted Parquet is not supported`);
    }
    const rows = Number(group.num_rows);
    if (!Number.isSafeInteger(rows) || rows < 0 || rows > 0x7fffffff) throw corrupt(`has ${String(group.num_rows)} rows`);
    if (group.columns.length !== leafPaths.length) {
      throw corrupt(`has ${group.columns.length} column chunks for ${leafPaths.length} columns`);
    }
    group.columns.forEach((chunk, i) => {
      const path = leafPaths[i]!;
      const leafName = path.slice(1).map((node) => node.element.name).join('.');
      const meta = chunk.meta_data;
      if (!meta) throw corrupt(`has no metadata for column ${leafName}`);
      if (chunk.file_path) throw new DataError(`${name}: column ${leafName} is stored in another file (${chunk.file_path}), which is not supported`);
      if (meta.path_in_schema?.join('.') !== leafName || meta.type !== path.at(-1)!.element.type) {
        throw corrupt(`column chunk ${i} is ${meta.path_in_schema?.join('.')} (${meta.type}), the schema says ${leafName}`);
      }
      const [start, end] = chunkRange(chunk);
      if (!(start >= 4 && end >= start && end <= size - 8)) throw corrupt(`column ${leafName} lies outside the file`);
      const values = Number(meta.num_values);
      if (!Number.isSafeInteger(values) || values < 0) throw corrupt(`column ${leafName} has ${String(meta.num_values)} values`);
    });
  });
}

/** File byte range [start, end) of a column chunk (dictionary page included). */
export function chunkRange(chunk: ColumnChunk): [number, number] {
  const meta = chunk.meta_data!;
  // The chunk starts at its first page: some writers store 0 for either offset (no dictionary, or no data page).
  const offsets = [Number(meta.dictionary_page_offset ?? 0), Number(meta.data_page_offset)].filter((offset) => offset > 0);
  const start = offsets.length ? Math.min(...offsets) : 0;
  return [start, start + Number(meta.total_compressed_size)];
}

function collectLeaves(node: SchemaTree, path: SchemaTree[], out: SchemaTree[][]): void {
  for (const child of node.children) {
    const childPath = [...path, child];
    if (child.children.length) collectLeaves(child, childPath, out);
    else out.push(childPath);
  }
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
