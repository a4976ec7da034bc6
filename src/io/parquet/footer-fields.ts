/**
 * Field ids of the footer's Thrift structs (parquet.thrift), for the
 * readers that walk the stored bytes instead of parsing them whole
 * (footer-index.ts, raw-footer.ts, chunk-source.ts).
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
