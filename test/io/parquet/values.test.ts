/**
 * Values the Parquet reader reads from third-party files, against what
 * their writers put there: the upstream *_expect.csv oracles, blogs.json,
 * and the documented contents of parquet-testing files (nulls at every
 * level, decimals, INT96, float16, empty pages, unannotated lists...).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { columnValues as values, duckdb, PARQUET_TESTING, queryText, readParquet, TESTDATA } from './helpers.js';

describe('arrow-testing files', () => {
  test('arrow-testing Parquet files read, including pre-3.0 pyarrow V2 pages flagged uncompressed', async () => {
    const dir = join(TESTDATA, 'arrow-testing', 'parquet');
    const legacy = await readParquet(join(dir, 'ARROW-17100.parquet'));
    expect(values(legacy.batches, 'col1')).toEqual([1, 2, 3, 4, 5]);
    expect(values(legacy.batches, 'col2')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(values(legacy.batches, 'col3')).toEqual([1, 2, 3, 4, 5]);
    const java = await readParquet(join(dir, 'alltypes-java.parquet'));
    expect(java.schema.fields.map((f) => String(f.type)).slice(0, 11)).toEqual([
      // The first column is INT32 annotated NULL: a column of nulls, read as Arrow C++ reads it.
      'Null', 'Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'Uint8', 'Uint16', 'Uint32', 'Uint64', 'Float16',
    ]);
    expect(java.batches.reduce((n, b) => n + b.numRows, 0)).toBe(2);
  });

  test('blogs.parquet: INT64 values beyond 2^53 are exact', async () => {
    const dir = join(TESTDATA, 'arrow-testing', 'parquet', 'generated_simple_numerics');
    const text = readFileSync(join(dir, 'blogs.json'), 'utf8').replace(/("blog_id":\s*)(-?\d+)/g, '$1"$2"');
    const expected = (JSON.parse(text) as { blog_id?: string }[]).map((row) => (row.blog_id === undefined ? null : BigInt(row.blog_id)));
    const { batches } = await readParquet(join(dir, 'blogs.parquet'));
    expect(values(batches, 'blog_id')).toEqual(expected);
    expect(expected.some((v) => v !== null && (v > 2n ** 53n || v < -(2n ** 53n)))).toBe(true);
  });
});

describe('values of READ files', () => {
  const read = (file: string) => readParquet(join(PARQUET_TESTING, file));

  test('alltypes_plain: Impala types, INT96 kept as its 12 bytes', async () => {
    const { schema, batches } = await read('alltypes_plain.parquet');
    expect(values(batches, 'id')).toEqual([4, 5, 6, 7, 2, 3, 0, 1]);
    expect(values(batches, 'bigint_col')).toEqual([0n, 10n, 0n, 10n, 0n, 10n, 0n, 10n]);
    expect(values(batches, 'double_col')).toEqual([0, 10.1, 0, 10.1, 0, 10.1, 0, 10.1]);
    expect(String(schema.fields.find((f) => f.name === 'timestamp_col')!.type)).toBe('FixedSizeBinary[12]');
    // INT96: nanoseconds of the day (int64), then the Julian day (int32), little-endian.
    const nanos = (values(batches, 'timestamp_col') as Uint8Array[]).map((bytes) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, 12);
      return (BigInt(view.getInt32(8, true)) - 2440588n) * 86_400_000_000_000n + view.getBigInt64(0, true);
    });
    const db = await duckdb();
    const expected = await queryText(db, `SELECT epoch_ns(timestamp_col) FROM read_parquet('${join(PARQUET_TESTING, 'alltypes_plain.parquet')}')`);
    expect(nanos.map(String)).toEqual(expected.map((row) => row[0]));
  });

  test('datapage_v2_empty_datapage: an empty V2 page reads as [null]', async () => {
    expect(values((await read('datapage_v2_empty_datapage.snappy.parquet')).batches, 'value')).toEqual([null]);
  });

  test('page_v2_empty_compressed: ten nulls', async () => {
    expect(values((await read('page_v2_empty_compressed.parquet')).batches, 'integer_column')).toEqual(Array(10).fill(null));
  });

  test('float16: nulls, NaN and negative zero survive', async () => {
    const got = values((await read('float16_nonzeros_and_nans.parquet')).batches, 'x') as (number | null)[];
    expect(got.map((v) => (v === null ? 'null' : Object.is(v, -0) ? '-0' : String(v)))).toEqual(['null', '1', '-2', 'NaN', '0', '-1', '-0', '2']);
  });

  test('decimals in INT32, INT64, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY read as exact unscaled values', async () => {
    for (const [file, type] of [
      ['int32_decimal.parquet', 'Decimal[4e+2]'], ['int64_decimal.parquet', 'Decimal[10e+2]'],
      ['byte_array_decimal.parquet', 'Decimal[4e+2]'], ['fixed_length_decimal.parquet', 'Decimal[25e+2]'],
      ['fixed_length_decimal_legacy.parquet', 'Decimal[13e+2]'],
    ]) {
      const { schema, batches } = await read(file!);
      expect(String(schema.fields[0]!.type)).toBe(type);
      const words = batches.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => (b.getChildAt(0)!.get(i) as Uint32Array)[0]));
      expect(words).toEqual(Array.from({ length: 24 }, (_, i) => (i + 1) * 100));
    }
  });

  test('lists: nulls at every level, 3-level, 2-level and unannotated repeated fields', async () => {
    const lists = await read('list_columns.parquet');
    expect(values(lists.batches, 'int64_list')).toEqual([[1n, 2n, 3n], [null, 1n], [4n]]);
    expect(values(lists.batches, 'utf8_list')).toEqual([['abc', 'efg', 'hij'], null, ['efg', null, 'hij', 'xyz']]);
    expect(values((await read('old_list_structure.parquet')).batches, 'a')).toEqual([[[1, 2], [3, 4]]]);
    expect(values((await read('null_list.parquet')).batches, 'emptylist')).toEqual([[]]);
    const nested = await read('nested_lists.snappy.parquet');
    expect(values(nested.batches, 'a')[0]).toEqual([[['a', 'b'], ['c']], [null, ['d']]]);
    const impala = await read('nullable.impala.parquet');
    expect(values(impala.batches, 'int_array')).toEqual([[1, 2, 3], [null, 1, 2, null, 3, null], [], null, null, null, null]);
    expect(values(impala.batches, 'int_array_Array').slice(0, 4)).toEqual([[[1, 2], [3, 4]], [[null, 1, 2, null], [3, null, 4], [], null], [null], []]);
    const repeated = await read('repeated_primitive_no_list.parquet');
    expect(values(repeated.batches, 'Int32_list')[0]).toEqual([0, 1, 2, 3]);
  });

  test('repeated_no_annotation: footer num_rows 0, the row group has 6 rows', async () => {
    const { numRows, batches } = await read('repeated_no_annotation.parquet');
    expect(numRows).toBe(6);
    expect(values(batches, 'id')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(values(batches, 'phoneNumbers')[3]).toEqual({ phone: [{ number: 5555555555n, kind: null }] });
  });

  test('concatenated_gzip_members: UINT64 1..513', async () => {
    const { schema, batches } = await read('concatenated_gzip_members.parquet');
    expect(String(schema.fields[0]!.type)).toBe('Uint64');
    expect(values(batches, 'long_col')).toEqual(Array.from({ length: 513 }, (_, i) => BigInt(i + 1)));
  });

  test('int32_with_null_pages: 275 nulls', async () => {
    expect(values((await read('int32_with_null_pages.parquet')).batches, 'int32_field').filter((v) => v === null)).toHaveLength(275);
  });
});

/** A tiny CSV parser for the *_expect.csv oracles: quoted fields, empty field = null. */
function parseCsv(text: string): (string | null)[][] {
  return text.trim().split('\n').map((line) => {
    const cells: (string | null)[] = [];
    let at = 0;
    while (at <= line.length) {
      if (line[at] === '"') {
        const end = line.indexOf('"', at + 1);
        cells.push(line.slice(at + 1, end));
        at = end + 2;
      } else {
        const end = line.indexOf(',', at) === -1 ? line.length : line.indexOf(',', at);
        cells.push(end === at ? null : line.slice(at, end));
        at = end + 1;
      }
    }
    return cells;
  });
}

describe('oracles', () => {
  test.each([
    'delta_binary_packed', 'delta_encoding_optional_column', 'delta_encoding_required_column', 'delta_byte_array',
  ])('%s matches %s_expect.csv in every column', async (base) => {
    const [, ...rows] = parseCsv(readFileSync(join(PARQUET_TESTING, `${base}_expect.csv`), 'utf8'));
    const { schema, batches } = await readParquet(join(PARQUET_TESTING, `${base}.parquet`));
    schema.fields.forEach((field, c) => {
      const got = values(batches, field.name).map((v) => (v === null ? null : String(v)));
      expect(got, field.name).toEqual(rows.map((row) => row[c] ?? null));
    });
  });
});

