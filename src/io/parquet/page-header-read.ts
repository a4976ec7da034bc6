/**
 * The PageHeader of parquet.thrift, read from its compact-protocol bytes:
 *
 *   PageHeader: 1 type (PageType), 2 uncompressed_page_size, 3 compressed_page_size,
 *     4 crc, 5 data_page_header, 6 index_page_header, 7 dictionary_page_header,
 *     8 data_page_header_v2
 *   DataPageHeader: 1 num_values, 2 encoding, 3 definition_level_encoding,
 *     4 repetition_level_encoding, 5 statistics
 *   DictionaryPageHeader: 1 num_values, 2 encoding, 3 is_sorted
 *   DataPageHeaderV2: 1 num_values, 2 num_nulls, 3 num_rows, 4 encoding,
 *     5 definition_levels_byte_length, 6 repetition_levels_byte_length,
 *     7 is_compressed (default true), 8 statistics
 *
 * Page statistics are skipped (the reader never uses them), as are fields
 * this version of the format does not have. The type, both sizes and the
 * page type must be there; fields of the page type's own header are left
 * for the decoder to check, as an encoding it does not know is (undefined).
 */
import type { DataPageHeader, DictionaryPageHeader, Encoding, PageHeader, PageType } from 'hyparquet';
import { CorruptParquet } from './faults.js';
import { type ThriftReader, ThriftType } from './thrift-read.js';

type DataPageHeaderV2 = NonNullable<PageHeader['data_page_header_v2']>;

const PAGE_TYPES: readonly PageType[] = ['DATA_PAGE', 'INDEX_PAGE', 'DICTIONARY_PAGE', 'DATA_PAGE_V2'];

/** The Encoding enum of parquet.thrift, by number (1, GROUP_VAR_INT, was never used). */
const ENCODINGS: readonly Encoding[] = [
  'PLAIN', 'GROUP_VAR_INT', 'PLAIN_DICTIONARY', 'RLE', 'BIT_PACKED', 'DELTA_BINARY_PACKED',
  'DELTA_LENGTH_BYTE_ARRAY', 'DELTA_BYTE_ARRAY', 'RLE_DICTIONARY', 'BYTE_STREAM_SPLIT',
];

/** Reads the page header at the reader's position, leaving the reader after it. */
export function readPageHeader(r: ThriftReader): PageHeader {
  let type: number | undefined;
  let uncompressed: number | undefined;
  let compressed: number | undefined;
  let crc: number | undefined;
  let data: DataPageHeader | undefined;
  let index: Record<string, never> | undefined;
  let dictionary: DictionaryPageHeader | undefined;
  let v2: DataPageHeaderV2 | undefined;
  for (let id = 0, wire = r.field(0); wire !== ThriftType.STOP; wire = r.field(id)) {
    id = r.fieldId;
    if (wire === ThriftType.I32 && id === 1) type = r.i32();
    else if (wire === ThriftType.I32 && id === 2) uncompressed = r.i32();
    else if (wire === ThriftType.I32 && id === 3) compressed = r.i32();
    else if (wire === ThriftType.I32 && id === 4) crc = r.i32();
    else if (wire === ThriftType.STRUCT && id === 5) data = dataPageHeader(r);
    else if (wire === ThriftType.STRUCT && id === 6) r.skipStruct(1), (index = {});
    else if (wire === ThriftType.STRUCT && id === 7) dictionary = dictionaryPageHeader(r);
    else if (wire === ThriftType.STRUCT && id === 8) v2 = dataPageHeaderV2(r);
    else r.skip(wire, 1);
  }
  if (type === undefined) throw new CorruptParquet('page header without its page type');
  const pageType = PAGE_TYPES[type];
  if (!pageType) throw new CorruptParquet(`unknown page type ${type}`);
  if (uncompressed === undefined || compressed === undefined) throw new CorruptParquet('page header without its sizes');
  const header: PageHeader = { type: pageType, uncompressed_page_size: uncompressed, compressed_page_size: compressed };
  if (crc !== undefined) header.crc = crc;
  if (data) header.data_page_header = data;
  if (index) header.index_page_header = index;
  if (dictionary) header.dictionary_page_header = dictionary;
  if (v2) header.data_page_header_v2 = v2;
  return header;
}

/** An Encoding by number; undefined for a number the format does not define. */
function encoding(r: ThriftReader): Encoding {
  return ENCODINGS[r.i32()]!;
}

const isBool = (wire: number) => wire === ThriftType.TRUE || wire === ThriftType.FALSE;

function dataPageHeader(r: ThriftReader): DataPageHeader {
  const h = {} as DataPageHeader;
  for (let id = 0, wire = r.field(0); wire !== ThriftType.STOP; wire = r.field(id)) {
    id = r.fieldId;
    if (wire !== ThriftType.I32) r.skip(wire, 2);
    else if (id === 1) h.num_values = r.i32();
    else if (id === 2) h.encoding = encoding(r);
    else if (id === 3) h.definition_level_encoding = encoding(r);
    else if (id === 4) h.repetition_level_encoding = encoding(r);
    else r.skip(wire, 2);
  }
  return h;
}

function dictionaryPageHeader(r: ThriftReader): DictionaryPageHeader {
  const h = {} as DictionaryPageHeader;
  for (let id = 0, wire = r.field(0); wire !== ThriftType.STOP; wire = r.field(id)) {
    id = r.fieldId;
    if (id === 3 && isBool(wire)) h.is_sorted = wire === ThriftType.TRUE;
    else if (wire === ThriftType.I32 && id === 1) h.num_values = r.i32();
    else if (wire === ThriftType.I32 && id === 2) h.encoding = encoding(r);
    else r.skip(wire, 2);
  }
  return h;
}

function dataPageHeaderV2(r: ThriftReader): DataPageHeaderV2 {
  const h = { is_compressed: true } as DataPageHeaderV2;
  for (let id = 0, wire = r.field(0); wire !== ThriftType.STOP; wire = r.field(id)) {
    id = r.fieldId;
    if (id === 7 && isBool(wire)) h.is_compressed = wire === ThriftType.TRUE;
    else if (wire !== ThriftType.I32) r.skip(wire, 2);
    else if (id === 1) h.num_values = r.i32();
    else if (id === 2) h.num_nulls = r.i32();
    else if (id === 3) h.num_rows = r.i32();
    else if (id === 4) h.encoding = encoding(r);
    else if (id === 5) h.definition_levels_byte_length = r.i32();
    else if (id === 6) h.repetition_levels_byte_length = r.i32();
    else r.skip(wire, 2);
  }
  return h;
}
