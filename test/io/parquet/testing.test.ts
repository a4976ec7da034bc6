/**
 * The Parquet reader on the files of apache/parquet-testing (see
 * shared/testdata/README.md): every file the README marks READ reads, with
 * the row count it holds; every broken or encrypted file is a DataError that
 * says what is wrong. Values are checked in values.test.ts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { openParquet } from '../../../src/io/parquet/read.js';
import { PARQUET_TESTING } from './helpers.js';

/** Every READ (and READ edge case) file, with its row count. */
const READ: Record<string, number> = {
  'alltypes_dictionary.parquet': 2,
  'alltypes_plain.parquet': 8,
  'alltypes_plain.snappy.parquet': 2,
  'alltypes_tiny_pages.parquet': 7300,
  'alltypes_tiny_pages_plain.parquet': 7300,
  'binary.parquet': 12,
  'binary_truncated_min_max.parquet': 12,
  'byte_array_decimal.parquet': 24,
  'byte_stream_split.zstd.parquet': 300,
  'byte_stream_split_extended.gzip.parquet': 200,
  'column_chunk_key_value_metadata.parquet': 0,
  'concatenated_gzip_members.parquet': 513,
  'data_index_bloom_encoding_stats.parquet': 14,
  'data_index_bloom_encoding_with_length.parquet': 14,
  'datapage_v1-snappy-compressed-checksum.parquet': 5120,
  'datapage_v1-uncompressed-checksum.parquet': 5120,
  'datapage_v2.snappy.parquet': 5,
  'datapage_v2_empty_datapage.snappy.parquet': 1,
  'delta_binary_packed.parquet': 200,
  'delta_byte_array.parquet': 1000,
  'delta_encoding_optional_column.parquet': 100,
  'delta_encoding_required_column.parquet': 100,
  'delta_length_byte_array.parquet': 1000,
  'dict-page-offset-zero.parquet': 39,
  'fixed_length_byte_array.parquet': 1000,
  'fixed_length_decimal.parquet': 24,
  'fixed_length_decimal_legacy.parquet': 24,
  'float16_nonzeros_and_nans.parquet': 8,
  'float16_zeros_and_nans.parquet': 3,
  'floating_orders_nan_count.parquet': 50,
  'hadoop_lz4_compressed.parquet': 4,
  'hadoop_lz4_compressed_larger.parquet': 10000,
  'incorrect_map_schema.parquet': 1,
  'int32_decimal.parquet': 24,
  'int32_with_null_pages.parquet': 1000,
  'int64_decimal.parquet': 24,
  'int96_from_spark.parquet': 6,
  'list_columns.parquet': 3,
  'lz4_raw_compressed.parquet': 4,
  'lz4_raw_compressed_larger.parquet': 10000,
  'map_no_value.parquet': 3,
  'nan_in_stats.parquet': 2,
  'nested_lists.snappy.parquet': 3,
  'nested_maps.snappy.parquet': 6,
  'nested_structs.rust.parquet': 1,
  'non_hadoop_lz4_compressed.parquet': 4,
  'nonnullable.impala.parquet': 1,
  'null_list.parquet': 1,
  'nullable.impala.parquet': 7,
  'nulls.snappy.parquet': 8,
  'old_list_structure.parquet': 1,
  'overflow_i16_page_cnt.parquet': 40000,
  'page_v2_empty_compressed.parquet': 10,
  'plain-dict-uncompressed-checksum.parquet': 1000,
  'repeated_no_annotation.parquet': 6,
  'repeated_primitive_no_list.parquet': 4,
  'rle-dict-snappy-checksum.parquet': 1000,
  'rle_boolean_encoding.parquet': 68,
  'single_nan.parquet': 1,
  'sort_columns.parquet': 6,
  'unknown-logical-type.parquet': 3,
};

/** EITHER files: page checksums are not verified, so these read. */
const EITHER_READ: Record<string, number> = {
  'datapage_v1-corrupt-checksum.parquet': 5120,
  'rle-dict-uncompressed-corrupt-checksum.parquet': 1000,
  'bad_data/ARROW-GH-43605.parquet': 21186,
};

/** Files refused with a DataError, and what the message must say. */
const REFUSED: Record<string, RegExp> = {
  'uniform_encryption.parquet.encrypted': /encrypted Parquet is not supported/,
  'encrypt_columns_plaintext_footer.parquet.encrypted': /encrypted Parquet is not supported/,
  'nation.dict-malformed.parquet': /corrupt Parquet data in column "name"/,
  'bad_data/ARROW-GH-41317.parquet': /corrupt Parquet footer/,
  'bad_data/ARROW-GH-41321.parquet': /corrupt Parquet data/,
  'bad_data/ARROW-GH-45185.parquet': /corrupt Parquet data in column "x".*first repetition level/,
  'bad_data/ARROW-GH-47662.parquet': /corrupt Parquet data in column "flba_field"/,
  'bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet': /corrupt Parquet/,
  'bad_data/ARROW-RS-GH-6229-LEVELS.parquet': /corrupt Parquet data in column "outer"/,
  'bad_data/PARQUET-1481.parquet': /corrupt Parquet footer/,
};

async function rowsOf(path: string): Promise<number> {
  const reader = await openParquet(path, path.split('/').pop()!);
  try {
    let rows = 0;
    for await (const batch of reader.batches()) rows += batch.numRows;
    return rows;
  } finally {
    await reader.close();
  }
}

test('every Parquet file of parquet-testing is in one of the lists above (the bomb runs in fuzz.test.ts)', () => {
  const listed = new Set([...Object.keys(READ), ...Object.keys(EITHER_READ), ...Object.keys(REFUSED), 'large_string_map.brotli.parquet']);
  const files = [
    ...readdirSync(PARQUET_TESTING).filter((f) => f.includes('.parquet')),
    ...readdirSync(join(PARQUET_TESTING, 'bad_data')).filter((f) => f.endsWith('.parquet')).map((f) => `bad_data/${f}`),
  ];
  expect(files.filter((f) => !listed.has(f))).toEqual([]);
  expect(files.length).toBe(listed.size);
});

describe('files marked READ', () => {
  test.each(Object.entries({ ...READ, ...EITHER_READ }))('%s reads %i rows', async (file, rows) => {
    const path = join(PARQUET_TESTING, file);
    expect(await rowsOf(path)).toBe(rows);
    const reader = await openParquet(path, file);
    expect(reader.numRows).toBe(rows);
    expect(reader.format).toBe('parquet');
    await reader.close();
  });
});

describe('files that must be refused', () => {
  test.each(Object.entries(REFUSED))('%s is a DataError', async (file, message) => {
    const outcome = await rowsOf(join(PARQUET_TESTING, file)).then(() => undefined, (error: unknown) => error);
    expect(outcome).toBeInstanceOf(DataError);
    expect((outcome as Error).message).toMatch(new RegExp(`^${file.split('/').pop()!.replace(/\./g, '\\.')}: `));
    expect((outcome as Error).message).toMatch(message);
  });
});

