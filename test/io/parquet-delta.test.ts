/**
 * The DELTA_BINARY_PACKED decoder: against a straightforward encoder written
 * here (BigInt arithmetic, one value at a time), on pages of parquet-mr and
 * DuckDB decoded directly, and through the reader against hyparquet's and
 * DuckDB's readings of the same files (DELTA_LENGTH_BYTE_ARRAY and
 * DELTA_BYTE_ARRAY included, whose lengths are DELTA_BINARY_PACKED).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, describe, expect, test } from 'vitest';
import { readDeltaBinaryPacked } from '../../src/io/parquet-delta.js';
import { CorruptParquet } from '../../src/io/parquet-faults.js';
import { query } from '../helpers/duckdb.js';
import { v2Values, walkPages } from './parquet-page-walk.js';
import { columnValues, PARQUET_TESTING, readParquet, removeTempDirs, tempDir } from './parquet-helpers.js';

afterAll(removeTempDirs);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

interface Layout {
  blockSize: number;
  miniblocks: number;
  /** INT32 deltas taken in 64 bits, not wrapped to 32 (widths up to 33). */
  wideDeltas?: boolean;
  /** Extra bits over the narrowest width, per miniblock (up to 64 in all). */
  extraBits?: (miniblock: number) => number;
  /** The width byte of miniblocks past the last one with values (any value is allowed). */
  unusedWidth?: number;
}

/** The reference encoder: DELTA_BINARY_PACKED of `values` as `bits`-bit integers. */
function encode(values: readonly bigint[], bits: 32 | 64, layout: Layout): Uint8Array {
  const out: number[] = [];
  const uleb = (n: bigint) => {
    do {
      const low = Number(n & 0x7fn);
      n >>= 7n;
      out.push(n ? low | 0x80 : low);
    } while (n);
  };
  const zigzag = (n: bigint) => uleb(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  uleb(BigInt(layout.blockSize));
  uleb(BigInt(layout.miniblocks));
  uleb(BigInt(values.length));
  zigzag(values[0] ?? 0n);
  const deltas: bigint[] = [];
  for (let i = 1; i < values.length; i++) {
    const d = values[i]! - values[i - 1]!;
    deltas.push(layout.wideDeltas ? d : BigInt.asIntN(bits, d));
  }
  const perMiniblock = layout.blockSize / layout.miniblocks;
  for (let b = 0; b < deltas.length; b += layout.blockSize) {
    const block = deltas.slice(b, b + layout.blockSize);
    const min = block.reduce((m, d) => (d < m ? d : m));
    zigzag(min);
    const used = Math.ceil(block.length / perMiniblock);
    const widths: number[] = [];
    for (let m = 0; m < layout.miniblocks; m++) {
      if (m >= used) {
        widths.push(layout.unusedWidth ?? 0);
        continue;
      }
      const packed = block.slice(m * perMiniblock, (m + 1) * perMiniblock).map((d) => d - min);
      const narrowest = packed.reduce((w, p) => Math.max(w, p.toString(2).length - (p === 0n ? 1 : 0)), 0);
      widths.push(Math.min(64, narrowest + (layout.extraBits?.(m) ?? 0)));
    }
    out.push(...widths);
    for (let m = 0; m < used; m++) {
      const width = BigInt(widths[m]!);
      let acc = 0n;
      let held = 0n;
      for (let k = 0; k < perMiniblock; k++) {
        // Padding after the last value: zeros, up to the miniblock's full size.
        acc |= (block[m * perMiniblock + k] !== undefined ? block[m * perMiniblock + k]! - min : 0n) << held;
        held += width;
        for (; held >= 8n; held -= 8n, acc >>= 8n) out.push(Number(acc & 0xffn));
      }
    }
  }
  return Uint8Array.from(out);
}

function decode(bytes: Uint8Array, count: number, bits: 32 | 64, end = bytes.length): { values: bigint[]; end: number } {
  const out = bits === 32 ? new Int32Array(count) : new BigInt64Array(count);
  const stop = readDeltaBinaryPacked(bytes, 0, end, out);
  return { values: Array.from(out as ArrayLike<number | bigint>, (v) => BigInt(v)), end: stop };
}

const asBits = (values: readonly bigint[], bits: 32 | 64) => values.map((v) => BigInt.asIntN(bits, v));

const layouts = fc.integer({ min: 1, max: 4 }).chain((k) => {
  const divisors = [1, 2, 4, 8, 16].filter((m) => (4 * k) % m === 0);
  return fc.record({ blockSize: fc.constant(128 * k), miniblocks: fc.constantFrom(...divisors), unusedWidth: fc.nat(255) });
});

function int64s(): fc.Arbitrary<bigint[]> {
  const any = fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
  const walk = fc.tuple(any, fc.array(fc.bigInt({ min: -1000n, max: 1000n }), { maxLength: 700 }))
    .map(([start, steps]) => steps.reduce((vs, s) => [...vs, BigInt.asIntN(64, vs.at(-1)! + s)], [start]));
  const extremes = fc.array(fc.constantFrom(INT64_MIN, INT64_MAX, 0n, -1n, 1n), { minLength: 1, maxLength: 300 });
  return fc.oneof(fc.array(any, { minLength: 1, maxLength: 700 }), walk, extremes);
}

describe('against the reference encoder', () => {
  test('property: INT64 values of any size, in any block layout, decode exactly and end where the data ends', () => {
    fc.assert(
      fc.property(int64s(), layouts, fc.uint8Array({ maxLength: 9 }), (values, layout, junk) => {
        const bytes = encode(values, 64, layout);
        const { values: got, end } = decode(Uint8Array.from([...bytes, ...junk]), values.length, 64);
        expect(got).toEqual(values);
        expect(end).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  test('property: INT32 values, with deltas wrapped to 32 bits or taken in 64, and miniblocks wider than they need', () => {
    const int32s = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(BigInt), { minLength: 1, maxLength: 700 });
    fc.assert(
      fc.property(int32s, layouts, fc.boolean(), fc.array(fc.nat(40), { minLength: 16, maxLength: 16 }), (values, layout, wideDeltas, extra) => {
        const bytes = encode(values, 32, { ...layout, wideDeltas, extraBits: (m) => extra[m]! });
        const { values: got, end } = decode(bytes, values.length, 32);
        expect(got).toEqual(values);
        expect(end).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  test('INT64 extremes: deltas that wrap, a miniblock of 64-bit values, then one of 0-bit values', () => {
    // 0 → MIN is a delta of MIN, MIN → -1 one of MAX: their range takes all 64 bits. Then steps of MIN (wrapping).
    const values = [0n, INT64_MIN, -1n, INT64_MAX, INT64_MIN];
    while (values.length < 45) values.push(BigInt.asIntN(64, values.at(-1)! + INT64_MIN));
    const bytes = encode(values, 64, { blockSize: 128, miniblocks: 4, unusedWidth: 200 });
    expect(firstBlockWidths(bytes)).toEqual([64, 0, 200, 200]);
    expect(decode(bytes, values.length, 64)).toEqual({ values, end: bytes.length });
  });

  test('negative deltas, a single value, a count one past a block, and a count not a multiple of the miniblock', () => {
    for (const n of [1, 2, 33, 128, 129, 130, 200, 1000]) {
      const values = Array.from({ length: n }, (_, i) => BigInt((i * 7919) % 613) * -1_000_003n + 7n);
      for (const bits of [32, 64] as const) {
        const expected = asBits(values, bits);
        const bytes = encode(expected, bits, { blockSize: 128, miniblocks: 4, unusedWidth: 0xff });
        expect(decode(bytes, n, bits).values, `${n} values, ${bits} bits`).toEqual(expected);
      }
    }
  });

  test('an empty page: a header and no blocks', () => {
    const bytes = encode([], 64, { blockSize: 128, miniblocks: 4 });
    expect(decode(bytes, 0, 64)).toEqual({ values: [], end: bytes.length });
  });

  test('every truncation is a CorruptParquet, except inside the last miniblock\'s padding', () => {
    const values = Array.from({ length: 300 }, (_, i) => BigInt(i) ** 3n - 5000n * BigInt(i % 17));
    for (const bits of [32, 64] as const) {
      const expected = asBits(values, bits);
      const bytes = encode(expected, bits, { blockSize: 256, miniblocks: 8 });
      const outcomes = Array.from({ length: bytes.length }, (_, end) => {
        try {
          expect(decode(bytes, values.length, bits, end).values).toEqual(expected);
          return 'read';
        } catch (error) {
          if (!(error instanceof CorruptParquet)) throw error;
          return 'corrupt';
        }
      });
      // 43 deltas in the last block: its second miniblock holds 11 values and the padding of 21.
      const firstRead = outcomes.indexOf('read');
      expect(outcomes.slice(firstRead).every((o) => o === 'read')).toBe(true);
      expect(bytes.length - firstRead).toBeLessThan(Math.ceil((21 * 64) / 8));
      expect(firstRead).toBeGreaterThan(bytes.length * 0.8);
    }
  });

  test.each([
    ['a block size not a multiple of 128', [100, 4, 1, 0], 1, /bad DELTA_BINARY_PACKED block layout \(100 values in 4 miniblocks\)/],
    ['miniblocks of 16 values', [0x80, 1, 8, 1, 0], 1, /bad DELTA_BINARY_PACKED block layout/],
    ['no miniblocks', [0x80, 1, 0, 1, 0], 1, /bad DELTA_BINARY_PACKED block layout/],
    ['more values than the page has', [0x80, 1, 4, 5, 0], 4, /DELTA_BINARY_PACKED data of 5 values where 4 are expected/],
    ['fewer values than the page has', [0x80, 1, 4, 3, 0], 4, /of 3 values where 4 are expected/],
    ['a 65-bit miniblock', [0x80, 1, 4, 2, 0, 0, 65, 0, 0, 0], 2, /miniblock of 65-bit values/],
    ['a varint over 10 bytes', [0x80, 1, 4, 2, ...Array<number>(10).fill(0xff), 1], 2, /varint over 10 bytes/],
    ['a block size over 2^32', [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 1, /block size over 2\^32/],
    ['no header at all', [], 1, /ends early/],
  ])('%s is a CorruptParquet', (_, bytes, count, message) => {
    expect(() => decode(Uint8Array.from(bytes), count, 64)).toThrow(CorruptParquet);
    expect(() => decode(Uint8Array.from(bytes), count, 64)).toThrow(message);
  });
});

/** The header of DELTA_BINARY_PACKED data and the widths of its first block's miniblocks (read by hand). */
function deltaHeader(page: Uint8Array): { count: number; widths: number[] } {
  let pos = 0;
  const uleb = () => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = page[pos++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  uleb();
  const miniblocks = Number(uleb());
  const count = Number(uleb());
  uleb();
  uleb();
  return { count, widths: Array.from(page.subarray(pos, pos + miniblocks)) };
}

const firstBlockWidths = (page: Uint8Array) => deltaHeader(page).widths;

describe('pages of other writers, decoded directly', () => {
  test('delta_binary_packed.parquet (parquet-mr): INT64 columns of every width 0 to 64 and an INT32 column, as its CSV says', async () => {
    const [names, ...rows] = readFileSync(join(PARQUET_TESTING, 'delta_binary_packed_expect.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const { chunks } = await walkPages(join(PARQUET_TESTING, 'delta_binary_packed.parquet'));
    expect(chunks.map((c) => c.path)).toEqual(names);
    const widths = new Set<number>();
    for (const [c, chunk] of chunks.entries()) {
      const bits = chunk.chunk.meta_data!.type === 'INT32' ? 32 : 64;
      const [page] = chunk.pages;
      expect(page!.header.data_page_header_v2!.encoding).toBe('DELTA_BINARY_PACKED');
      const body = v2Values(page!);
      const { values, end } = decode(body, rows.length, bits);
      expect(values, chunk.path).toEqual(rows.map((row) => BigInt(row[c]!)));
      expect(end).toBe(body.length);
      const match = /^bitwidth(\d+)$/.exec(chunk.path);
      if (match) expect(firstBlockWidths(body), chunk.path).toContain(Number(match[1]));
      for (const w of firstBlockWidths(body)) widths.add(w);
    }
    expect(widths).toContain(0);
    expect(widths).toContain(64);
  });

  test('DuckDB V2 pages: INT32 and INT64 with extremes, negative deltas and nulls, against DuckDB\'s reading', async () => {
    const path = join(tempDir(), 'delta.parquet');
    await query(`COPY (SELECT
        CASE WHEN i % 97 = 0 THEN NULL WHEN i % 5 = 0 THEN -2147483648 WHEN i % 7 = 0 THEN 2147483647 ELSE (hash(i) % 100000)::INTEGER - 50000 END AS a,
        CASE WHEN i % 89 = 0 THEN NULL WHEN i % 3 = 0 THEN -9223372036854775808 WHEN i % 11 = 0 THEN 9223372036854775807 ELSE (hash(i) >> 1)::BIGINT * (1 - 2 * (i % 2)) END AS b,
        (10000 - i * 3)::INTEGER AS c
      FROM range(20000) r(i)) TO '${path}' (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION uncompressed, ROW_GROUP_SIZE 8192)`);
    const { chunks } = await walkPages(path);
    for (const column of ['a', 'b', 'c']) {
      const expected = (await query(`SELECT ${column}::VARCHAR AS v FROM read_parquet('${path}')`)).map((r) => r.v).filter((v) => v !== null);
      const got: string[] = [];
      for (const chunk of chunks.filter((c) => c.path === column)) {
        const bits = chunk.chunk.meta_data!.type === 'INT32' ? 32 : 64;
        for (const page of chunk.pages.filter((p) => p.header.type !== 'DICTIONARY_PAGE')) {
          expect((page.header.data_page_header ?? page.header.data_page_header_v2)!.encoding, column).toBe('DELTA_BINARY_PACKED');
          // DuckDB writes V1 pages: the definition levels (of an optional column), then the values.
          const values = page.header.data_page_header_v2 ? v2Values(page) : page.body.subarray(4 + new DataView(page.body.buffer, page.body.byteOffset).getUint32(0, true));
          const { values: decoded, end } = decode(values, deltaHeader(values).count, bits);
          expect(end).toBe(values.length);
          got.push(...decoded.map(String));
        }
      }
      expect(got, column).toEqual(expected);
    }
  });
});

describe('through the reader, against hyparquet and DuckDB', () => {
  async function hyparquetColumns(path: string): Promise<Record<string, unknown>[]> {
    return parquetReadObjects({ file: await asyncBufferFromFile(path), compressors, utf8: true });
  }

  test.each([
    'delta_binary_packed.parquet', 'delta_byte_array.parquet', 'delta_length_byte_array.parquet',
    'delta_encoding_optional_column.parquet', 'delta_encoding_required_column.parquet',
  ])('%s reads as hyparquet reads it', async (name) => {
    const path = join(PARQUET_TESTING, name);
    const rows = await hyparquetColumns(path);
    const { schema, batches } = await readParquet(path);
    for (const field of schema.fields) expect(columnValues(batches, field.name), field.name).toEqual(rows.map((row) => row[field.name]));
  });

  test('DuckDB V2 strings (DELTA_LENGTH_BYTE_ARRAY), integers and nulls read as DuckDB reads them', async () => {
    const path = join(tempDir(), 'strings.parquet');
    await query(`COPY (SELECT
        CASE WHEN i % 13 = 0 THEN NULL ELSE 'prefix-' || (i // 7) || repeat('é', i % 5) END AS s,
        md5(i::VARCHAR) AS h,
        CASE WHEN i % 17 = 0 THEN NULL ELSE (i * i - 40000)::BIGINT END AS n
      FROM range(30000) r(i)) TO '${path}' (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION zstd)`);
    const { chunks } = await walkPages(path);
    const encodings = new Set(chunks.flatMap((c) => c.pages.map((p) => (p.header.data_page_header ?? p.header.data_page_header_v2)?.encoding)));
    expect(encodings).toContain('DELTA_LENGTH_BYTE_ARRAY');
    expect(encodings).toContain('DELTA_BINARY_PACKED');
    const { batches } = await readParquet(path);
    for (const column of ['s', 'h', 'n']) {
      const expected = (await query(`SELECT ${column}::VARCHAR AS v FROM read_parquet('${path}')`)).map((r) => r.v);
      expect(columnValues(batches, column).map((v) => (v === null ? null : String(v))), column).toEqual(expected);
    }
  });
});
