/**
 * Field ids of the footer's Thrift structs (parquet.thrift), for the
 * readers that walk the stored bytes instead of parsing them whole
 * (footer-walk.ts, raw-footer.ts, chunk-source.ts), and the numbers of its
 * enums, for those and the writers.
 */

/** FileMetaData field ids. */
export const FILE = { VERSION: 1, SCHEMA: 2, NUM_ROWS: 3, ROW_GROUPS: 4 } as const;
/** RowGroup field ids. */
export const GROUP = { COLUMNS: 1, TOTAL_BYTE_SIZE: 2, NUM_ROWS: 3, TOTAL_COMPRESSED_SIZE: 6 } as const;
/** ColumnChunk field ids. */
export const CHUNK = {
  FILE_PATH: 1,
  FILE_OFFSET: 2,
  META_DATA: 3,
  OFFSET_INDEX_OFFSET: 4,
  OFFSET_INDEX_LENGTH: 5,
  COLUMN_INDEX_OFFSET: 6,
  COLUMN_INDEX_LENGTH: 7,
  CRYPTO_METADATA: 8,
  ENCRYPTED_COLUMN_METADATA: 9,
} as const;
/** ColumnMetaData field ids. */
export const META = {
  TYPE: 1,
  PATH_IN_SCHEMA: 3,
  CODEC: 4,
  NUM_VALUES: 5,
  TOTAL_UNCOMPRESSED_SIZE: 6,
  TOTAL_COMPRESSED_SIZE: 7,
  DATA_PAGE_OFFSET: 9,
  INDEX_PAGE_OFFSET: 10,
  DICTIONARY_PAGE_OFFSET: 11,
  STATISTICS: 12,
  BLOOM_FILTER_OFFSET: 14,
  BLOOM_FILTER_LENGTH: 15,
} as const;

/** Thrift enums: a name's position is its number. */
export const ENUMS = {
  type: ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'],
  repetition: ['REQUIRED', 'OPTIONAL', 'REPEATED'],
  converted: [
    'UTF8', 'MAP', 'MAP_KEY_VALUE', 'LIST', 'ENUM', 'DECIMAL', 'DATE', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS',
    'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64', 'INT_8', 'INT_16', 'INT_32', 'INT_64', 'JSON', 'BSON', 'INTERVAL',
  ],
  encoding: [
    'PLAIN', 'GROUP_VAR_INT', 'PLAIN_DICTIONARY', 'RLE', 'BIT_PACKED', 'DELTA_BINARY_PACKED', 'DELTA_LENGTH_BYTE_ARRAY', 'DELTA_BYTE_ARRAY',
    'RLE_DICTIONARY', 'BYTE_STREAM_SPLIT',
  ],
  codec: ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'],
  pageType: ['DATA_PAGE', 'INDEX_PAGE', 'DICTIONARY_PAGE', 'DATA_PAGE_V2'],
  boundaryOrder: ['UNORDERED', 'ASCENDING', 'DESCENDING'],
  edges: ['SPHERICAL', 'VINCENTY', 'THOMAS', 'ANDOYER', 'KARNEY'],
} as const;

/** The number of `name` in one of ENUMS; undefined stays undefined. */
export function enumCode(which: keyof typeof ENUMS, name: string): number;
export function enumCode(which: keyof typeof ENUMS, name: string | undefined): number | undefined;
export function enumCode(which: keyof typeof ENUMS, name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const code = (ENUMS[which] as readonly string[]).indexOf(name);
  if (code < 0) throw new Error(`Parquet has no ${which} ${name}`);
  return code;
}
