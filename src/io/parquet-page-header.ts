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
import { CorruptParquet } from './parquet-faults.js';
import { type ThriftReader, ThriftType } from './parquet-thrift-read.js';

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
  const header: Partial<PageHeader> = {};
  r.struct((id, wire) => {
    if (wire === ThriftType.I32) {
      if (id === 1) type = r.i32();
      else if (id === 2) uncompressed = r.i32();
      else if (id === 3) compressed = r.i32();
      else if (id === 4) header.crc = r.i32();
      else return false;
      return true;
    }
    if (wire !== ThriftType.STRUCT) return false;
    if (id === 5) header.data_page_header = dataPageHeader(r);
    else if (id === 6) r.skip(ThriftType.STRUCT), (header.index_page_header = {});
    else if (id === 7) header.dictionary_page_header = dictionaryPageHeader(r);
    else if (id === 8) header.data_page_header_v2 = dataPageHeaderV2(r);
    else return false;
    return true;
  });
  if (type === undefined) throw new CorruptParquet('page header without its page type');
  const pageType = PAGE_TYPES[type];
  if (!pageType) throw new CorruptParquet(`unknown page type ${type}`);
  if (uncompressed === undefined || compressed === undefined) throw new CorruptParquet('page header without its sizes');
  return { ...header, type: pageType, uncompressed_page_size: uncompressed, compressed_page_size: compressed };
}

/** An Encoding by number; undefined for a number the format does not define. */
function encoding(r: ThriftReader): Encoding {
  return ENCODINGS[r.i32()]!;
}

function dataPageHeader(r: ThriftReader): DataPageHeader {
  const h: Partial<DataPageHeader> = {};
  r.struct((id, wire) => {
    if (wire !== ThriftType.I32) return false;
    if (id === 1) h.num_values = r.i32();
    else if (id === 2) h.encoding = encoding(r);
    else if (id === 3) h.definition_level_encoding = encoding(r);
    else if (id === 4) h.repetition_level_encoding = encoding(r);
    else return false;
    return true;
  }, 1);
  return h as DataPageHeader;
}

function dictionaryPageHeader(r: ThriftReader): DictionaryPageHeader {
  const h: Partial<DictionaryPageHeader> = {};
  r.struct((id, wire) => {
    if (id === 3 && (wire === ThriftType.TRUE || wire === ThriftType.FALSE)) h.is_sorted = wire === ThriftType.TRUE;
    else if (wire !== ThriftType.I32) return false;
    else if (id === 1) h.num_values = r.i32();
    else if (id === 2) h.encoding = encoding(r);
    else return false;
    return true;
  }, 1);
  return h as DictionaryPageHeader;
}

function dataPageHeaderV2(r: ThriftReader): DataPageHeaderV2 {
  const h: Partial<DataPageHeaderV2> = { is_compressed: true };
  r.struct((id, wire) => {
    if (id === 7 && (wire === ThriftType.TRUE || wire === ThriftType.FALSE)) h.is_compressed = wire === ThriftType.TRUE;
    else if (wire !== ThriftType.I32) return false;
    else if (id === 1) h.num_values = r.i32();
    else if (id === 2) h.num_nulls = r.i32();
    else if (id === 3) h.num_rows = r.i32();
    else if (id === 4) h.encoding = encoding(r);
    else if (id === 5) h.definition_levels_byte_length = r.i32();
    else if (id === 6) h.repetition_levels_byte_length = r.i32();
    else return false;
    return true;
  }, 1);
  return h as DataPageHeaderV2;
}
