/**
 * The generic Thrift tree keeps every field and gives back the bytes it was
 * parsed from: built structs of every type and header form, then every
 * footer (FileMetaData), ColumnIndex, OffsetIndex and bloom filter header of
 * the files under fixtures/ and of files DuckDB and Polars write. The raw
 * footer finds row groups and column chunks without parsing the rest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ByteWriter } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CorruptParquet } from '../../../src/io/parquet/faults.js';
import { RawFooter } from '../../../src/io/parquet/raw-footer.js';
import { CompactType, CompactWriter } from '../../../src/io/parquet/thrift-write.js';
import { ThriftType as T } from '../../../src/io/parquet/thrift-read.js';
import { parseThriftStruct, ThriftDouble, ThriftList, ThriftMap, ThriftStruct } from '../../../src/io/parquet/thrift-tree.js';
import { encodeThriftStruct } from '../../../src/io/parquet/thrift-tree-write.js';
import { ROOT } from '../../helpers/cli.js';
import { pl, polarsTable, writePolarsParquet } from '../../helpers/polars-table.js';
import { duckdb, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const hex = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString('hex');

/** Parses and re-serializes; the bytes must come back. */
function roundTrip(bytes: Uint8Array, what = 'struct'): ThriftStruct {
  const struct = parseThriftStruct(bytes, what);
  expect(hex(encodeThriftStruct(struct)), what).toBe(hex(bytes));
  return struct;
}

describe('built structs', () => {
  test('every type, both field header forms, long and short list headers, nested structs, fields of no known meaning', () => {
    const s = roundTrip(Uint8Array.of(
      0x13, 0xff, // 1: i8 -1
      0x14, 0x03, // 2: i16 -2
      0x15, 0xfe, 0xff, 0xff, 0xff, 0x0f, // 3: i32 2^31 - 1
      0x16, ...new Array<number>(9).fill(0xff), 0x01, // 4: i64 -2^63
      0x17, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, // 5: double NaN
      0x07, 0x0c, 1, 2, 3, 4, 5, 6, 0xf7, 0x7f, // 6, in the long form: a NaN with a payload
      0x18, 3, 0x61, 0x62, 0x63, // 7: binary "abc"
      0x19, 0x21, 1, 2, // 8: list<bool> [true, false]
      0x19, 0xf5, 2, 2, 4, // 9: list<i32> [1, 2], its size in the long form
      0x1a, 0x16, 0x02, // 10: set<i64> {1}
      0x1b, 0x02, 0x58, 0x05, 0x01, 0x78, 0x02, 0x01, 0x79, // 11: map<i32, binary> {-3: "x", 1: "y"}
      0x1c, 0x11, 0x15, 0x04, 0x00, // 12: struct { 1: true, 2: i32 2 }
      0x1b, 0x00, // 13: empty map
      0x1d, ...Array.from({ length: 16 }, (_, k) => k), // 14: uuid
      0x0c, 0xc8, 0x01, 0x00, // 100 (long header): empty struct
      0x12, // 101: false
      0x00,
    ));
    expect(s.fields.map((f) => f.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 100, 101]);
    expect(s.fields.map((f) => f.type)).toEqual([T.BYTE, T.I16, T.I32, T.I64, T.DOUBLE, T.DOUBLE, T.BINARY, T.LIST, T.LIST, T.SET, T.MAP, T.STRUCT, T.MAP, T.UUID, T.STRUCT, T.FALSE]);
    expect([1, 2, 3, 4].map((id) => s.get(id))).toEqual([-1, -2, 2 ** 31 - 1, -(2n ** 63n)]);
    expect(s.field(6)!.longHeader).toBe(true);
    expect(hex((s.get(6) as ThriftDouble).bytes)).toBe('010203040506f77f');
    expect((s.get(8) as ThriftList).items).toEqual([true, false]);
    expect((s.get(9) as ThriftList).longHeader).toBe(true);
    expect(s.struct(12)!.fields.map((f) => f.value)).toEqual([true, 2]);
    expect(s.get(101)).toBe(false);
  });

  test('values read as their types, i64 exactly, doubles as their bytes', () => {
    const s = roundTrip(
      Uint8Array.of(0x16, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x16, 0xd8, 0x04, 0x17, 1, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0x18, 2, 0x68, 0x69, 0x11, 0x22, 0),
    );
    expect(s.get(1)).toBe(2n ** 63n - 1n);
    expect(s.get(2)).toBe(300n);
    expect(s.get(3)).toBeInstanceOf(ThriftDouble);
    expect(Number.isNaN((s.get(3) as ThriftDouble).value)).toBe(true);
    expect(hex((s.get(3) as ThriftDouble).bytes)).toBe('010000000000f87f');
    expect(new TextDecoder().decode(s.get(4) as Uint8Array)).toBe('hi');
    expect(s.get(5)).toBe(true);
    expect(s.get(7)).toBe(false);
    expect(s.integer(2)).toBe(300n);
    expect(s.integer(4)).toBeUndefined();
  });

  test('headers in the long form where a delta fits, and lists of under 15 elements with a varint size, stay so', () => {
    // Field 1 as type byte + zigzag id; a list of 2 i32s with its size after 0xf5.
    const s = roundTrip(Uint8Array.of(0x05, 0x02, 0x04, 0x19, 0xf5, 0x02, 0x02, 0x04, 0x05, 0xc8, 0x01, 0x00, 0x00));
    expect(s.fields.map((f) => [f.id, f.longHeader ?? false])).toEqual([[1, true], [2, false], [100, false]]);
    expect((s.get(2) as ThriftList).items).toEqual([1, 2]);
  });

  test('boolean elements: 1 for true, and false as 2 (Thrift) or 0 (other writers); sets, maps, UUIDs, empty maps', () => {
    const thrift = roundTrip(Uint8Array.of(0x19, 0x31, 1, 2, 2, 0));
    expect((thrift.get(1) as ThriftList).items).toEqual([true, false, false]);
    const other = roundTrip(Uint8Array.of(0x19, 0x31, 0, 1, 0, 0));
    expect((other.get(1) as ThriftList).items).toEqual([false, true, false]);
    const map = roundTrip(Uint8Array.of(0x1b, 0x02, 0x58, 0x05, 0x01, 0x78, 0x02, 0x01, 0x79, 0x1b, 0x00, 0x1a, 0x16, 0x02, 0x1d, ...new Array<number>(16).fill(7), 0));
    const entries = (map.get(1) as ThriftMap).entries;
    expect(entries.map(([k, v]) => [k, new TextDecoder().decode(v as Uint8Array)])).toEqual([[-3, 'x'], [1, 'y']]);
    expect((map.get(2) as ThriftMap).entries).toEqual([]);
    expect((map.get(3) as ThriftList).isSet).toBe(true);
    expect(map.get(4)).toEqual(new Uint8Array(16).fill(7));
  });

  test('set() replaces a field or inserts it in id order, delete() removes it, clone() is deep', () => {
    const s = roundTrip(Uint8Array.of(0x15, 0x02, 0x36, 0x04, 0x1c, 0x15, 0x06, 0x00, 0x00));
    const copy = s.clone();
    copy.set(2, T.I64, 7n);
    copy.set(1, T.I32, 5);
    copy.struct(5)!.set(1, T.I32, 9);
    expect(copy.delete(4)).toBe(true);
    expect(copy.delete(4)).toBe(false);
    expect(hex(encodeThriftStruct(copy))).toBe(hex([0x15, 0x0a, 0x16, 0x0e, 0x3c, 0x15, 0x12, 0x00, 0x00]));
    expect(hex(encodeThriftStruct(s))).toBe(hex([0x15, 0x02, 0x36, 0x04, 0x1c, 0x15, 0x06, 0x00, 0x00]));
  });

  test('what CompactWriter (bn1d) writes comes back; wrong value types and broken bytes are refused', () => {
    const out = new ByteWriter();
    const w = new CompactWriter(out);
    w.message(() => {
      w.list(1, CompactType.TRUE, [true, false], w.element.bool);
      w.i64(20, 2n ** 40n);
      w.struct(21, () => w.binary(1, 'x'));
    });
    roundTrip(out.getBytes());
    const bad = new ThriftStruct([{ id: 1, type: T.I64, value: 1 }]);
    expect(() => encodeThriftStruct(bad)).toThrow(TypeError);
    for (const broken of [[0x15], [0x18, 5, 1], [0x19, 0x35, 1], [0x1e, 0], [0x16, ...new Array<number>(11).fill(0xff)]]) {
      expect(() => parseThriftStruct(Uint8Array.from(broken), 'broken')).toThrow(CorruptParquet);
    }
    let deep = [0x00];
    for (let k = 0; k < 40; k++) deep = [0x1c, ...deep, 0x00];
    expect(() => parseThriftStruct(Uint8Array.from(deep), 'deep')).toThrow(/nests over/);
  });
});

/** Every .parquet file below a folder. */
function parquetFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? parquetFiles(path) : name.endsWith('.parquet') ? [path] : [];
  });
}

/** The FileMetaData bytes of a file. */
function footerBytes(bytes: Uint8Array): { metadata: Uint8Array; offset: number } {
  const length = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(bytes.length - 8);
  const offset = bytes.length - 8 - length;
  return { metadata: bytes.subarray(offset, bytes.length - 8), offset };
}

/** Round-trips the footer, every column chunk through RawFooter, and every page index and bloom filter header. */
function checkFile(path: string): { pageIndexes: number; bloomFilters: number } {
  const bytes = new Uint8Array(readFileSync(path));
  const { metadata, offset } = footerBytes(bytes);
  const file = roundTrip(metadata, `${path}: footer`);
  const raw = new RawFooter(metadata, offset);
  const groups = file.get(4) instanceof ThriftList ? (file.get(4) as ThriftList).items : [];
  expect(raw.rowGroupCount).toBe(groups.length);
  let pageIndexes = 0;
  let bloomFilters = 0;
  groups.forEach((group, g) => {
    const columns = ((group as ThriftStruct).get(1) as ThriftList).items as ThriftStruct[];
    expect(raw.columnCount(g)).toBe(columns.length);
    columns.forEach((column, k) => {
      expect(hex(raw.columnChunkBytes(g, k))).toBe(hex(encodeThriftStruct(column)));
      expect(raw.columnChunk(g, k)).toEqual(column);
      for (const [at, length] of [[4, 5], [6, 7]] as const) {
        const from = column.integer(at);
        const size = column.integer(length);
        if (from === undefined || size === undefined) continue;
        roundTrip(bytes.subarray(Number(from), Number(from + size)), `${path}: page index ${g}/${k}`);
        pageIndexes++;
      }
      const bloom = column.struct(3)?.integer(14);
      if (bloom !== undefined) {
        const header = parseThriftStruct(bytes, `${path}: bloom filter header`, Number(bloom));
        const encoded = encodeThriftStruct(header);
        expect(hex(bytes.subarray(Number(bloom), Number(bloom) + encoded.length))).toBe(hex(encoded));
        bloomFilters++;
      }
    });
  });
  return { pageIndexes, bloomFilters };
}

describe('real footers, page indexes and bloom filter headers', () => {
  const fixtures = parquetFiles(join(ROOT, 'fixtures'));

  test('fixtures/ holds the files of the other tests, some with page indexes and bloom filters', () => {
    expect(fixtures.length).toBeGreaterThan(70);
  });

  test.each(fixtures.map((path) => relative(ROOT, path)))('%s', (path) => {
    expect(() => checkFile(join(ROOT, path))).not.toThrow();
  });

  test('the fixtures hold page indexes and bloom filters (with and without their length)', () => {
    const totals = fixtures.map(checkFile).reduce((a, b) => ({ pageIndexes: a.pageIndexes + b.pageIndexes, bloomFilters: a.bloomFilters + b.bloomFilters }));
    expect(totals.pageIndexes).toBeGreaterThan(100);
    expect(totals.bloomFilters).toBeGreaterThan(2);
  });
});

describe('footers DuckDB and Polars write', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  test.each(['zstd', 'snappy', 'uncompressed'])('DuckDB, %s, several row groups, bloom filters, nested columns', async (codec) => {
    const path = join(dir, `duck-${codec}.parquet`);
    const db = await duckdb();
    await db.run(`COPY (SELECT i, 'v' || (i % 13) AS s, CASE WHEN i % 3 = 0 THEN NULL ELSE i / 7 END AS d, [i, NULL] AS l, {'a': i % 5, 'b': 'x' || (i % 4)} AS st,
      MAP {'k' || (i % 3): i} AS m FROM range(20000) r(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 6000, COMPRESSION ${codec})`);
    // DuckDB writes bloom filters for dictionary-encoded columns, and no page indexes.
    expect(checkFile(path).bloomFilters).toBeGreaterThan(0);
  });

  test.each([undefined, 1000])('Polars, row groups of %s rows, page indexes', (rowGroupSize) => {
    const path = join(dir, `polars-${rowGroupSize}.parquet`);
    writePolarsParquet(polarsTable(3000), path, 'zstd', rowGroupSize);
    expect(checkFile(path).pageIndexes).toBeGreaterThan(0);
    expect(pl.readParquet(readFileSync(path)).height).toBe(3000);
  });
});
