/**
 * A Parquet footer (FileMetaData) walked in its stored bytes: where its
 * top-level fields lie, and of each row group what footer-check.ts checks
 * and footer-index.ts keeps, read field by field and the rest skipped (no
 * values are built but a few numbers and each chunk's path). footerTail
 * writes, from those bytes, the footer of a file of one row group.
 *
 *   FileMetaData: 1 version, 2 schema, 3 num_rows, 4 row_groups
 *   RowGroup: 1 columns, 2 total_byte_size, 3 num_rows, 6 total_compressed_size
 *   ColumnChunk: 1 file_path, 3 meta_data, 8 crypto_metadata, 9 encrypted_column_metadata
 *   ColumnMetaData: 1 type, 3 path_in_schema, 4 codec, 5 num_values,
 *     7 total_compressed_size, 9 data_page_offset, 11 dictionary_page_offset
 */
import { CorruptParquet } from './faults.js';
import type { ChunkFacts, GroupFacts } from './footer-check.js';
import { CHUNK, FILE, GROUP, META } from './footer-fields.js';
import { ThriftReader, ThriftType } from './thrift-read.js';

const { STOP, LIST, STRUCT, BINARY, I16, I32, I64 } = ThriftType;
const INTEGER: readonly number[] = [I16, I32, I64];

/** A top-level field of the FileMetaData: its id, wire type, and where its value lies in the bytes. */
export interface FieldSpan {
  readonly id: number;
  readonly type: number;
  readonly start: number;
  readonly end: number;
}

/** The FileMetaData walked: its top-level fields and its row groups' facts. */
export interface WalkedFooter {
  readonly fields: readonly FieldSpan[];
  /** Undefined when there is no row group list. */
  readonly groups: readonly GroupFacts[] | undefined;
}

/** Walks the FileMetaData `bytes` (a CorruptParquet where they do not read as Thrift). */
export function walkFooter(bytes: Uint8Array): WalkedFooter {
  const r = new ThriftReader(bytes, 0, bytes.length, 'FileMetaData');
  const fields: FieldSpan[] = [];
  let groups: GroupFacts[] | undefined;
  for (let previous = 0, type = r.field(0); type !== STOP; type = r.field(previous)) {
    previous = r.fieldId;
    const start = r.pos;
    if (previous === FILE.ROW_GROUPS && type === LIST) groups = readGroups(r);
    else r.skip(type, 1);
    fields.push({ id: previous, type, start, end: r.pos });
  }
  return { fields, groups };
}

/**
 * A FileMetaData of the fields `fields` of `bytes` but row_groups, and of
 * the row group whose struct is `group` (none when undefined), followed by
 * its length and the magic: the footer of a file holding just that, as
 * hyparquet's parquetMetadata reads it.
 */
export function footerTail(bytes: Uint8Array, fields: readonly FieldSpan[], group?: Uint8Array): Uint8Array {
  const kept = fields.filter((f) => f.id !== FILE.ROW_GROUPS);
  const size = kept.reduce((n, f) => n + 2 + f.end - f.start, 0) + 3 + (group?.length ?? 0) + 1;
  const out = new Uint8Array(size + 8);
  let pos = 0;
  // Long-form field headers (the type, then the id as a zigzag varint: ids here are below 64), so fields may come in any order.
  const header = (type: number, id: number) => {
    out[pos++] = type;
    out[pos++] = id << 1;
  };
  for (const f of kept) {
    header(f.type, f.id);
    out.set(bytes.subarray(f.start, f.end), pos);
    pos += f.end - f.start;
  }
  header(LIST, FILE.ROW_GROUPS);
  out[pos++] = ((group ? 1 : 0) << 4) | STRUCT;
  if (group) out.set(group, pos);
  pos += group?.length ?? 0;
  out[pos++] = STOP;
  const view = new DataView(out.buffer);
  view.setUint32(pos, pos, true);
  view.setUint32(pos + 4, 0x31524150, true);
  return out;
}

/** The row group list: the facts footer-check.ts checks, each group's chunks as they come. */
function readGroups(r: ThriftReader): GroupFacts[] {
  const count = r.listHeader();
  if (r.elementType !== STRUCT) throw new CorruptParquet(`Parquet footer has a list of type ${r.elementType} for its row groups`);
  const groups: GroupFacts[] = [];
  for (let g = 0; g < count; g++) {
    const group: GroupFacts = { start: r.pos, end: 0, rows: undefined };
    for (let previous = 0, type = r.field(0); type !== STOP; type = r.field(previous)) {
      previous = r.fieldId;
      if (previous === GROUP.COLUMNS && type === LIST) group.chunks = readChunks(r);
      else if (previous === GROUP.NUM_ROWS && INTEGER.includes(type)) group.rows = r.i64();
      else if (previous === GROUP.TOTAL_BYTE_SIZE && INTEGER.includes(type)) group.byteSize = r.i64();
      else if (previous === GROUP.TOTAL_COMPRESSED_SIZE && INTEGER.includes(type)) group.compressed = r.i64();
      else r.skip(type, 2);
    }
    group.end = r.pos;
    groups.push(group);
  }
  return groups;
}

function readChunks(r: ThriftReader): ChunkFacts[] {
  const count = r.listHeader();
  const chunks: ChunkFacts[] = [];
  if (r.elementType !== STRUCT) {
    for (let k = 0; k < count; k++) r.skip(r.elementType, 3, true);
    return chunks;
  }
  for (let k = 0; k < count; k++) {
    const chunk: ChunkFacts = { start: 0, end: 0 };
    for (let previous = 0, type = r.field(0); type !== STOP; type = r.field(previous)) {
      previous = r.fieldId;
      if (previous === CHUNK.META_DATA && type === STRUCT) readMeta(r, chunk);
      else if (previous === CHUNK.FILE_PATH && type === BINARY) chunk.filePath = r.binary();
      else {
        if (previous === CHUNK.CRYPTO_METADATA || previous === CHUNK.ENCRYPTED_COLUMN_METADATA) chunk.encrypted = true;
        r.skip(type, 3);
      }
    }
    chunks.push(chunk);
  }
  return chunks;
}

function readMeta(r: ThriftReader, chunk: ChunkFacts): void {
  chunk.meta = true;
  let dictionary: number | undefined;
  let compressed = Number.NaN;
  for (let previous = 0, type = r.field(0); type !== STOP; type = r.field(previous)) {
    previous = r.fieldId;
    const integer = INTEGER.includes(type);
    if (previous === META.TYPE && integer) chunk.type = r.i32();
    else if (previous === META.CODEC && integer) chunk.codec = r.i32();
    else if (previous === META.NUM_VALUES && integer) chunk.values = r.i64();
    else if (previous === META.TOTAL_COMPRESSED_SIZE && integer) compressed = r.i64();
    else if (previous === META.DATA_PAGE_OFFSET && integer) chunk.dataPage = r.i64();
    else if (previous === META.DICTIONARY_PAGE_OFFSET && integer) dictionary = r.i64();
    else if (previous === META.PATH_IN_SCHEMA && type === LIST) chunk.path = readPath(r);
    else r.skip(type, 4);
  }
  chunk.start = chunkStart(dictionary ?? 0, chunk.dataPage ?? 0);
  chunk.end = chunk.start + compressed;
}

/** Where a chunk's pages start, from its dictionary_page_offset and data_page_offset: some writers store 0 for either (no dictionary, or no data page). */
export function chunkStart(dictionary: number, data: number): number {
  const offsets = [dictionary, data].filter((offset) => offset > 0);
  return offsets.length ? Math.min(...offsets) : 0;
}

const utf8 = new TextDecoder();

/** path_in_schema, its names joined by dots (undefined when not a list of strings). */
function readPath(r: ThriftReader): string | undefined {
  const count = r.listHeader();
  if (r.elementType !== BINARY) {
    for (let k = 0; k < count; k++) r.skip(r.elementType, 5, true);
    return undefined;
  }
  let path = '';
  for (let k = 0; k < count; k++) path += (k ? '.' : '') + utf8.decode(r.binary());
  return path;
}
