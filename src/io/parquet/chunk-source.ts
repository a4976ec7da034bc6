/**
 * Reading a column chunk of an input file to copy it into another file
 * (chunk-copy.ts): its pages as stored (compressed, never decoded), its
 * ColumnChunk struct from the footer with every field, its ColumnIndex as
 * stored, its OffsetIndex, and its bloom filter (header and bitset). The
 * fields read, by parquet.thrift's numbers:
 *
 *   ColumnChunk: 2 file_offset, 3 meta_data, 4 offset_index_offset,
 *     5 offset_index_length, 6 column_index_offset, 7 column_index_length
 *   ColumnMetaData: 3 path_in_schema, 6 total_uncompressed_size,
 *     7 total_compressed_size, 9 data_page_offset, 10 index_page_offset,
 *     11 dictionary_page_offset, 12 statistics, 14 bloom_filter_offset,
 *     15 bloom_filter_length
 *   OffsetIndex: 1 page_locations (PageLocation: 1 offset)
 *   BloomFilterHeader: 1 numBytes, then the bitset of numBytes bytes
 *
 * The page headers are read to check that the pages fill the chunk (its
 * bytes are all there is to copy); a chunk whose pages do not is a DataError.
 * A page index or bloom filter that cannot be read (outside the file, not
 * parsing, pages outside the chunk) is left out and named in `dropped`:
 * leaving one out keeps the output valid.
 */
import { DataError } from '../../core/errors.js';
import { type FileRange, readFull } from '../files/file-range.js';
import { CorruptParquet } from './faults.js';
import { CHUNK, META } from './footer-fields.js';
import { readPageHeader } from './page-header-read.js';
import type { RawFooter } from './raw-footer.js';
import { ThriftReader } from './thrift-read.js';
import { parseThriftStruct, readThriftStruct, ThriftList, ThriftStruct } from './thrift-tree.js';

/** Bytes read at first for a bloom filter header of unknown length (a header takes about 15). */
const BLOOM_HEADER_BYTES = 256;

/** A column chunk of an input file, read to be copied. */
export interface SourceChunk {
  /** The ColumnChunk as the input's footer stores it. */
  readonly column: ThriftStruct;
  /** The file offset of the chunk's first page in the input. */
  readonly start: number;
  /** The pages as stored: dictionary page (if any) and data pages. */
  readonly bytes: Uint8Array;
  /** The ColumnIndex as stored. */
  readonly columnIndex?: Uint8Array | undefined;
  /** The OffsetIndex, every page location inside the chunk. */
  readonly offsetIndex?: ThriftStruct | undefined;
  /** The bloom filter as stored: its header and bitset. */
  readonly bloomFilter?: Uint8Array | undefined;
  /** What the input has for the chunk but could not be read, and why. */
  readonly dropped: readonly string[];
}

/** The file range [start, end) of a ColumnMetaData's pages, as footer.ts's chunkRange finds it. */
export function rawChunkRange(meta: ThriftStruct): [number, number] {
  const offsets = [meta.integer(META.DICTIONARY_PAGE_OFFSET) ?? 0n, meta.integer(META.DATA_PAGE_OFFSET) ?? 0n].filter((offset) => offset > 0n);
  const start = offsets.length ? Number(offsets.reduce((a, b) => (a < b ? a : b))) : 0;
  return [start, start + Number(meta.integer(META.TOTAL_COMPRESSED_SIZE) ?? -1n)];
}

/**
 * Reads the chunk of leaf `leaf` in row group g of `file`, whose footer is
 * `raw`; `name` prefixes errors. Its pages are read into `into(size)` when
 * given, else into a new buffer.
 */
export async function readSourceChunk(
  file: FileRange, raw: RawFooter, g: number, leaf: number, name = 'Parquet file', into?: (size: number) => Uint8Array,
): Promise<SourceChunk> {
  const what = `${name}: row group ${g}, column chunk ${leaf}`;
  let column: ThriftStruct;
  try {
    column = raw.columnChunk(g, leaf);
  } catch (error) {
    if (error instanceof CorruptParquet) throw new DataError(`${name}: corrupt Parquet footer: ${error.message}`);
    throw error;
  }
  const meta = column.struct(CHUNK.META_DATA);
  if (!meta) throw new DataError(`${what} has no metadata`);
  const [start, end] = rawChunkRange(meta);
  // Pages, page indexes and bloom filters all lie between the magic and the footer.
  const limit = raw.offset;
  if (!(start >= 4 && end >= start && end <= limit)) throw new DataError(`${what} lies outside the file`);
  const data = meta.integer(META.DATA_PAGE_OFFSET);
  if (data !== undefined && data !== 0n && !(data >= start && data < end)) {
    throw new DataError(`${what} has its first data page at ${data}, outside its pages [${start}, ${end})`);
  }
  const dropped: string[] = [];
  const bytes = into ? await readFull(file, into(end - start), start) : await file.read(start, end);
  checkPages(bytes, start, what);
  const columnIndex = await readIndex(file, column, CHUNK.COLUMN_INDEX_OFFSET, CHUNK.COLUMN_INDEX_LENGTH, limit, 'column index', dropped);
  const offsetBytes = await readIndex(file, column, CHUNK.OFFSET_INDEX_OFFSET, CHUNK.OFFSET_INDEX_LENGTH, limit, 'offset index', dropped);
  const offsetIndex = offsetBytes && checkedOffsetIndex(offsetBytes, start, end, dropped);
  // A ColumnIndex describes the pages an OffsetIndex locates: it goes with a dropped one.
  const offsetDropped = !offsetIndex && column.field(CHUNK.OFFSET_INDEX_OFFSET) !== undefined;
  if (columnIndex && offsetDropped) dropped.push('column index: left out with the offset index');
  const keepColumnIndex = columnIndex && !offsetDropped && parses(columnIndex, 'column index', dropped);
  const bloomFilter = await readBloomFilter(file, meta, limit, dropped);
  return { column, start, bytes, columnIndex: keepColumnIndex ? columnIndex : undefined, offsetIndex, bloomFilter, dropped };
}

/**
 * Checks that the pages, header after header, fill the chunk's bytes
 * exactly: a chunk whose pages run past its stated size (as some broken
 * writers' do) would lose their ends in a copy.
 */
function checkPages(bytes: Uint8Array, start: number, what: string): void {
  try {
    for (let pos = 0; pos < bytes.length; ) {
      const r = new ThriftReader(bytes, pos, bytes.length, 'page header');
      const size = readPageHeader(r).compressed_page_size;
      if (size < 0 || size > bytes.length - r.pos) throw new CorruptParquet(`the page of ${size} bytes at ${start + pos} runs past them`);
      pos = r.pos + size;
    }
  } catch (error) {
    if (error instanceof CorruptParquet) throw new DataError(`${what}: its pages do not fill its ${bytes.length} bytes (${error.message})`);
    throw error;
  }
}

/** The bytes of a page index of the chunk, or undefined (with what was wrong in `dropped`). */
async function readIndex(file: FileRange, column: ThriftStruct, offsetId: number, lengthId: number, limit: number, what: string, dropped: string[]): Promise<Uint8Array | undefined> {
  const offset = column.integer(offsetId);
  const length = column.integer(lengthId);
  if (offset === undefined && length === undefined) return undefined;
  if (offset === undefined || length === undefined || offset < 4n || length <= 0n || offset + length > BigInt(limit)) {
    dropped.push(`${what}: ${length ?? 'no length'} bytes at ${offset ?? 'no offset'} lie outside the file`);
    return undefined;
  }
  return file.read(Number(offset), Number(offset + length));
}

/** The OffsetIndex when it parses and every page lies inside the chunk [start, end). */
function checkedOffsetIndex(bytes: Uint8Array, start: number, end: number, dropped: string[]): ThriftStruct | undefined {
  try {
    const index = parseThriftStruct(bytes, 'offset index');
    const pages = index.get(1);
    if (!(pages instanceof ThriftList)) throw new CorruptParquet('offset index has no page locations');
    for (const page of pages.items) {
      const offset = page instanceof ThriftStruct ? page.integer(1) : undefined;
      if (offset === undefined || offset < BigInt(start) || offset >= BigInt(end)) throw new CorruptParquet(`offset index has a page at ${offset}, outside the chunk`);
    }
    return index;
  } catch (error) {
    if (!(error instanceof CorruptParquet)) throw error;
    dropped.push(error.message);
    return undefined;
  }
}

function parses(bytes: Uint8Array, what: string, dropped: string[]): boolean {
  try {
    parseThriftStruct(bytes, what);
    return true;
  } catch (error) {
    if (!(error instanceof CorruptParquet)) throw error;
    dropped.push(error.message);
    return false;
  }
}

/** The bloom filter's header and bitset, or undefined (with what was wrong in `dropped`). */
async function readBloomFilter(file: FileRange, meta: ThriftStruct, limit: number, dropped: string[]): Promise<Uint8Array | undefined> {
  const offset = meta.integer(META.BLOOM_FILTER_OFFSET);
  if (offset === undefined) return undefined;
  const stored = meta.integer(META.BLOOM_FILTER_LENGTH);
  const fail = (problem: string) => void dropped.push(`bloom filter at ${offset}: ${problem}`);
  if (offset < 4n || offset >= BigInt(limit)) return fail('outside the file');
  if (stored !== undefined && (stored <= 0n || offset + stored > BigInt(limit))) return fail(`its ${stored} bytes lie outside the file`);
  const at = Number(offset);
  const head = await file.read(at, Math.min(limit, stored === undefined ? at + BLOOM_HEADER_BYTES : at + Number(stored)));
  let length: number;
  try {
    const r = new ThriftReader(head, 0, head.length, 'bloom filter header');
    const numBytes = readThriftStruct(r).integer(1);
    if (numBytes === undefined || numBytes < 0n) throw new CorruptParquet('bloom filter header has no size');
    length = r.pos + Number(numBytes);
  } catch (error) {
    if (!(error instanceof CorruptParquet)) throw error;
    return fail(error.message);
  }
  if (stored !== undefined && length > Number(stored)) return fail(`its header says ${length} bytes, the footer ${stored}`);
  if (stored !== undefined) return head;
  if (at + length > limit) return fail(`its ${length} bytes lie outside the file`);
  return length <= head.length ? head.subarray(0, length) : file.read(at, at + length);
}
