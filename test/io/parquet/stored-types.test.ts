/**
 * Arrow types that Parquet cannot express survive a Parquet file written by
 * bn1d and read back by bn1d, through its ARROW:schema: dictionaries (one
 * per column for the whole file), fixed-size, large lists and strings,
 * timezones, durations, second and millisecond units. A stored type that
 * does not fit the Parquet column falls back to the Parquet mapping, and
 * data that contradicts it is a DataError.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DataType, DateMillisecond, Decimal, Dictionary, DurationNanosecond, DurationSecond, Field, FixedSizeList, Float16, Float32,
  Int8, Int16, Int32, Int64, LargeBinary, LargeList, LargeUtf8, List, Map_, RecordBatch, Schema, Struct, Table, TimeSecond,
  TimestampMillisecond, TimestampSecond, Uint32, Utf8, vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { encodeArrowSchema } from '../../../src/io/parquet/arrow-schema.js';
import { restoreType } from '../../../src/io/parquet/stored-types.js';
import { columnImage, duckdb, readParquet, removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

const ROWS = 9;
const nth = <T>(f: (i: number) => T, k = 4) => Array.from({ length: ROWS }, (_, i) => (i % k === k - 1 ? null : f(i)));
const field = (name: string, type: DataType, nullable = true) => new Field(name, type, nullable);

/** Columns of types Parquet cannot express, each with its values (nulls included). */
const COLUMNS: [Field, unknown[]][] = [
  [field('dict8', new Dictionary(new Utf8(), new Int8(), null, true)), nth((i) => ['a', 'bb', 'ccc'][i % 3])],
  [field('dict_large', new Dictionary(new LargeUtf8(), new Uint32())), nth((i) => `long value number ${i % 5}`)],
  [field('large_utf8', new LargeUtf8()), nth((i) => `é${i}`)],
  [field('large_bin', new LargeBinary()), nth((i) => Uint8Array.of(i, 255 - i))],
  [field('fsl', new FixedSizeList(3, field('item', new Float32()))), nth((i) => [i, i === 4 ? null : i + 0.5, -i], 3)],
  [field('fsl_dec', new FixedSizeList(2, field('item', new Decimal(2, 9, 128)))), nth((i) => [Uint32Array.of(i, 0, 0, 0), Uint32Array.of(2 ** 32 - 1 - i, 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1)])],
  [field('large_list', new LargeList(field('item', new Int64()))), nth((i) => Array.from({ length: i % 3 }, (_, k) => BigInt(i + k)))],
  [field('ts_s_utc', new TimestampSecond('UTC')), nth((i) => 1_700_000_000_000 + i * 1000)],
  [field('ts_ms_paris', new TimestampMillisecond('Europe/Paris')), nth((i) => 1_700_000_000_123 + i)],
  [field('time_s', new TimeSecond()), nth((i) => i * 61)],
  [field('date_ms', new DateMillisecond()), nth((i) => new Date(Date.UTC(2020, 1, 1 + i)))],
  [field('dur_s', new DurationSecond()), nth((i) => BigInt(i * 3600))],
  [field('dur_ns', new DurationNanosecond()), nth((i) => BigInt(i) * 1_000_000_001n)],
  [field('half', new Float16()), nth((i) => i / 4)],
  [
    field('st', new Struct([field('v', new FixedSizeList(2, field('item', new Int16()))), field('d', new Dictionary(new Utf8(), new Int32()))])),
    nth((i) => ({ v: [i, -i], d: i % 2 ? 'odd' : 'even' })),
  ],
  [
    field('m', new Map_(new Field('entries', new Struct([field('key', new Utf8(), false), field('value', new LargeList(field('item', new Int32())))]) as never, false))),
    nth((i) => new Map([[`k${i}`, [i]]])),
  ],
];

/** A table of COLUMNS in batches of `size` rows, with field and schema metadata. */
function table(size: number): { schema: Schema; batches: RecordBatch[] } {
  const fields = COLUMNS.map(([f]) => f.clone({ metadata: new Map([['origin', f.name]]) }));
  const schema = new Schema(fields, new Map([['writer', 'test'], ['pandas', '{"columns": []}']]));
  const batches: RecordBatch[] = [];
  for (let start = 0; start < ROWS; start += size) {
    const columns = Object.fromEntries(COLUMNS.map(([f, values]) => [f.name, vectorFromArray(values.slice(start, start + size) as never[], f.type)]));
    batches.push(...new Table(columns).batches.map((b) => new RecordBatch(schema, b.data)));
  }
  return { schema, batches };
}

const describeFields = (schema: Schema) => schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable} ${JSON.stringify([...f.metadata])}`);

describe('written by bn1d, read by bn1d', () => {
  const dir = tempDir();
  const { schema, batches } = table(4);
  const path = join(dir, 'types.parquet');

  test('every column has its Arrow type, field metadata and values back, and the schema its metadata', async () => {
    writeFileSync(path, await writeParquet(schema, batches, { rowGroupRows: 4 }));
    const back = await readParquet(path);
    // Times in seconds are stored in milliseconds, as Parquet holds them and Arrow C++ reads them back
    // (a stored unit of seconds over milliseconds makes Polars misread the values: pola-rs/polars#17440).
    const readAs = describeFields(schema).map((d) => d.replace('time_s: Time32<SECOND>', 'time_s: Time32<MILLISECOND>'));
    expect(describeFields(back.schema)).toEqual(readAs);
    expect([...back.schema.metadata]).toEqual([...schema.metadata]);
    expect(back.batches.map((b) => b.numRows)).toEqual([4, 4, 1]);
    for (const f of schema.fields) {
      const got = back.batches.flatMap((b) => Array.from(b.getChild(f.name)!, (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x))));
      const scale = f.name === 'time_s' ? 1000 : 1;
      const expected = batches.flatMap((b) => Array.from(b.getChild(f.name)!, (v) => JSON.stringify(v === null || scale === 1 ? v : (v as number) * scale, (_, x) => (typeof x === 'bigint' ? String(x) : x))));
      expect(got, f.name).toEqual(expected);
    }
    // The fixed-size list's null rows are null slots of three elements, its null element a null element.
    expect(columnImage(back.batches, 'fsl').slice(0, 6)).toEqual(columnImage(batches, 'fsl').slice(0, 6));
  });

  test('a dictionary column shares one dictionary across every row group, in first-seen order', async () => {
    const back = await readParquet(path);
    const dictionaries = back.batches.map((b) => b.getChild('dict8')!.data[0]!.dictionary);
    expect(new Set(dictionaries).size).toBe(1);
    expect(Array.from(dictionaries[0]!)).toEqual(['a', 'bb', 'ccc']);
    const ids = back.schema.fields.flatMap((f) => (f.type instanceof Dictionary ? [f.type.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('written again with the input columns, the file is the same Parquet and the same Arrow types', async () => {
    const first = await readParquet(path);
    const again = join(dir, 'again.parquet');
    writeFileSync(again, await writeParquet(first.schema, first.batches, { parquetColumns: first.parquetColumns }));
    const second = await readParquet(again);
    expect([...second.parquetColumns]).toEqual([...first.parquetColumns]);
    expect(describeFields(second.schema)).toEqual(describeFields(first.schema));
  });
});

describe('a stored type that does not fit the Parquet column', () => {
  const dir = tempDir();
  /** A DuckDB-written file whose ARROW:schema is `schema`. */
  async function withStoredSchema(name: string, select: string, schema: Schema): Promise<string> {
    const path = join(dir, name);
    const db = await duckdb();
    await db.run(`COPY (${select}) TO '${path}' (FORMAT parquet, KV_METADATA {'ARROW:schema': '${encodeArrowSchema(schema)}'})`);
    return path;
  }

  test('is ignored for that column only', async () => {
    const stored = new Schema([
      field('s', new Int64()), field('d', new DurationSecond()), field('l', new FixedSizeList(2, field('item', new Utf8()))),
      field('n', new List(field('item', new Int32()))), field('m', new Int64()), field('st', new Struct([])),
    ]);
    const select = "SELECT 'x' AS s, 5::BIGINT AS d, ['a', 'b'] AS l, 1 AS n, [1] AS m, {'a': 1} AS st";
    const { schema } = await readParquet(await withStoredSchema('misfit.parquet', select, stored));
    expect(schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual([
      's: Utf8', 'd: Duration<SECOND>', 'l: List<Utf8>', 'n: Int32', 'm: List<Int32>', 'st: Struct<{a:Int32}>',
    ]);
  });

  test('with another number of columns, is ignored', async () => {
    const path = await withStoredSchema('count.parquet', 'SELECT 5::BIGINT AS d, 6::BIGINT AS e', new Schema([field('d', new DurationSecond())]));
    expect(String((await readParquet(path)).schema.fields[0]!.type)).toBe('Int64');
  });

  test('a list of another size than its stored fixed size is a DataError naming the file, column and row', async () => {
    const stored = new Schema([field('l', new FixedSizeList(3, field('item', new Int32())))]);
    const path = await withStoredSchema('size.parquet', 'SELECT [1, 2, 3]::INTEGER[] AS l UNION ALL SELECT NULL UNION ALL SELECT [4, 5]', stored);
    await expect(readParquet(path)).rejects.toThrow(DataError);
    await expect(readParquet(path)).rejects.toThrow(/size\.parquet: corrupt Parquet data in column "l" \(row group 0\): row 2 holds a list of 2 values.*FixedSizeList\[3\]/);
  });

  test('more distinct values than the stored dictionary index type holds is a DataError', async () => {
    const stored = new Schema([field('s', new Dictionary(new Utf8(), new Int8()))]);
    const path = await withStoredSchema('wide.parquet', "SELECT 'v' || i AS s FROM range(200) r(i)", stored);
    await expect(readParquet(path)).rejects.toThrow(/wide\.parquet: unsupported column of 200 distinct values stored as a dictionary with Int8 indices in column "s"/);
  });

  test('seconds that are not whole milliseconds are a DataError', async () => {
    const stored = new Schema([field('t', new TimestampSecond())]);
    const path = await withStoredSchema('unit.parquet', "SELECT TIMESTAMP_MS '2020-01-01 00:00:00.5' AS t", stored);
    await expect(readParquet(path)).rejects.toThrow(/unit\.parquet: corrupt Parquet data in column "t".*not a whole number/);
  });
});

describe('restoreType', () => {
  const leaf = fc.constantFrom<DataType>(
    new Int8(), new Int32(), new Int64(), new Uint32(), new Float16(), new Float32(), new Utf8(), new LargeUtf8(), new LargeBinary(),
    new TimestampSecond('UTC'), new TimestampMillisecond(), new TimeSecond(), new DateMillisecond(), new DurationSecond(), new Decimal(2, 9, 128),
  );
  const { type } = fc.letrec<{ type: DataType }>((tie) => ({
    type: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      tie('type').map((t) => new List(field('item', t))),
      tie('type').map((t) => new LargeList(field('item', t))),
      fc.tuple(fc.nat(4), tie('type')).map(([n, t]) => new FixedSizeList(n, field('item', t))),
      fc.array(tie('type'), { maxLength: 3 }).map((ts) => new Struct(ts.map((t, i) => field(`f${i}`, t)))),
      tie('type').map((t) => new Map_(new Field('entries', new Struct([field('key', new Utf8(), false), field('value', t)]), false) as never)),
      fc.constantFrom(new Int8(), new Uint32()).map((indices) => new Dictionary(new Utf8(), indices)),
    ),
  }));

  test('never throws for any pair of types (a stored schema can say anything)', () => {
    fc.assert(
      fc.property(type, type, (natural, stored) => {
        const restore = restoreType(natural, stored, () => 0);
        if (restore) expect(restore.type.typeId).toBe(stored.typeId);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
