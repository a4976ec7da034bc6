/**
 * The Thrift compact-protocol reader on page headers real files rarely
 * hold, built here (unknown fields of every type, fields out of order, long
 * field ids, statistics), and on broken ones: each is a CorruptParquet,
 * never a hang or an out-of-bounds read, and a file with one is a one-line
 * DataError. Headers of real files are in page-header-read.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { CorruptParquet } from '../../../src/io/parquet/faults.js';
import { readPageHeader } from '../../../src/io/parquet/page-header-read.js';
import { ThriftReader, ThriftType as T } from '../../../src/io/parquet/thrift-read.js';
import { walkPages } from './page-walk.js';
import { PARQUET_TESTING, readParquet, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** A Thrift compact-protocol writer, for headers real files do not hold. */
class Compact {
  readonly bytes: number[] = [];
  private last: number[] = [0];

  varint(n: bigint | number): this {
    let v = BigInt(n);
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.bytes.push(v ? low | 0x80 : low);
    } while (v);
    return this;
  }

  zigzag(n: bigint | number): this {
    const v = BigInt.asIntN(64, BigInt(n));
    return this.varint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }

  field(id: number, type: number): this {
    const delta = id - this.last.at(-1)!;
    this.last[this.last.length - 1] = id;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else this.bytes.push(type), this.zigzag(id);
    return this;
  }

  i32(id: number, value: number): this {
    return this.field(id, T.I32).zigzag(value);
  }

  begin(id: number): this {
    this.field(id, T.STRUCT);
    this.last.push(0);
    return this;
  }

  end(): this {
    this.bytes.push(0);
    this.last.pop();
    return this;
  }

  raw(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function header(bytes: Uint8Array, end = bytes.length) {
  const reader = new ThriftReader(bytes, 0, end, 'page header');
  return { header: readPageHeader(reader), pos: reader.pos };
}

describe('hand-built page headers', () => {
  test('unknown fields of every type, known ids with unexpected types and statistics are skipped', () => {
    const w = new Compact()
      .i32(1, 3).i32(2, 1234).i32(3, 567)
      .field(4, T.BINARY).varint(3).raw(1, 2, 3) // crc as a binary: not a crc
      .begin(8)
      .i32(1, 2 ** 31 - 1).i32(2, -(2 ** 31)).i32(3, 0).i32(4, 9).i32(5, 17).i32(6, 0)
      .field(7, T.FALSE)
      .begin(8).field(1, T.BINARY).varint(2).raw(9, 9).field(2, T.BINARY).varint(0).i32(3, 7).end()
      .field(40, T.DOUBLE).raw(0, 0, 0, 0, 0, 0, 0xf0, 0x3f)
      .end()
      .field(9, T.I64).zigzag(-(2n ** 63n))
      .field(10, T.LIST).raw(0xf0 | T.TRUE).varint(21).raw(...Array.from({ length: 21 }, (_, i) => 1 + (i % 2))) // a byte per boolean
      .field(11, T.SET).raw(0x20 | T.STRUCT, 0x15, 10, 0, 0) // {1: 5} and {}
      .field(12, T.MAP).varint(2).raw((T.BINARY << 4) | T.LIST).varint(1).raw(65).raw(0x10 | T.I16).zigzag(-3).varint(0).raw(0)
      .field(13, T.UUID).raw(...Array<number>(16).fill(0xab))
      .field(300, T.BYTE).raw(0xff)
      .field(200, T.TRUE)
      .begin(301).begin(1).begin(1).end().end().end();
    const bytes = w.raw(0).done();
    const { header: h, pos } = header(Uint8Array.from([...bytes, 0xee, 0xee]), bytes.length + 2);
    expect(pos).toBe(bytes.length);
    expect(h).toEqual({
      type: 'DATA_PAGE_V2', uncompressed_page_size: 1234, compressed_page_size: 567,
      data_page_header_v2: {
        num_values: 2 ** 31 - 1, num_nulls: -(2 ** 31), num_rows: 0, encoding: 'BYTE_STREAM_SPLIT',
        definition_levels_byte_length: 17, repetition_levels_byte_length: 0, is_compressed: false,
      },
    });
  });

  test('fields in any order, with long-form ids, and the defaults of optional fields', () => {
    const bytes = new Compact()
      .begin(7).field(3, T.TRUE).i32(1, 100).i32(2, 0).end()
      .i32(3, 10).i32(1, 2).i32(2, 20).i32(4, -5)
      .raw(0).done();
    expect(header(bytes).header).toEqual({
      type: 'DICTIONARY_PAGE', uncompressed_page_size: 20, compressed_page_size: 10, crc: -5,
      dictionary_page_header: { num_values: 100, encoding: 'PLAIN', is_sorted: true },
    });
    const unsorted = new Compact().i32(1, 2).i32(2, 0).i32(3, 0).begin(7).i32(1, 1).i32(2, 2).field(3, T.FALSE).end().raw(0).done();
    expect(header(unsorted).header.dictionary_page_header).toEqual({ num_values: 1, encoding: 'PLAIN_DICTIONARY', is_sorted: false });
    const v2 = new Compact().i32(1, 3).i32(2, 0).i32(3, 0).begin(8).i32(1, 0).end().raw(0).done();
    expect(header(v2).header.data_page_header_v2!.is_compressed).toBe(true);
    const index = new Compact().i32(1, 1).i32(2, 0).i32(3, 0).begin(6).end().raw(0).done();
    expect(header(index).header).toEqual({ type: 'INDEX_PAGE', uncompressed_page_size: 0, compressed_page_size: 0, index_page_header: {} });
  });

  test('an encoding the format does not define reads as undefined, left for the decoder to refuse', () => {
    const bytes = new Compact().i32(1, 0).i32(2, 8).i32(3, 8).begin(5).i32(1, 2).i32(2, 42).i32(3, 3).i32(4, 3).end().raw(0).done();
    expect(header(bytes).header.data_page_header).toEqual({
      num_values: 2, encoding: undefined, definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE',
    });
  });

  test.each([
    ['no page type', new Compact().i32(2, 1).i32(3, 1).raw(0), /page header without its page type/],
    ['an unknown page type', new Compact().i32(1, 4).i32(2, 1).i32(3, 1).raw(0), /unknown page type 4/],
    ['no compressed size', new Compact().i32(1, 0).i32(2, 1).raw(0), /page header without its sizes/],
    ['an i32 over 32 bits', new Compact().field(1, T.I32).varint(2n ** 33n).raw(0), /page header has an integer over 32 bits/],
    ['a varint over 10 bytes', new Compact().field(9, T.I64).raw(...Array<number>(11).fill(0x80), 0).raw(0), /varint over 10 bytes/],
    ['a value of type 14', new Compact().field(9, 14).raw(0), /unknown type 14/],
    ['a list of 2^31 elements', new Compact().field(9, T.LIST).raw(0xf0 | T.BYTE).varint(2 ** 31).raw(0), /ends inside a list of 2147483648/],
    ['a map of a billion entries', new Compact().field(9, T.MAP).varint(1e9).raw(0x33).raw(0), /ends inside a map/],
    ['a binary past the end', new Compact().field(9, T.BINARY).varint(1000).raw(1, 2, 3), /ends inside a binary of 1000 bytes/],
    ['structs nested 40 deep', new Compact().raw(...Array<number>(40).fill(0x1c)), /nests over 32 levels/],
    ['lists nested 40 deep', new Compact().field(9, T.LIST).raw(...Array<number>(40).fill(0x19)), /nests over 32 levels/],
    ['no STOP', new Compact().i32(1, 0).i32(2, 1).i32(3, 1), /page header ends early/],
  ])('%s is a CorruptParquet', (_, w, message) => {
    expect(() => header(w.done())).toThrow(CorruptParquet);
    expect(() => header(w.done())).toThrow(message);
  });
});

describe('broken page headers', () => {
  test('every truncation of real headers is a CorruptParquet', async () => {
    let cuts = 0;
    for (const name of ['datapage_v2.snappy.parquet', 'alltypes_tiny_pages.parquet', 'rle-dict-snappy-checksum.parquet', 'delta_binary_packed.parquet']) {
      const { bytes, chunks } = await walkPages(join(PARQUET_TESTING, name));
      for (const page of chunks.flatMap((c) => c.pages.slice(0, 2))) {
        for (let end = page.start; end < page.bodyStart; end++, cuts++) {
          expect(() => readPageHeader(new ThriftReader(bytes, page.start, end, 'page header'))).toThrow(CorruptParquet);
        }
      }
    }
    expect(cuts).toBeGreaterThan(1000);
  });

  test('property: any bytes give a header inside them or a CorruptParquet', async () => {
    const { bytes, chunks } = await walkPages(join(PARQUET_TESTING, 'datapage_v2.snappy.parquet'));
    const real = chunks.map((c) => bytes.slice(c.pages[0]!.start, c.pages[0]!.bodyStart));
    const mutated = fc.tuple(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }))
      .map(([good, edits]) => {
        const out = good.slice();
        for (const [at, value] of edits) out[at % out.length] = value;
        return out;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated), (input) => {
        try {
          const { pos } = header(input);
          expect(pos).toBeLessThanOrEqual(input.length);
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptParquet);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('a file whose page header is corrupt is a one-line DataError naming the column', async () => {
    const name = 'alltypes_plain.parquet';
    const { bytes, chunks } = await walkPages(join(PARQUET_TESTING, name));
    const broken = Buffer.from(bytes);
    const page = chunks[0]!.pages[0]!;
    broken.fill(0x19, page.start, page.start + 36); // lists inside lists
    const path = join(tempDir(), name);
    writeFileSync(path, broken);
    const error = await readParquet(path).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/^alltypes_plain\.parquet: corrupt Parquet data in column "id" \(row group 0\): page header /);
    expect((error as Error).message).not.toContain('\n');
  });
});
