/**
 * The compact-protocol writer and the Thrift structures bn1d writes with it:
 * exact bytes where the format leaves nothing open, and FileMetaData, page
 * indexes and their fields read back by hyparquet's public reader (and the
 * schema by DuckDB, which rejects a mistyped field).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LogicalType, parquetMetadata, readColumnIndex, readOffsetIndex, type SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { type FileMetaDataOut, statistics, writeFooter, MAGIC } from '../../../src/io/parquet/footer-write.js';
import { writeColumnIndex, writeDataPageHeader, writeDictionaryPageHeader, writeOffsetIndex } from '../../../src/io/parquet/page-header-write.js';
import { CompactType, CompactWriter } from '../../../src/io/parquet/thrift-write.js';
import { query } from '../../helpers/duckdb.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** The bytes `body` writes as one top-level struct. */
function struct(body: (w: CompactWriter) => void): number[] {
  const out = new ByteWriter();
  const w = new CompactWriter(out);
  w.message(() => body(w));
  return Array.from(out.getBytes());
}

describe('the compact protocol', () => {
  test('field headers carry the id as a delta of 1 to 15, otherwise the type then the id as a zigzag varint', () => {
    expect(struct((w) => (w.i32(1, 0), w.i32(16, 0), w.i32(32, 0), w.i32(33, 0), w.i32(3, 0)))).toEqual([0x15, 0, 0xf5, 0, 0x05, 64, 0, 0x15, 0, 0x05, 6, 0, 0]);
  });

  test('integers are zigzag varints (i32, i64 to their extremes), i8 one byte, booleans in the header', () => {
    expect(struct((w) => w.i32(1, -1))).toEqual([0x15, 1, 0]);
    expect(struct((w) => w.i32(1, 2147483647))).toEqual([0x15, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0]);
    expect(struct((w) => w.i32(1, -2147483648))).toEqual([0x15, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]);
    expect(struct((w) => w.i64(1, 300n))).toEqual([0x16, 0xd8, 0x04, 0]);
    expect(struct((w) => w.i64(1, 2n ** 63n - 1n))).toEqual([0x16, 0xfe, ...Array<number>(8).fill(0xff), 0x01, 0]);
    expect(struct((w) => w.i64(1, -(2n ** 63n)))).toEqual([0x16, ...Array<number>(9).fill(0xff), 0x01, 0]);
    expect(struct((w) => (w.i8(1, 64), w.i8(2, -1)))).toEqual([0x13, 64, 0x13, 0xff, 0]);
    expect(struct((w) => (w.bool(1, true), w.bool(2, false)))).toEqual([0x11, 0x12, 0]);
  });

  test('binary is a varint length and the bytes (strings as UTF-8); undefined fields write nothing', () => {
    expect(struct((w) => (w.binary(1, 'é'), w.binary(2, undefined), w.binary(3, new Uint8Array(0))))).toEqual([0x18, 2, 0xc3, 0xa9, 0x28, 0, 0]);
    expect(struct((w) => w.binary(1, 'x'.repeat(200)))).toEqual([0x18, 0xc8, 0x01, ...Array<number>(200).fill(0x78), 0]);
  });

  test('lists: size and element type in one byte under 15 elements, else 0xF. and a varint; booleans one byte each', () => {
    expect(struct((w) => w.list(1, CompactType.I32, [1, -1], w.element.i32))).toEqual([0x19, 0x25, 2, 1, 0]);
    expect(struct((w) => w.list(1, CompactType.I32, Array<number>(15).fill(0), w.element.i32))).toEqual([0x19, 0xf5, 15, ...Array<number>(15).fill(0), 0]);
    expect(struct((w) => w.list(1, CompactType.TRUE, [true, false], w.element.bool))).toEqual([0x19, 0x21, 1, 0, 0]);
    expect(struct((w) => w.list(1, CompactType.STRUCT, [1], () => w.element.struct(() => w.i32(1, 7))))).toEqual([0x19, 0x1c, 0x15, 14, 0, 0]);
  });

  test('nested structs count field ids from zero, and the outer ids go on after them', () => {
    expect(struct((w) => (w.i32(2, 1), w.struct(5, () => w.i32(1, 1)), w.i32(6, 1)))).toEqual([0x25, 2, 0x3c, 0x15, 2, 0, 0x15, 2, 0]);
  });

  test('Statistics fields 3 to 9, null_count written even when zero', () => {
    const bytes = struct((w) => statistics(w, { null_count: 0n, max_value: Uint8Array.of(9), min_value: Uint8Array.of(1), is_min_value_exact: false, nan_count: 3n }));
    expect(bytes).toEqual([0x36, 0, 0x28, 1, 9, 0x18, 1, 1, 0x22, 0x16, 6, 0]);
  });
});

describe('page headers', () => {
  test('a DATA_PAGE_V2 header: is_compressed written only when false (true is the default)', () => {
    const header = { uncompressed_page_size: 100, compressed_page_size: 60, num_values: 10, num_nulls: 2, num_rows: 4, encoding: 'RLE_DICTIONARY' as const, definition_levels_byte_length: 3, repetition_levels_byte_length: 5 };
    const bytes = (compressed: boolean) => {
      const out = new ByteWriter();
      writeDataPageHeader(out, { ...header, is_compressed: compressed });
      return Array.from(out.getBytes());
    };
    const common = [0x15, 6, 0x15, 200, 0x01, 0x15, 120, 0x5c, 0x15, 20, 0x15, 4, 0x15, 8, 0x15, 16, 0x15, 6, 0x15, 10];
    expect(bytes(true)).toEqual([...common, 0, 0]);
    expect(bytes(false)).toEqual([...common, 0x12, 0, 0]);
  });

  test('a dictionary page header: PLAIN, the number of entries', () => {
    const out = new ByteWriter();
    writeDictionaryPageHeader(out, 3, 20, 10);
    expect(Array.from(out.getBytes())).toEqual([0x15, 4, 0x15, 40, 0x15, 20, 0x4c, 0x15, 6, 0x15, 0, 0, 0]);
  });
});

/** Every logical type bn1d writes, on a leaf of a fitting physical type. */
const LOGICAL: [SchemaElement['type'], LogicalType, number?][] = [
  ['BYTE_ARRAY', { type: 'STRING' }],
  ['BYTE_ARRAY', { type: 'ENUM' }],
  ['BYTE_ARRAY', { type: 'JSON' }],
  ['BYTE_ARRAY', { type: 'BSON' }],
  ['INT32', { type: 'DECIMAL', precision: 9, scale: 2 }],
  ['FIXED_LEN_BYTE_ARRAY', { type: 'DECIMAL', precision: 38, scale: 10 }, 16],
  ['INT32', { type: 'DATE' }],
  ['INT32', { type: 'TIME', isAdjustedToUTC: false, unit: 'MILLIS' }],
  ['INT64', { type: 'TIME', isAdjustedToUTC: true, unit: 'MICROS' }],
  ['INT64', { type: 'TIME', isAdjustedToUTC: false, unit: 'NANOS' }],
  ['INT64', { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }],
  ['INT64', { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' }],
  ['INT64', { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' }],
  ['INT32', { type: 'INTEGER', bitWidth: 8, isSigned: true }],
  ['INT32', { type: 'INTEGER', bitWidth: 16, isSigned: false }],
  ['INT32', { type: 'INTEGER', bitWidth: 32, isSigned: false }],
  ['INT64', { type: 'INTEGER', bitWidth: 64, isSigned: true }],
  ['INT32', { type: 'NULL' }],
  ['FIXED_LEN_BYTE_ARRAY', { type: 'UUID' }, 16],
  ['FIXED_LEN_BYTE_ARRAY', { type: 'FLOAT16' }, 2],
  ['BYTE_ARRAY', { type: 'GEOMETRY', crs: 'OGC:CRS84' }],
  ['BYTE_ARRAY', { type: 'GEOGRAPHY', crs: 'OGC:CRS84', algorithm: 'KARNEY' }],
];

const SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: LOGICAL.length + 3 },
  ...LOGICAL.map(([type, logical_type, type_length], i): SchemaElement => ({ name: `c${i}`, type, type_length, repetition_type: 'OPTIONAL', logical_type, field_id: i - 3 })),
  { name: 'legacy', type: 'INT32', repetition_type: 'REQUIRED', converted_type: 'UINT_16', field_id: 2147483647 },
  { name: 'dec', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'DECIMAL', precision: 18, scale: 3 },
  { name: 'l', repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
];

/** A footer of one row group whose one chunk has every ColumnChunk and ColumnMetaData field bn1d writes. */
function metadata(): FileMetaDataOut {
  return {
    version: 2,
    schema: SCHEMA,
    num_rows: 2n ** 40n,
    created_by: 'bn1d tést',
    key_value_metadata: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: i % 2 ? `v${i} 日本` : undefined })),
    row_groups: [
      {
        num_rows: 2n ** 40n,
        total_byte_size: 123_456_789_012n,
        total_compressed_size: 99n,
        file_offset: 4n,
        columns: [
          {
            file_offset: 4n,
            offset_index_offset: 1000n,
            offset_index_length: 17,
            column_index_offset: 900n,
            column_index_length: 100,
            meta_data: {
              type: 'BYTE_ARRAY',
              encodings: ['PLAIN', 'RLE', 'RLE_DICTIONARY'],
              path_in_schema: ['c0'],
              codec: 'ZSTD',
              num_values: 5_000_000_000n,
              total_uncompressed_size: 3_000_000_000n,
              total_compressed_size: 2_000_000_000n,
              data_page_offset: 40n,
              dictionary_page_offset: 4n,
              key_value_metadata: [{ key: 'chunk', value: 'yes' }],
              statistics: { null_count: 7n, min_value: new TextEncoder().encode('apple'), max_value: new TextEncoder().encode('pear'), is_max_value_exact: false },
              encoding_stats: [
                { page_type: 'DICTIONARY_PAGE', encoding: 'PLAIN', count: 1 },
                { page_type: 'DATA_PAGE_V2', encoding: 'RLE_DICTIONARY', count: 300 },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** Magic, then the footer: a file of no pages whose footer describes any chunks. */
function footerFile(meta: FileMetaDataOut): Uint8Array {
  const out = new ByteWriter();
  out.appendBytes(MAGIC);
  writeFooter(out, meta);
  return out.getBytes().slice();
}

describe('FileMetaData', () => {
  test('hyparquet reads back every field: schema with every logical type, converted types, field ids, row group, chunk, key-value metadata', () => {
    const bytes = footerFile(metadata());
    const read = parquetMetadata(bytes.buffer as ArrayBuffer);
    expect(read.version).toBe(2);
    expect(read.num_rows).toBe(2n ** 40n);
    expect(read.created_by).toBe('bn1d tést');
    expect(read.metadata_length).toBe(bytes.length - 12);
    const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    expect(read.schema.map(defined)).toEqual(SCHEMA.map(defined));
    expect(read.key_value_metadata).toEqual(metadata().key_value_metadata);
    const [group] = read.row_groups;
    expect(defined(group!)).toEqual({ num_rows: 2n ** 40n, total_byte_size: 123_456_789_012n, total_compressed_size: 99n, file_offset: 4n, columns: expect.any(Array) });
    const chunk = group!.columns[0]!;
    expect(defined(chunk)).toEqual({ file_offset: 4n, offset_index_offset: 1000n, offset_index_length: 17, column_index_offset: 900n, column_index_length: 100, meta_data: expect.any(Object) });
    const { statistics: stats, ...meta } = chunk.meta_data!;
    const { statistics: _, ...written } = metadata().row_groups[0]!.columns[0]!.meta_data;
    expect(defined(meta)).toEqual(written);
    expect(defined(stats!)).toEqual({ null_count: 7n, min_value: 'apple', max_value: 'pear', is_max_value_exact: false });
  });

  test('DuckDB, which refuses a field of the wrong Thrift type, reads every logical type, converted type, field id and the column orders', async () => {
    const path = join(tempDir(), 'footer.parquet');
    writeFileSync(path, footerFile({ ...metadata(), row_groups: [] }));
    const rows = await query(`SELECT name, logical_type, converted_type, field_id FROM parquet_schema('${path}')`);
    const unit = (u: string) => `unit=TimeUnit(${['MILLIS=MilliSeconds()', 'MICROS=MicroSeconds()', 'NANOS=NanoSeconds()'].map((s) => (s.startsWith(u) ? s : `${s.split('=')[0]}=<null>`)).join(', ')})`;
    // DuckDB prints IntType's i8 bit width as the character of that code.
    const int = (bits: number, signed: number) => `IntType(bitWidth=${String.fromCharCode(bits)}, isSigned=${signed})`;
    expect(rows.slice(1, LOGICAL.length + 1).map((row) => [row.name, row.logical_type, row.field_id])).toEqual(
      [
        'StringType()', 'EnumType()', 'JsonType()', 'BsonType()', 'DecimalType(scale=2, precision=9)', 'DecimalType(scale=10, precision=38)', 'DateType()',
        `TimeType(isAdjustedToUTC=0, ${unit('MILLIS')})`, `TimeType(isAdjustedToUTC=1, ${unit('MICROS')})`, `TimeType(isAdjustedToUTC=0, ${unit('NANOS')})`,
        `TimestampType(isAdjustedToUTC=1, ${unit('MILLIS')})`, `TimestampType(isAdjustedToUTC=0, ${unit('MICROS')})`, `TimestampType(isAdjustedToUTC=1, ${unit('NANOS')})`,
        int(8, 1), int(16, 0), int(32, 0), int(64, 1), 'NullType()', 'UUIDType()', 'Float16Type()', 'GeometryType(crs=OGC:CRS84)', 'GeographyType(crs=OGC:CRS84, algorithm=KARNEY)',
      ].map((logical, i) => [`c${i}`, logical, String(i - 3)]),
    );
    expect(rows.slice(LOGICAL.length + 1, LOGICAL.length + 3).map((row) => [row.name, row.converted_type, row.field_id])).toEqual([
      ['legacy', 'UINT_16', '2147483647'],
      ['dec', 'DECIMAL', null],
    ]);
    const [file] = await query(`SELECT column_orders, num_rows, created_by FROM parquet_file_metadata('${path}')`);
    expect(file).toEqual({ num_rows: String(2n ** 40n), created_by: 'bn1d tést', column_orders: Array(LOGICAL.length + 3).fill('ColumnOrder(TYPE_ORDER=TypeDefinedOrder())') });
  });
});

describe('page indexes', () => {
  test('an OffsetIndex reads back with hyparquet: offsets, sizes and first rows past 32 bits', () => {
    const out = new ByteWriter();
    const page_locations = Array.from({ length: 20 }, (_, i) => ({ offset: 4n + BigInt(i) * 5_000_000_000n, compressed_page_size: 1_000_000 + i, first_row_index: BigInt(i) * 3_000_000_000n }));
    writeOffsetIndex(out, { page_locations });
    const view = new DataView(out.getBytes().slice().buffer);
    const read = readOffsetIndex({ view, offset: 0 });
    expect(read.page_locations).toEqual(page_locations);
  });

  test('a ColumnIndex reads back with hyparquet: null pages, bounds, order, null counts', () => {
    const out = new ByteWriter();
    const int32 = (v: number) => new Uint8Array(Int32Array.of(v).buffer);
    writeColumnIndex(out, {
      null_pages: [false, true, false],
      min_values: [int32(-5), new Uint8Array(0), int32(10)],
      max_values: [int32(3), new Uint8Array(0), int32(2 ** 31 - 1)],
      boundary_order: 'ASCENDING',
      null_counts: [0n, 40n, 2n],
    });
    const view = new DataView(out.getBytes().slice().buffer);
    const read = readColumnIndex({ view, offset: 0 }, { name: 'x', type: 'INT32' });
    expect(read).toMatchObject({ null_pages: [false, true, false], boundary_order: 'ASCENDING', null_counts: [0n, 40n, 2n] });
    expect([read.min_values[0], read.min_values[2], read.max_values[0], read.max_values[2]]).toEqual([-5, 10, 3, 2 ** 31 - 1]);
  });
});
