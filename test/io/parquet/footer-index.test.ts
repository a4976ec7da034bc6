/**
 * The footer as bn1d keeps it (footer.ts, footer-index.ts): its row groups
 * walked in the stored bytes and kept as numbers, a row group's metadata
 * parsed alone when asked for. Both are held against hyparquet's parse of
 * the whole footer, for files of DuckDB, Polars, pyarrow, parquet-mr and
 * others; and each check of a row group against the schema fails with its
 * message on a footer edited to break it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FileMetaData, parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { openFileRange } from '../../../src/io/files/file-range.js';
import { CHUNK, FILE, GROUP, META } from '../../../src/io/parquet/footer-fields.js';
import { chunkRange, type Footer, readFooter } from '../../../src/io/parquet/footer.js';
import { ThriftType } from '../../../src/io/parquet/thrift-read.js';
import { ThriftList, parseThriftStruct, type ThriftStruct } from '../../../src/io/parquet/thrift-tree.js';
import { encodeThriftStruct } from '../../../src/io/parquet/thrift-tree-write.js';
import { pl } from '../../helpers/polars-table.js';
import { duckdb, PARQUET_TESTING, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const dir = tempDir();

async function footerOf(path: string): Promise<Footer> {
  const file = await openFileRange(path);
  try {
    return await readFooter(file, path.split('/').pop()!);
  } finally {
    await file.close();
  }
}

/** Asserts that `footer` holds what hyparquet parses from the whole footer of the file at `path`. */
function expectAsHyparquet(footer: Footer, path: string): void {
  const full: FileMetaData = parquetMetadata(new Uint8Array(readFileSync(path)).buffer, { geoparquet: false });
  const { row_groups: groups, ...rest } = full;
  expect(footer.metadata).toEqual(rest);
  const { index } = footer;
  expect(index.rowGroupCount).toBe(groups.length);
  groups.forEach((group, g) => {
    expect(footer.rowGroup(g), `row group ${g}`).toEqual(group);
    expect(index.rows(g)).toBe(Number(group.num_rows));
    expect(index.compressedBytes(g)).toBe(Number(group.total_compressed_size ?? group.total_byte_size ?? 0));
    expect(index.byteSize(g)).toBe(Number(group.total_byte_size ?? 0));
    expect(index.leaves).toBe(group.columns.length);
    group.columns.forEach((chunk, leaf) => {
      expect(index.chunkRange(g, leaf), `row group ${g}, chunk ${leaf}`).toEqual(chunkRange(chunk));
      expect(index.dataPageOffset(g, leaf)).toBe(Number(chunk.meta_data!.data_page_offset));
      expect(index.codec(g, leaf)).toBe(chunk.meta_data!.codec);
    });
  });
}

describe('the row groups as numbers, and each alone as hyparquet parses it', () => {
  test('DuckDB, in row groups of 1,000 rows, with and without dictionaries', async () => {
    const db = await duckdb();
    for (const options of ['', ', DICTIONARY_SIZE_LIMIT 1, COMPRESSION zstd']) {
      const path = join(dir, `duckdb${options ? '-plain' : ''}.parquet`);
      await db.run(`COPY (SELECT i, i / 3 AS x, CASE WHEN i % 4 = 0 THEN NULL ELSE [i, i + 1] END AS l, 'row ' || i AS s FROM range(20000) r(i))
        TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 1000${options})`);
      const footer = await footerOf(path);
      expect(footer.index.rowGroupCount).toBeGreaterThan(5);
      expectAsHyparquet(footer, path);
    }
  });

  test('Polars, in row groups of 700 rows', async () => {
    const path = join(dir, 'polars.parquet');
    const n = 5000;
    pl.DataFrame({ x: Array.from({ length: n }, (_, i) => i / 7), s: Array.from({ length: n }, (_, i) => `v${i % 13}`) })
      .lazy().sinkParquet(path, { rowGroupSize: 700, compression: 'snappy' }).collectSync();
    const footer = await footerOf(path);
    expect(footer.index.rowGroupCount).toBeGreaterThan(5);
    expectAsHyparquet(footer, path);
  });

  test('every file of parquet-testing and the UCI tables that bn1d opens', async () => {
    const paths = [
      ...readdirSync(PARQUET_TESTING).filter((name) => name.endsWith('.parquet')).map((name) => join(PARQUET_TESTING, name)),
      ...readdirSync(join(PARQUET_TESTING, 'bad_data')).map((name) => join(PARQUET_TESTING, 'bad_data', name)),
      ...['wine', 'digits'].map((name) => join(PARQUET_TESTING, '../../real', `${name}.parquet`)),
    ];
    let opened = 0;
    for (const path of paths) {
      let footer: Footer;
      try {
        footer = await footerOf(path);
      } catch (error) {
        expect(error, path).toBeInstanceOf(DataError);
        continue;
      }
      expectAsHyparquet(footer, path);
      opened++;
    }
    expect(opened).toBeGreaterThan(60);
  });
});

/** A file of 2 row groups of columns x (DOUBLE) and y (INT64). */
function twoGroups(): Uint8Array {
  const rows = 10;
  return new Uint8Array(parquetWriteBuffer({
    rowGroupSize: 5,
    columnData: [
      { name: 'x', data: Float64Array.from({ length: rows }, (_, i) => i / 2), type: 'DOUBLE' },
      { name: 'y', data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i)), type: 'INT64' },
    ],
  }));
}

/** `bytes` with its FileMetaData edited by `edit`. */
function withFooter(bytes: Uint8Array, edit: (metadata: ThriftStruct) => void): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
  const start = bytes.length - 8 - length;
  const metadata = parseThriftStruct(bytes, 'footer', start, bytes.length - 8);
  edit(metadata);
  const encoded = encodeThriftStruct(metadata);
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, encoded.length, true);
  tail.set([0x50, 0x41, 0x52, 0x31], 4);
  return Buffer.concat([bytes.subarray(0, start), encoded, tail]);
}

const list = (metadata: ThriftStruct, id: number) => metadata.get(id) as ThriftList;
const group = (metadata: ThriftStruct, g: number) => list(metadata, FILE.ROW_GROUPS).items[g] as ThriftStruct;
const chunk = (metadata: ThriftStruct, g: number, leaf: number) => list(group(metadata, g), GROUP.COLUMNS).items[leaf] as ThriftStruct;
const meta = (metadata: ThriftStruct, g: number, leaf: number) => chunk(metadata, g, leaf).struct(CHUNK.META_DATA)!;
const { I32, I64, BINARY, LIST, STRUCT } = ThriftType;

describe('each check of a row group, on a footer edited to fail it', () => {
  const cases: [string, (metadata: ThriftStruct) => void, string][] = [
    ['no row group list', (m) => m.delete(FILE.ROW_GROUPS), 'corrupt Parquet footer'],
    ['no column list', (m) => group(m, 1).delete(GROUP.COLUMNS), 'corrupt Parquet footer: row group 1 has no column list'],
    ['an encrypted chunk', (m) => chunk(m, 1, 1).set(CHUNK.CRYPTO_METADATA, STRUCT, parseThriftStruct(new Uint8Array([0]), 'empty')), 'encrypted Parquet is not supported'],
    ['no row count', (m) => group(m, 1).delete(GROUP.NUM_ROWS), 'corrupt Parquet footer: row group 1 has undefined rows'],
    ['a negative row count', (m) => group(m, 1).set(GROUP.NUM_ROWS, I64, -1n), 'corrupt Parquet footer: row group 1 has -1 rows'],
    ['2^31 rows', (m) => group(m, 1).set(GROUP.NUM_ROWS, I64, 2n ** 31n), 'corrupt Parquet footer: row group 1 has 2147483648 rows'],
    ['a chunk too few', (m) => list(group(m, 1), GROUP.COLUMNS).items.pop(), 'corrupt Parquet footer: row group 1 has 1 column chunks for 2 columns'],
    ['a chunk without metadata', (m) => chunk(m, 1, 1).delete(CHUNK.META_DATA), 'corrupt Parquet footer: row group 1 has no metadata for column y'],
    ['a chunk in another file', (m) => chunk(m, 1, 1).set(CHUNK.FILE_PATH, BINARY, new TextEncoder().encode('other.parquet')),
      'column y is stored in another file (other.parquet), which is not supported'],
    ['another path', (m) => meta(m, 1, 1).set(META.PATH_IN_SCHEMA, LIST, new ThriftList(BINARY, [new TextEncoder().encode('z')])),
      'corrupt Parquet footer: row group 1 column chunk 1 is z (INT64), the schema says y'],
    ['another type', (m) => meta(m, 1, 1).set(META.TYPE, I32, 5), 'corrupt Parquet footer: row group 1 column chunk 1 is y (DOUBLE), the schema says y'],
    ['a type parquet.thrift does not name', (m) => meta(m, 1, 1).set(META.TYPE, I32, 9), 'corrupt Parquet footer: row group 1 column chunk 1 is y (undefined), the schema says y'],
    ['pages past the footer', (m) => meta(m, 1, 1).set(META.TOTAL_COMPRESSED_SIZE, I64, 10_000n), 'corrupt Parquet footer: row group 1 column y lies outside the file'],
    ['no size', (m) => meta(m, 1, 1).delete(META.TOTAL_COMPRESSED_SIZE), 'corrupt Parquet footer: row group 1 column y lies outside the file'],
    ['a negative count of values', (m) => meta(m, 1, 1).set(META.NUM_VALUES, I64, -3n), 'corrupt Parquet footer: row group 1 column y has -3 values'],
  ];
  test.each(cases)('%s', async (name, edit, message) => {
    const path = join(dir, `${name}.parquet`);
    writeFileSync(path, withFooter(twoGroups(), edit));
    await expect(footerOf(path)).rejects.toThrow(new DataError(`${name}.parquet: ${message}`));
  });

  test('the edits are all that fails: the footer written back unedited reads, and as hyparquet reads it', async () => {
    const path = join(dir, 'unedited.parquet');
    writeFileSync(path, withFooter(twoGroups(), () => undefined));
    expectAsHyparquet(await footerOf(path), path);
  });

  test('a footer cut inside its row groups', async () => {
    const bytes = twoGroups();
    const length = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
    const cut = Buffer.concat([bytes.subarray(0, bytes.length - 8 - 30), new Uint8Array(8)]);
    new DataView(cut.buffer, cut.byteOffset).setUint32(cut.length - 8, length - 30, true);
    cut.set([0x50, 0x41, 0x52, 0x31], cut.length - 4);
    const path = join(dir, 'cut-footer.parquet');
    writeFileSync(path, cut);
    await expect(footerOf(path)).rejects.toThrow(/^cut-footer\.parquet: corrupt Parquet footer: FileMetaData ends early$/);
  });

  test('fields in any order: the row groups before the schema, the row count last', async () => {
    const path = join(dir, 'reordered.parquet');
    writeFileSync(path, withFooter(twoGroups(), (m) => {
      const order = [FILE.ROW_GROUPS, FILE.SCHEMA, FILE.VERSION, FILE.NUM_ROWS];
      m.fields.sort((a, b) => (order.indexOf(a.id as never) + 1 || 99) - (order.indexOf(b.id as never) + 1 || 99));
    }));
    const footer = await footerOf(path);
    expect(footer.index.rowGroupCount).toBe(2);
    expectAsHyparquet(footer, path);
  });
});
