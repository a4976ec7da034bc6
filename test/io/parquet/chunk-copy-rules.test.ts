/**
 * The rules of a chunk copy, one at a time: which offsets move and by how
 * much, which are left out or kept, path_in_schema following the output's
 * names, the deprecated min and max of unsigned orders, fields nobody knows
 * carried along, what is dropped when a page index or bloom filter cannot be
 * read, what is refused, and when canCopyColumn says no. Broken inputs are
 * made by editing a real footer through the generic tree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { type FileRange, openFileRange } from '../../../src/io/files/file-range.js';
import { appendCopiedChunk, canCopyColumn } from '../../../src/io/parquet/chunk-copy.js';
import { readSourceChunk, type SourceChunk } from '../../../src/io/parquet/chunk-source.js';
import { CHUNK, META } from '../../../src/io/parquet/footer-fields.js';
import { type Footer, readFooter } from '../../../src/io/parquet/footer.js';
import { RawFooter, rawFooterOf } from '../../../src/io/parquet/raw-footer.js';
import { ThriftType as T } from '../../../src/io/parquet/thrift-read.js';
import { parseThriftStruct, ThriftList, ThriftStruct } from '../../../src/io/parquet/thrift-tree.js';
import { encodeThriftStruct } from '../../../src/io/parquet/thrift-tree-write.js';
import { copyParquet } from './chunk-copy-helpers.js';
import { duckDifference, duckdb, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

let dir: string;
let input: string;
beforeAll(async () => {
  dir = tempDir();
  input = join(dir, 'input.parquet');
  const db = await duckdb();
  await db.run(`COPY (SELECT i::INTEGER AS n, 'word ' || (i % 30) AS s, (i % 7)::UINTEGER AS u, uuid() AS id, [i, i + 1] AS l
    FROM range(3000) r(i)) TO '${input}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
});

/** The file's footer as a tree, edited, written back after its pages. */
function editFooter(from: string, to: string, edit: (file: ThriftStruct) => void): void {
  const bytes = readFileSync(from);
  const length = bytes.readUInt32LE(bytes.length - 8);
  const start = bytes.length - 8 - length;
  const file = parseThriftStruct(bytes.subarray(start, bytes.length - 8), 'footer');
  edit(file);
  const footer = encodeThriftStruct(file);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(footer.length);
  writeFileSync(to, Buffer.concat([bytes.subarray(0, start), footer, size, Buffer.from('PAR1')]));
}

/** ColumnChunk `leaf` of row group g of a FileMetaData tree. */
function chunkOf(file: ThriftStruct, g: number, leaf: number): ThriftStruct {
  const group = (file.get(4) as ThriftList).items[g] as ThriftStruct;
  return (group.get(1) as ThriftList).items[leaf] as ThriftStruct;
}

interface Opened {
  file: FileRange;
  footer: Footer;
  raw: RawFooter;
}

async function open(path: string): Promise<Opened> {
  const file = await openFileRange(path);
  const footer = await readFooter(file, path);
  return { file, footer, raw: rawFooterOf(footer) };
}

async function withSource<T>(path: string, g: number, leaf: number, use: (source: SourceChunk, opened: Opened) => T | Promise<T>): Promise<T> {
  const opened = await open(path);
  try {
    return await use(await readSourceChunk(opened.file, opened.raw, g, leaf, path), opened);
  } finally {
    await opened.file.close();
  }
}

const leafPath = (footer: Footer, leaf: number): SchemaElement[] => footer.leafPaths[leaf]!.map((node) => node.element);

/** Appends `source` after `gap` bytes: the output chunk and where its pages went. */
function append(source: SourceChunk, path: readonly SchemaElement[], gap = 1000) {
  const out = new ByteWriter();
  out.appendBytes(new Uint8Array(gap));
  const copied = appendCopiedChunk(out, source, path);
  return { copied, delta: BigInt(gap - source.start), bytes: out.getBytes() };
}

describe('offsets', () => {
  test('those into the pages move by the distance the pages moved; page index and bloom filter places are left to the frame', async () => {
    await withSource(input, 1, 1, (source, { footer }) => {
      const stored = encodeThriftStruct(source.column);
      const { copied, delta, bytes } = append(source, leafPath(footer, 1));
      const before = source.column.struct(CHUNK.META_DATA)!;
      const after = copied.copied.struct(CHUNK.META_DATA)!;
      expect(before.integer(META.DICTIONARY_PAGE_OFFSET)).toBe(BigInt(source.start));
      expect(after.integer(META.DICTIONARY_PAGE_OFFSET)).toBe(before.integer(META.DICTIONARY_PAGE_OFFSET)! + delta);
      expect(after.integer(META.DATA_PAGE_OFFSET)).toBe(before.integer(META.DATA_PAGE_OFFSET)! + delta);
      // DuckDB stores 0 as the chunk's file_offset; 0 stays.
      expect(copied.copied.integer(CHUNK.FILE_OFFSET)).toBe(0n);
      expect(after.field(META.BLOOM_FILTER_OFFSET)).toBeUndefined();
      expect(after.integer(META.BLOOM_FILTER_LENGTH)).toBe(BigInt(source.bloomFilter!.length));
      expect(copied.bloomFilter).toBe(source.bloomFilter);
      expect(copied.totalUncompressedSize).toBe(before.integer(META.TOTAL_UNCOMPRESSED_SIZE));
      expect(Buffer.from(bytes.subarray(1000)).equals(Buffer.from(source.bytes))).toBe(true);
      // Every other field as stored; the source is not changed.
      after.set(META.DICTIONARY_PAGE_OFFSET, T.I64, before.integer(META.DICTIONARY_PAGE_OFFSET)!);
      after.set(META.DATA_PAGE_OFFSET, T.I64, before.integer(META.DATA_PAGE_OFFSET)!);
      after.set(META.BLOOM_FILTER_OFFSET, T.I64, before.integer(META.BLOOM_FILTER_OFFSET)!);
      expect(Buffer.from(encodeThriftStruct(copied.copied)).equals(Buffer.from(stored))).toBe(true);
      expect(Buffer.from(encodeThriftStruct(source.column)).equals(Buffer.from(stored))).toBe(true);
    });
  });

  test('a file_offset at the pages or their end moves, one elsewhere becomes the new start; other offsets elsewhere are left out, 0 kept', async () => {
    await withSource(input, 0, 1, (source, { footer }) => {
      const end = BigInt(source.start + source.bytes.length);
      const edited = (edit: (column: ThriftStruct, meta: ThriftStruct) => void) => {
        const column = source.column.clone();
        edit(column, column.struct(CHUNK.META_DATA)!);
        return append({ ...source, column }, leafPath(footer, 1));
      };
      const atEnd = edited((column) => column.set(CHUNK.FILE_OFFSET, T.I64, end));
      expect(atEnd.copied.copied.integer(CHUNK.FILE_OFFSET)).toBe(end + atEnd.delta);
      const elsewhere = edited((column, meta) => {
        column.set(CHUNK.FILE_OFFSET, T.I64, end + 5n);
        meta.set(META.DICTIONARY_PAGE_OFFSET, T.I64, end + 100n);
        meta.set(META.INDEX_PAGE_OFFSET, T.I64, 3n);
      });
      expect(elsewhere.copied.copied.integer(CHUNK.FILE_OFFSET)).toBe(1000n);
      expect(elsewhere.copied.copied.struct(CHUNK.META_DATA)!.field(META.DICTIONARY_PAGE_OFFSET)).toBeUndefined();
      expect(elsewhere.copied.copied.struct(CHUNK.META_DATA)!.field(META.INDEX_PAGE_OFFSET)).toBeUndefined();
      const zero = edited((_, meta) => meta.set(META.INDEX_PAGE_OFFSET, T.I64, 0n));
      expect(zero.copied.copied.struct(CHUNK.META_DATA)!.integer(META.INDEX_PAGE_OFFSET)).toBe(0n);
    });
  });

  test('a file whose dictionary offset is 0 (dictionary page first) copies and reads as it was', async () => {
    const output = join(dir, 'dict-zero.parquet');
    const source = join(dir, 'dict-zero-input.parquet');
    editFooter(input, source, (file) => {
      // As some writers store it: the dictionary page where the data pages are said to start, and a dictionary offset of 0.
      const meta = chunkOf(file, 0, 1).struct(CHUNK.META_DATA)!;
      meta.set(META.DATA_PAGE_OFFSET, T.I64, meta.integer(META.DICTIONARY_PAGE_OFFSET)!);
      meta.set(META.DICTIONARY_PAGE_OFFSET, T.I64, 0n);
    });
    await copyParquet(source, output, { gap: 50 });
    expect(await duckDifference(await duckdb(), input, output)).toEqual([0, 0]);
  });
});

describe('fields', () => {
  test('path_in_schema takes the output\'s names, and stays as stored when they are the same', async () => {
    await withSource(input, 0, 4, (source, { footer }) => {
      const path = leafPath(footer, 4);
      const same = append(source, path).copied.copied.struct(CHUNK.META_DATA)!.get(META.PATH_IN_SCHEMA);
      expect(same).toEqual(source.column.struct(CHUNK.META_DATA)!.get(META.PATH_IN_SCHEMA));
      const renamed = append(source, [path[0]!, { ...path[1]!, name: 'list_renamed' }, path[2]!, path[3]!]).copied.copied;
      const names = (renamed.struct(CHUNK.META_DATA)!.get(META.PATH_IN_SCHEMA) as ThriftList).items.map((name) => new TextDecoder().decode(name as Uint8Array));
      expect(names).toEqual(['list_renamed', 'list', 'element']);
    });
  });

  test('fields of no known meaning, in the chunk and its metadata, are carried into the output\'s footer', async () => {
    const source = join(dir, 'unknown-fields.parquet');
    const output = join(dir, 'unknown-fields-copy.parquet');
    editFooter(input, source, (file) => {
      chunkOf(file, 1, 0).set(42, T.BINARY, new TextEncoder().encode('kept'));
      chunkOf(file, 1, 0).struct(CHUNK.META_DATA)!.set(99, T.I64, -7n);
    });
    await copyParquet(source, output);
    const opened = await open(output);
    await opened.file.close();
    const chunk = opened.raw.columnChunk(1, 0);
    expect(new TextDecoder().decode(chunk.get(42) as Uint8Array)).toBe('kept');
    expect(chunk.struct(CHUNK.META_DATA)!.get(99)).toBe(-7n);
    expect(await duckDifference(await duckdb(), input, output)).toEqual([0, 0]);
  });

  test('the deprecated min and max are left out where they are the only bounds of a leaf not in signed order', async () => {
    await withSource(input, 0, 0, (ints, { footer }) => {
      const withBounds = (source: SourceChunk, newBounds: boolean) => {
        const column = source.column.clone();
        const stats = new ThriftStruct([{ id: 1, type: T.BINARY, value: Uint8Array.of(9) }, { id: 2, type: T.BINARY, value: Uint8Array.of(1) }]);
        if (newBounds) stats.set(5, T.BINARY, Uint8Array.of(9)), stats.set(6, T.BINARY, Uint8Array.of(1));
        column.struct(CHUNK.META_DATA)!.set(META.STATISTICS, T.STRUCT, stats);
        return { ...source, column };
      };
      const ids = (source: SourceChunk, path: SchemaElement[]) =>
        append(source, path).copied.copied.struct(CHUNK.META_DATA)!.struct(META.STATISTICS)!.fields.map((f) => f.id);
      const string: SchemaElement = { ...leafPath(footer, 0).at(-1)!, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: undefined };
      const unsigned: SchemaElement = { ...leafPath(footer, 0).at(-1)!, converted_type: 'UINT_32', logical_type: undefined };
      expect(ids(withBounds(ints, false), leafPath(footer, 0))).toEqual([1, 2]);
      expect(ids(withBounds(ints, false), [leafPath(footer, 0)[0]!, string])).toEqual([]);
      expect(ids(withBounds(ints, false), [leafPath(footer, 0)[0]!, unsigned])).toEqual([]);
      expect(ids(withBounds(ints, true), [leafPath(footer, 0)[0]!, string])).toEqual([1, 2, 5, 6]);
    });
  });
});

describe('what cannot be read', () => {
  test('a bloom filter outside the file, and an offset index that does not parse (with its column index), are left out and named', async () => {
    const source = join(dir, 'broken-extras.parquet');
    editFooter(input, source, (file) => {
      chunkOf(file, 0, 1).struct(CHUNK.META_DATA)!.set(META.BLOOM_FILTER_OFFSET, T.I64, 10n ** 9n);
      // The chunk's own first page header, read as an OffsetIndex, lists no page inside the chunk.
      chunkOf(file, 0, 2).set(CHUNK.OFFSET_INDEX_OFFSET, T.I64, 4n);
      chunkOf(file, 0, 2).set(CHUNK.OFFSET_INDEX_LENGTH, T.I32, 20);
      chunkOf(file, 0, 2).set(CHUNK.COLUMN_INDEX_OFFSET, T.I64, 4n);
      chunkOf(file, 0, 2).set(CHUNK.COLUMN_INDEX_LENGTH, T.I32, 20);
    });
    const output = join(dir, 'broken-extras-copy.parquet');
    const result = await copyParquet(source, output);
    expect(result.dropped).toEqual([
      expect.stringMatching(/^0\/1: bloom filter at 1000000000: outside the file$/),
      expect.stringMatching(/^0\/2: offset index/),
      '0/2: column index: left out with the offset index',
    ]);
    expect(await duckDifference(await duckdb(), input, output)).toEqual([0, 0]);
  });

  test('a chunk whose first data page lies outside its pages is refused, and canCopyColumn says so first', async () => {
    const source = join(dir, 'bad-data-offset.parquet');
    editFooter(input, source, (file) => {
      // The pages start where they did (now said by the dictionary offset), the first data page is said to be past them.
      const meta = chunkOf(file, 1, 0).struct(CHUNK.META_DATA)!;
      const start = meta.integer(META.DATA_PAGE_OFFSET)!;
      meta.set(META.DICTIONARY_PAGE_OFFSET, T.I64, start);
      meta.set(META.DATA_PAGE_OFFSET, T.I64, start + meta.integer(META.TOTAL_COMPRESSED_SIZE)! + 10n);
    });
    const opened = await open(source);
    try {
      expect(canCopyColumn(opened.footer, 0, leafPath(opened.footer, 0))).toBe(false);
      expect(canCopyColumn(opened.footer, 1, leafPath(opened.footer, 1))).toBe(true);
      await expect(readSourceChunk(opened.file, opened.raw, 1, 0, 'bad')).rejects.toThrow(DataError);
    } finally {
      await opened.file.close();
    }
  });

  test('RawFooter names a row group or column chunk the footer does not have', async () => {
    const opened = await open(input);
    await opened.file.close();
    expect(opened.raw.rowGroupCount).toBe(2);
    expect(() => opened.raw.columnChunk(2, 0)).toThrow(RangeError);
    expect(() => opened.raw.columnChunk(0, 5)).toThrow(RangeError);
    expect(opened.raw.offset + opened.raw.bytes.length + 8).toBe(readFileSync(input).length);
  });
});

describe('canCopyColumn', () => {
  test('the same elements, renamed ones, and an integer annotation as a logical or a converted type can be copied', async () => {
    const { footer, file } = await open(input);
    await file.close();
    for (let leaf = 0; leaf < 5; leaf++) expect(canCopyColumn(footer, leaf, leafPath(footer, leaf))).toBe(true);
    const [root, n] = leafPath(footer, 0);
    expect(canCopyColumn(footer, 0, [root!, { ...n!, name: 'other' }])).toBe(true);
    // DuckDB annotates UINTEGER with the converted type UINT_32 alone; its logical type orders the same.
    const [, u] = leafPath(footer, 2);
    expect([u!.converted_type, u!.logical_type]).toEqual(['UINT_32', undefined]);
    expect(canCopyColumn(footer, 2, [root!, { ...u!, logical_type: { type: 'INTEGER', bitWidth: 32, isSigned: false } }])).toBe(true);
    expect(canCopyColumn(footer, 2, [root!, { ...u!, converted_type: undefined, logical_type: { type: 'INTEGER', bitWidth: 32, isSigned: true } }])).toBe(false);
  });

  test('another repetition, physical type, fixed length, sort order or nesting cannot', async () => {
    const { footer, file } = await open(input);
    await file.close();
    const [root, n] = leafPath(footer, 0);
    const [, id] = leafPath(footer, 3);
    const list = leafPath(footer, 4);
    expect(canCopyColumn(footer, 0, [root!, { ...n!, repetition_type: 'REQUIRED' }])).toBe(false);
    expect(canCopyColumn(footer, 0, [root!, { ...n!, type: 'INT64' }])).toBe(false);
    expect(canCopyColumn(footer, 0, [root!, { ...n!, converted_type: 'UINT_32', logical_type: undefined }])).toBe(false);
    expect(id!.type).toBe('FIXED_LEN_BYTE_ARRAY');
    expect(canCopyColumn(footer, 3, [root!, { ...id!, type_length: 8 }])).toBe(false);
    expect(canCopyColumn(footer, 4, [root!, list.at(-1)!])).toBe(false);
    expect(canCopyColumn(footer, 4, [list[0]!, { ...list[1]!, repetition_type: 'REQUIRED' }, list[2]!, list[3]!])).toBe(false);
    expect(canCopyColumn(footer, 9, leafPath(footer, 0))).toBe(false);
  });
});
