/**
 * The Parquet writer on Arrow batches that did not come from Parquet: Arrow
 * types map to Parquet types DuckDB reads back with the same values; and the
 * writer's contract (row groups, codec, sink, errors).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Binary, Bool, type DataType, DateDay, DateMillisecond, Decimal, Dictionary, Field, FixedSizeBinary, IntervalDayTime,
  FixedSizeList, Float16, Float32, Float64, Int8, Int16, Int32, Int64, LargeList, LargeUtf8, List, makeData, Map_,
  RecordBatch, Schema, Struct, TimeMicrosecond, TimeMillisecond, TimeSecond, TimestampMicrosecond,
  TimestampMillisecond, TimestampNanosecond, TimestampSecond, Uint8, Uint16, Uint32, Uint64, Utf8, vectorFromArray,
  type Data,
} from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { createParquetWriter } from '../../../src/io/parquet/write.js';
import { memorySink } from '../../helpers/memory-sink.js';
import { columnImage, duckdb, duckTypes, queryText, readParquet, removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

/** A nullable primitive column of three slots, the last one null. */
function primitive(type: DataType, values: ArrayLike<number | bigint>): Data {
  return makeData({ type, length: 3, nullCount: 1, nullBitmap: Uint8Array.of(0b011), data: values } as never);
}

const vector = (values: unknown[], type: DataType) => vectorFromArray(values, type).data[0]!;

const COLUMNS: [string, Data, string, string[]][] = [
  ['i8', primitive(new Int8(), Int8Array.of(-128, 127, 0)), 'TINYINT', ['-128', '127', 'NULL']],
  ['i16', primitive(new Int16(), Int16Array.of(-32768, 32767, 0)), 'SMALLINT', ['-32768', '32767', 'NULL']],
  ['i32', primitive(new Int32(), Int32Array.of(-2147483648, 2147483647, 0)), 'INTEGER', ['-2147483648', '2147483647', 'NULL']],
  ['i64', primitive(new Int64(), BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n, 0n)), 'BIGINT', ['-9223372036854775808', '9223372036854775807', 'NULL']],
  ['u8', primitive(new Uint8(), Uint8Array.of(0, 255, 0)), 'UTINYINT', ['0', '255', 'NULL']],
  ['u16', primitive(new Uint16(), Uint16Array.of(0, 65535, 0)), 'USMALLINT', ['0', '65535', 'NULL']],
  ['u32', primitive(new Uint32(), Uint32Array.of(0, 4294967295, 0)), 'UINTEGER', ['0', '4294967295', 'NULL']],
  ['u64', primitive(new Uint64(), BigUint64Array.of(0n, 2n ** 64n - 1n, 0n)), 'UBIGINT', ['0', '18446744073709551615', 'NULL']],
  ['f16', primitive(new Float16(), Uint16Array.of(0x3e00, 0xc080, 0)), 'FLOAT', ['1.5', '-2.25', 'NULL']],
  ['f32', primitive(new Float32(), Float32Array.of(1.5, -0, 0)), 'FLOAT', ['1.5', '-0.0', 'NULL']],
  ['f64', primitive(new Float64(), Float64Array.of(0.1, 1e300, 0)), 'DOUBLE', ['0.1', '1e+300', 'NULL']],
  ['bool', vector([true, false, null], new Bool()), 'BOOLEAN', ['true', 'false', 'NULL']],
  ['utf8', vector(['héllo', '日本🎉', null], new Utf8()), 'VARCHAR', ['héllo', '日本🎉', 'NULL']],
  ['large_utf8', vector(['a', '', null], new LargeUtf8()), 'VARCHAR', ['a', '', 'NULL']],
  ['binary', vector([Uint8Array.of(0, 255), new Uint8Array(0), null], new Binary()), 'BLOB', ['\\x00\\xFF', '', 'NULL']],
  ['fixed', primitive(new FixedSizeBinary(2), Uint8Array.of(1, 2, 3, 4, 0, 0)), 'BLOB', ['\\x01\\x02', '\\x03\\x04', 'NULL']],
  ['date', primitive(new DateDay(), Int32Array.of(-1, 19000, 0)), 'DATE', ['1969-12-31', '2022-01-08', 'NULL']],
  ['date_ms', primitive(new DateMillisecond(), BigInt64Array.of(2n * 86400000n, -86400000n, 0n)), 'DATE', ['1970-01-03', '1969-12-31', 'NULL']],
  ['ts_s', primitive(new TimestampSecond(), BigInt64Array.of(1n, -1n, 0n)), 'TIMESTAMP', ['1970-01-01 00:00:01', '1969-12-31 23:59:59', 'NULL']],
  ['ts_ms_utc', primitive(new TimestampMillisecond('UTC'), BigInt64Array.of(1234n, 0n, 0n)), 'TIMESTAMP WITH TIME ZONE', ['1970-01-01 00:00:01.234+00', '1970-01-01 00:00:00+00', 'NULL']],
  ['ts_us', primitive(new TimestampMicrosecond(), BigInt64Array.of(1n, 1700000000123456n, 0n)), 'TIMESTAMP', ['1970-01-01 00:00:00.000001', '2023-11-14 22:13:20.123456', 'NULL']],
  ['ts_ns', primitive(new TimestampNanosecond(), BigInt64Array.of(1n, -1n, 0n)), 'TIMESTAMP_NS', ['1970-01-01 00:00:00.000000001', '1969-12-31 23:59:59.999999999', 'NULL']],
  ['time_s', primitive(new TimeSecond(), Int32Array.of(3661, 0, 0)), 'TIME', ['01:01:01', '00:00:00', 'NULL']],
  ['time_ms', primitive(new TimeMillisecond(), Int32Array.of(3661001, 1, 0)), 'TIME', ['01:01:01.001', '00:00:00.001', 'NULL']],
  ['time_us', primitive(new TimeMicrosecond(), BigInt64Array.of(3661000001n, 1n, 0n)), 'TIME', ['01:01:01.000001', '00:00:00.000001', 'NULL']],
  ['dec9', primitive(new Decimal(2, 9, 128), Uint32Array.of(12345, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 0)), 'DECIMAL(9,2)', ['123.45', '-0.01', 'NULL']],
  ['dec18', primitive(new Decimal(3, 18, 128), Uint32Array.of(0xa763ffff, 0x0de0b6b3, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)), 'DECIMAL(18,3)', ['999999999999999.999', '0.001', 'NULL']],
  ['dec38', primitive(new Decimal(0, 38, 128), Uint32Array.of(0xffffffff, 0x098a223f, 0x5a86c47a, 0x4b3b4ca8, 1, 0xf675ddc0, 0xa5793b85, 0xb4c4b357, 0, 0, 0, 0)), 'DECIMAL(38,0)', ['9'.repeat(38), `-${'9'.repeat(38)}`, 'NULL']],
  ['dict', vector(['b', 'a', null], new Dictionary(new Utf8(), new Int32())), 'VARCHAR', ['b', 'a', 'NULL']],
  ['list', vector([[1, null], [], null], new List(new Field('item', new Int32(), true))), 'INTEGER[]', ['[1, NULL]', '[]', 'NULL']],
  ['large_list', vector([[1.5], [], null], new LargeList(new Field('item', new Float64(), true))), 'DOUBLE[]', ['[1.5]', '[]', 'NULL']],
  ['fixed_list', vector([[1, 2], [3, null], null], new FixedSizeList(2, new Field('item', new Float32(), true))), 'FLOAT[]', ['[1.0, 2.0]', '[3.0, NULL]', 'NULL']],
  ['struct', vector([{ a: 1, b: 'x' }, { a: null, b: 'y' }, null], new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)])), 'STRUCT(a INTEGER, b VARCHAR)', ["{'a': 1, 'b': x}", "{'a': NULL, 'b': y}", 'NULL']],
  ['map', vector([new Map([['k', 1]]), new Map(), null], new Map_(new Field('entries', new Struct([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]), false) as never)), 'MAP(VARCHAR, INTEGER)', ['{k=1}', '{}', 'NULL']],
];

function batchOf(columns: [string, Data][]): RecordBatch {
  const fields = columns.map(([name, data]) => new Field(name, data.type, true));
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: columns[0]![1].length, nullCount: 0, children: columns.map(([, data]) => data) }));
}

describe('Arrow batches without Parquet origin', () => {
  test('every supported Arrow type is written so that DuckDB reads the same values', async () => {
    const batch = batchOf(COLUMNS.map(([name, data]) => [name, data]));
    const out = join(tempDir(), 'arrow.parquet');
    writeFileSync(out, await writeParquet(batch.schema, [batch]));
    const db = await duckdb();
    expect(await duckTypes(db, out)).toEqual(COLUMNS.map(([name, , type]) => `${name} ${type}`));
    for (const [name, , , expected] of COLUMNS) {
      expect((await queryText(db, `SELECT "${name}"::VARCHAR FROM read_parquet('${out}')`)).map((row) => row[0]), name).toEqual(expected);
    }
  });

  test('read back by this reader, the values are the same bits (DateMillisecond, seconds and dictionaries aside)', async () => {
    const exact = COLUMNS.filter(([name]) => !['date_ms', 'ts_s', 'time_s', 'dict', 'large_utf8', 'large_list', 'fixed_list'].includes(name));
    const batch = batchOf(exact.map(([name, data]) => [name, data]));
    const out = join(tempDir(), 'arrow.parquet');
    writeFileSync(out, await writeParquet(batch.schema, [batch]));
    const again = await readParquet(out);
    for (const [name] of exact) expect(columnImage(again.batches, name), name).toEqual(columnImage([batch], name));
  });

  test('Decimal256 (precision above 38) round-trips through FIXED_LEN_BYTE_ARRAY', async () => {
    const words = new Uint32Array(16);
    words.fill(0xffffffff, 0, 8); // -1
    words[8] = 7;
    const data = makeData({ type: new Decimal(5, 60, 256), length: 2, nullCount: 0, data: words });
    const batch = batchOf([['wide', data]]);
    const again = await readFromBytes(await writeParquet(batch.schema, [batch]));
    expect(again.parquetColumns.get('wide')![0]).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', type_length: 26, precision: 60, scale: 5 });
    expect(columnImage(again.batches, 'wide')).toEqual(columnImage([batch], 'wide'));
  });
});

async function readFromBytes(bytes: Uint8Array) {
  const path = join(tempDir(), 'out.parquet');
  writeFileSync(path, bytes);
  return readParquet(path);
}

describe('writer contract', () => {
  const ints = (values: number[]) => makeData({ type: new Int32(), length: values.length, nullCount: 0, data: Int32Array.from(values) });

  test('batches gather into one SNAPPY row group by default; finish writes the footer and ends the sink', async () => {
    const schema = new Schema([new Field('x', new Int32(), false)]);
    const batch = (values: number[]) => new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: values.length, nullCount: 0, children: [ints(values)] }));
    const sink = memorySink();
    const writer = createParquetWriter(sink, schema);
    await writer.write(batch([1, 2, 3]));
    await writer.write(batch([]));
    await writer.write(batch([4]));
    expect(sink.ended).toBe(false);
    await writer.finish();
    expect(sink.ended).toBe(true);
    const metadata = parquetMetadata(sink.bytes());
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([4]);
    expect(metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.codec))).toEqual(['SNAPPY']);
    expect(metadata.schema[1]).toMatchObject({ name: 'x', type: 'INT32', repetition_type: 'REQUIRED' });
    const again = await readFromBytes(sink.bytes());
    expect(again.batches.map((b) => Array.from(b.getChild('x')!.toArray() as Int32Array))).toEqual([[1, 2, 3, 4]]);
  });

  test('a file with no batches has the schema and no rows', async () => {
    const schema = new Schema([new Field('x', new Float64(), true)]);
    const again = await readFromBytes(await writeParquet(schema, []));
    expect(again.numRows).toBe(0);
    expect(String(again.schema.fields[0]!.type)).toBe('Float64');
  });

  test.each([
    ['Interval', new IntervalDayTime()],
    ['List<Interval>', new List(new Field('item', new IntervalDayTime(), true))],
  ])('an Arrow %s column is a DataError naming the column and the type, with the hint to write Arrow', (_, type) => {
    const schema = new Schema([new Field('ok', new Int32(), true), new Field('bad', type as DataType, true)]);
    expect(() => createParquetWriter(memorySink(), schema)).toThrow(DataError);
    expect(() => createParquetWriter(memorySink(), schema)).toThrow(/column "bad".*Interval/);
    expect(() => createParquetWriter(memorySink(), schema)).toThrow(expect.objectContaining({ hint: 'arrow-output' }));
  });

  test('a null in a column whose Parquet element is REQUIRED is a DataError', async () => {
    const schema = new Schema([new Field('x', new Int32(), true)]);
    const data = makeData({ type: new Int32(), length: 2, nullCount: 1, nullBitmap: Uint8Array.of(1), data: Int32Array.of(1, 0) });
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 2, nullCount: 0, children: [data] }));
    const writer = createParquetWriter(memorySink(), schema, { parquetColumns: new Map([['x', [{ name: 'x', type: 'INT32', repetition_type: 'REQUIRED' }]]]) });
    await writer.write(batch);
    await expect(writer.finish()).rejects.toThrow(/column "x" holds a null where its Parquet schema requires a value/);
  });

  test('parquetColumns that no longer fit the column are replaced by the Arrow mapping', async () => {
    const schema = new Schema([new Field('x', new Utf8(), true)]);
    const batch = batchOf([['x', vector(['a', null, 'c'], new Utf8())]]);
    const parquetColumns = new Map([['x', [{ name: 'x', type: 'INT64' as const, repetition_type: 'REQUIRED' as const }]]]);
    const again = await readFromBytes(await writeParquet(schema, [batch], { parquetColumns }));
    expect(again.parquetColumns.get('x')).toEqual([{ name: 'x', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8', logical_type: { type: 'STRING' } }]);
  });

  test('duplicate column names are a DataError', () => {
    const schema = new Schema([new Field('x', new Int32(), true), new Field('x', new Int32(), true)]);
    expect(() => createParquetWriter(memorySink(), schema)).toThrow(/column name "x" appears twice/);
  });
});
