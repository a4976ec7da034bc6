/**
 * Columns of numbers and lists of numbers read in pieces from files DuckDB,
 * Polars and hyparquet-writer write in each of their layouts (DATA_PAGE v1
 * and v2, dictionary, plain, delta and byte stream split encodings, snappy,
 * zstd or uncompressed, small pages, nulls at both levels of a list, 3- and
 * 2-level lists, the stored Arrow types of ARROW:schema), and from list
 * columns whose v1 pages start in the middle of rows: the pieces one after
 * another are readChunk's column, bit for bit, however small the pieces,
 * and so they are with every page larger than a piece read in parts
 * (page-stream.ts) from blocks of a few bytes, or with a window that most
 * SNAPPY streams copy from beyond.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal, Field, FixedSizeList, Float32, Float64, Int32, LargeList, List, Schema, Table, Uint16, Uint64, vectorFromArray } from 'apache-arrow';
import { parquetMetadata, type SchemaElement } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { encodeArrowSchema } from '../../../src/io/parquet/arrow-schema.js';
import { openParquet } from '../../../src/io/parquet/read.js';
import { pl } from '../../helpers/polars-table.js';
import { duckdb, removeTempDirs, tempDir, writeParquet } from './helpers.js';
import { expectSameColumn, piecesOf, readsInPieces, STREAMED } from './pieces-compare.js';
import { splitIntoV1Pages } from './split-pages.js';
import { walkPages } from './page-walk.js';

afterAll(removeTempDirs);

const dir = tempDir();
const TARGETS = [8, 100, 4096, undefined];
/** Targets at which pages are also read in parts: the smallest (parts inside pages) and the default (pages inside parts). */
const STREAMED_AT = new Set([TARGETS[0], undefined]);

/** Compares every column of numbers of every chunk at every target; returns how many pieces the smallest target gave. */
async function comparePieces(path: string, columns?: string[]): Promise<number> {
  const reader = await openParquet(path, path.split('/').pop()!);
  let smallest = 0;
  try {
    const names = columns ?? reader.schema.fields.filter((f) => readsInPieces(f.type)).map((f) => f.name);
    expect(names.length).toBeGreaterThan(0);
    for (let k = 0; k < reader.chunkCount; k++) {
      for (const name of names) {
        const whole = (await reader.readChunk(k, [name])).data.children[0]!;
        for (const target of TARGETS) {
          const pieces = await piecesOf(reader, k, name, target);
          expectSameColumn(pieces, whole, `${path} chunk ${k} column ${name} at ${target ?? 'default'} bytes`);
          if (target === TARGETS[0]) smallest += pieces.length;
          for (const [how, sizes] of STREAMED_AT.has(target) ? STREAMED : []) {
            expectSameColumn(await piecesOf(reader, k, name, target, sizes), whole, `${path} chunk ${k} column ${name} at ${target ?? 'default'} bytes, ${how}`);
          }
        }
      }
    }
  } finally {
    await reader.close();
  }
  return smallest;
}

/** Page types and value encodings of a file's data pages. */
async function pageKinds(path: string): Promise<Set<string>> {
  const { chunks } = await walkPages(path);
  const kinds = new Set<string>();
  for (const chunk of chunks) {
    for (const { header } of chunk.pages) {
      const encoding = header.data_page_header?.encoding ?? header.data_page_header_v2?.encoding;
      kinds.add(encoding ? `${header.type} ${encoding}` : header.type);
    }
  }
  return kinds;
}

const DUCK_SELECT = `SELECT
  CASE WHEN i % 7 = 3 THEN NULL ELSE (i % 256 - 128)::TINYINT END AS i8,
  (65535 - i)::USMALLINT AS u16,
  (i * 7919 % 1000 - 500)::INTEGER AS i32,
  CASE WHEN i % 5 = 0 THEN NULL ELSE (i - 2500)::BIGINT * 1234567890123 END AS i64,
  18446744073709551615 - i::UBIGINT AS u64,
  CASE i % 6 WHEN 0 THEN 'nan'::FLOAT WHEN 3 THEN NULL ELSE (i / 3)::FLOAT END AS f32,
  CASE WHEN i % 9 = 1 THEN NULL ELSE i / 7 END AS f64,
  (i % 5)::DOUBLE AS low,
  ((i % 100 - 50) * 1.25)::DECIMAL(4, 2) AS dec4,
  ((i - 2500) * 1234567.123456)::DECIMAL(18, 6) AS dec18,
  ((i - 2500)::VARCHAR || '2345678901234567.1234567891')::DECIMAL(38, 10) AS dec38,
  CASE WHEN i % 11 = 0 THEN NULL ELSE list_transform(range(16), k -> CASE WHEN (i + k) % 13 = 0 THEN NULL ELSE (i + k / 16)::FLOAT END) END::FLOAT[16] AS arr,
  CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN [] ELSE list_transform(range(i % 9), k -> CASE WHEN k = 3 THEN NULL ELSE (i * 1.5 + k)::DOUBLE END) END AS lst,
  CASE WHEN i % 5 = 2 THEN NULL ELSE [(i * 0.25)::DECIMAL(9, 2), NULL] END AS ld,
  CASE WHEN i % 4 = 0 THEN NULL ELSE [i % 3, NULL, -i]::INTEGER[] END AS li,
  'text ' || i AS s
  FROM range(5000) r(i)`;

/** The Arrow types pyarrow would store for DuckDB's table: unsigned, fixed-size and large lists. */
const DUCK_STORED = new Schema([
  new Field('i8', new Int32()), new Field('u16', new Uint16()), new Field('i32', new Int32()), new Field('i64', new Float64()),
  new Field('u64', new Uint64()), new Field('f32', new Float32()), new Field('f64', new Float64()), new Field('low', new Float64()),
  new Field('dec4', new Decimal(2, 4, 128)), new Field('dec18', new Decimal(6, 18, 128)), new Field('dec38', new Decimal(10, 38, 128)),
  new Field('arr', new FixedSizeList(16, new Field('element', new Float32()))),
  new Field('lst', new LargeList(new Field('element', new Float64()))),
  new Field('ld', new FixedSizeList(2, new Field('element', new Decimal(2, 9, 128)))),
  new Field('li', new LargeList(new Field('element', new Int32()))),
  new Field('s', new Int32()),
]);

describe('DuckDB', () => {
  const layouts: [string, string][] = [
    ['v1 dictionary snappy', ''],
    ['v1 plain snappy', ', DICTIONARY_SIZE_LIMIT 1'],
    ['v1 plain zstd', ', DICTIONARY_SIZE_LIMIT 1, COMPRESSION zstd'],
    ['v1 plain uncompressed', ', DICTIONARY_SIZE_LIMIT 1, COMPRESSION uncompressed'],
    ['v2 encodings (RLE dictionary, delta, byte stream split), snappy', ', PARQUET_VERSION V2'],
    ['v2 encodings without dictionaries, zstd', ', PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 1, COMPRESSION zstd'],
    ['v1 with stored Arrow types', `, KV_METADATA {'ARROW:schema': '${encodeArrowSchema(DUCK_STORED)}'}`],
  ];
  test.each(layouts)('%s', async (name, options) => {
    const path = join(dir, `duckdb ${name}.parquet`);
    const db = await duckdb();
    await db.run(`COPY (${DUCK_SELECT}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048${options})`);
    expect(await comparePieces(path)).toBeGreaterThan(3 * 14 * 20);
    // DuckDB writes one DATA_PAGE (v1) per column chunk (up to 100 MB), whatever the format version: many pieces of one page.
    const kinds = await pageKinds(path);
    if (name.startsWith('v2')) expect(kinds).toContain('DATA_PAGE BYTE_STREAM_SPLIT');
    if (name.startsWith('v2')) expect(kinds).toContain('DATA_PAGE DELTA_BINARY_PACKED');
    if (name.includes('RLE dictionary')) expect(kinds).toContain('DATA_PAGE RLE_DICTIONARY');
    if (name.startsWith('v1 dictionary')) expect(kinds).toContain('DATA_PAGE PLAIN_DICTIONARY');
    if (name.includes('stored')) {
      const reader = await openParquet(path, name);
      const types = Object.fromEntries(reader.schema.fields.map((f) => [f.name, String(f.type)]));
      await reader.close();
      expect(types).toMatchObject({ u64: 'Uint64', arr: 'FixedSizeList[16]<Float32>', lst: 'LargeList<Float64>', li: 'LargeList<Int32>', ld: 'FixedSizeList[2]<Decimal[9e+2]>' });
    }
  });
});

/** Polars' frame: numbers of every width (a low-cardinality one Polars dictionary-encodes), and lists with nulls at both levels. */
function polarsFrame(rows: number): pl.DataFrame {
  const at = <T>(f: (i: number) => T) => Array.from({ length: rows }, (_, i) => f(i));
  return pl.DataFrame([
    pl.Series('i8', at((i) => (i % 7 === 3 ? null : (i % 256) - 128)), pl.Int8),
    pl.Series('u32', at((i) => 4_294_967_295 - i), pl.UInt32),
    pl.Series('low', at((i) => (i % 11 === 0 ? null : i % 5)), pl.Int32),
    pl.Series('i64', at((i) => (i % 5 === 0 ? null : BigInt(i) * 1_000_000_007n)), pl.Int64),
    pl.Series('f32', at((i) => i / 8), pl.Float32),
    pl.Series('f64', at((i) => (i % 6 === 0 ? null : Math.sin(i))), pl.Float64),
    pl.Series('dec', at((i) => (i % 4 === 0 ? null : (i % 2000) / 4 - 100)), pl.Float64).cast(pl.Decimal(12, 2)),
    pl.Series('li', at((i) => (i % 6 === 0 ? null : Array.from({ length: i % 9 }, (_, k) => (k % 4 === 1 ? null : i + k / 4)))), pl.List(pl.Float64)),
    pl.Series('fsl', at((i) => (i % 5 === 0 ? null : Array.from({ length: 16 }, (_, k) => ((i + k) % 13 === 0 ? null : i + k / 16)))), pl.FixedSizeList(pl.Float32, 16)),
    pl.Series('lu', at((i) => (i % 3 === 0 ? [] : [i % 7, i % 3])), pl.List(pl.UInt16)),
  ]);
}

describe('Polars, in small pages', () => {
  const layouts: ['snappy' | 'zstd' | 'uncompressed', number][] = [['snappy', 1024], ['zstd', 4096], ['uncompressed', 512]];
  test.each(layouts)('%s, pages of %i bytes', async (compression, dataPagesizeLimit) => {
    const path = join(dir, `polars ${compression}.parquet`);
    polarsFrame(6000).lazy().sinkParquet(path, { compression, dataPagesizeLimit, rowGroupSize: 4000 }).collectSync();
    const { chunks } = await walkPages(path);
    expect(Math.min(...chunks.map((c) => c.pages.length)), 'pages per chunk').toBeGreaterThan(2);
    expect([...await pageKinds(path)].some((k) => k.includes('DICTIONARY'))).toBe(true);
    expect(await comparePieces(path)).toBeGreaterThan(2 * 10 * 20);
  });
});

describe('hyparquet-writer, in DATA_PAGE_V2 pages of 512 bytes', () => {
  const rows = 3000;
  const at = <T>(f: (i: number) => T) => Array.from({ length: rows }, (_, i) => f(i));
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 3 },
    { name: 'x', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    { name: 'low', type: 'INT32', repetition_type: 'OPTIONAL' },
    { name: 'l', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  ];
  test.each(['SNAPPY', 'UNCOMPRESSED'] as const)('%s', async (codec) => {
    const path = join(dir, `hyparquet ${codec}.parquet`);
    writeFileSync(path, new Uint8Array(parquetWriteBuffer({
      schema, codec, pageSize: 512, rowGroupSize: 2000, columnData: [
        { name: 'x', data: at((i) => (i % 7 === 0 ? null : i / 3)) },
        { name: 'low', data: at((i) => (i % 5 === 0 ? null : i % 4)) },
        { name: 'l', data: at((i) => (i % 6 === 0 ? null : Array.from({ length: i % 5 }, (_, k) => (k === 2 ? null : i + k / 2)))) },
      ],
    })));
    const kinds = await pageKinds(path);
    expect(kinds).toContain('DATA_PAGE_V2 RLE_DICTIONARY');
    expect(kinds).not.toContain('DATA_PAGE PLAIN');
    expect(await comparePieces(path)).toBeGreaterThan(2 * 4 * 20);
  });
});

describe('list columns whose DATA_PAGE (v1) pages start inside rows', () => {
  const cases: [string, (path: string, rows: number) => Promise<void>][] = [
    ['DuckDB FLOAT[16] stored as FixedSizeList', async (path, rows) => {
      const stored = new Schema([new Field('arr', new FixedSizeList(16, new Field('element', new Float32())))]);
      await (await duckdb()).run(`COPY (SELECT arr FROM (${DUCK_SELECT}) LIMIT ${rows}) TO '${path}' (FORMAT parquet, KV_METADATA {'ARROW:schema': '${encodeArrowSchema(stored)}'})`);
    }],
    ['DuckDB DOUBLE[] with null and empty lists', async (path, rows) => {
      await (await duckdb()).run(`COPY (SELECT lst FROM (${DUCK_SELECT}) LIMIT ${rows}) TO '${path}' (FORMAT parquet)`);
    }],
    ['Polars List[f64] stored as LargeList', async (path, rows) => polarsFrame(rows).select('li').writeParquet(path)],
    ['Polars Array[f32, 16]', async (path, rows) => polarsFrame(rows).select('fsl').writeParquet(path)],
    ['bn1d, a legacy 2-level list (a repeated INT32 in a LIST group)', async (path, rows) => {
      const lists = Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : Array.from({ length: i % 7 }, (_, k) => i * 10 + k)));
      const table = new Table({ l: vectorFromArray(lists, new List(new Field('array', new Int32(), false))) });
      const elements: SchemaElement[] = [
        { name: 'l', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'array', type: 'INT32', repetition_type: 'REPEATED' },
      ];
      writeFileSync(path, await writeParquet(table.schema, table.batches, { parquetColumns: new Map([['l', elements]]) }));
      const written = parquetMetadata(new Uint8Array(readFileSync(path)).buffer).schema;
      expect(written.map((e) => `${e.name} ${e.repetition_type} ${e.type}`)).toEqual(['schema undefined undefined', 'l OPTIONAL undefined', 'array REPEATED INT32']);
    }],
  ];
  // Pages of 7 values are cut from fewer rows: each page costs a few reads of the file, thousands of them at every size of piece.
  const cuts = cases.flatMap(([name, write]) => ([[7, 1500], [1000, 5000]] as const).map(([perPage, rows]) => [name, perPage, rows, write] as const));
  test.each(cuts)('%s, cut into pages of %i values (%i rows)', async (name, perPage, rows, write) => {
    const source = join(dir, `${name} ${perPage}.parquet`);
    await write(source, rows);
    const read = async (path: string) => {
      const reader = await openParquet(path, 'x');
      try {
        return (await reader.readChunk(0)).data.children[0]!;
      } finally {
        await reader.close();
      }
    };
    const original = await read(source);
    const cut = join(dir, `${name} cut ${perPage}.parquet`);
    expect(splitIntoV1Pages(source, cut, perPage), 'pages that start inside a row').toBeGreaterThan(perPage === 7 ? 100 : 5);
    expectSameColumn([await read(cut)], original, `${name}: the cut file reads as the original`);
    expect(await comparePieces(cut)).toBeGreaterThan(100);
  });
});
