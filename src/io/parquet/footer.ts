/**
 * Reading and checking a Parquet footer: magic numbers, encryption, the
 * metadata itself, and that every row group's column chunks match the schema
 * and lie inside the file. Only the footer bytes are read, in one read.
 *
 * hyparquet parses the footer without its row groups (schema, key-value
 * metadata); the row groups are walked in the stored bytes and kept as
 * numbers (footer-index.ts), and a row group's full metadata is parsed by
 * hyparquet when its chunks are read (rowGroup), the last few kept.
 */
import type { ColumnChunk, FileMetaData, RowGroup, SchemaTree } from 'hyparquet';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { DataError } from '../../core/errors.js';
import type { FileRange } from '../files/file-range.js';
import { type FooterIndex, indexFooter } from './footer-index.js';
import { chunkStart, footerTail, walkFooter, type WalkedFooter } from './footer-walk.js';

const MAGIC = 'PAR1';
const ENCRYPTED_MAGIC = 'PARE';
/** Row groups whose parsed metadata a footer keeps (the one being read, and the next ones asked for ahead). */
const PARSED_GROUPS = 4;

/** A checked footer. */
export interface Footer {
  /** The FileMetaData but its row groups (see index and rowGroup). */
  readonly metadata: Omit<FileMetaData, 'row_groups'>;
  readonly root: SchemaTree;
  /** Root-to-leaf schema paths of the leaves, in file order. */
  readonly leafPaths: readonly SchemaTree[][];
  /** The row groups as numbers, and the FileMetaData's bytes. */
  readonly index: FooterIndex;
  /** The file offset of the FileMetaData's bytes. */
  readonly offset: number;
  /** Row group g's metadata as hyparquet parses it. */
  rowGroup(g: number): RowGroup;
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

  const offset = size - 8 - footerLength;
  const bytes = await file.read(offset, size - 8);
  let metadata: Omit<FileMetaData, 'row_groups'>;
  let root: SchemaTree;
  let walked: WalkedFooter;
  try {
    walked = walkFooter(bytes);
    // Parsed without its row groups (footerTail leaves them out): row_groups is empty.
    const { row_groups: _, ...rest } = parquetMetadata(footerTail(bytes, walked.fields), { geoparquet: false });
    metadata = { ...rest, metadata_length: footerLength };
    root = parquetSchema(metadata);
  } catch (error) {
    throw new DataError(`${name}: corrupt Parquet footer: ${messageOf(error)}`);
  }
  const leafPaths: SchemaTree[][] = [];
  collectLeaves(root, [root], leafPaths);
  const leafNames = leafPaths.map((path) => path.slice(1).map((node) => node.element.name).join('.'));
  const index = indexFooter(bytes, walked, leafNames, leafPaths.map((path) => path.at(-1)!.element.type), size, name);
  const parsed = new Map<number, RowGroup>();
  const rowGroup = (g: number): RowGroup => {
    let group = parsed.get(g);
    if (!group) {
      if (!(g >= 0 && g < index.rowGroupCount)) throw new RangeError(`${name} has no row group ${g}`);
      try {
        group = parquetMetadata(index.tail(g), { geoparquet: false }).row_groups[0]!;
      } catch (error) {
        throw new DataError(`${name}: corrupt Parquet footer: row group ${g}: ${messageOf(error)}`);
      }
      if (parsed.size >= PARSED_GROUPS) parsed.delete(parsed.keys().next().value!);
      parsed.set(g, group);
    }
    return group;
  };
  return { metadata, root, leafPaths, index, offset, rowGroup };
}

/** File byte range [start, end) of a column chunk (dictionary page included). */
export function chunkRange(chunk: ColumnChunk): [number, number] {
  const meta = chunk.meta_data!;
  const start = chunkStart(Number(meta.dictionary_page_offset ?? 0), Number(meta.data_page_offset));
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
