/**
 * The SNAPPY compressor of Parquet outputs (bn1d's port, through
 * src/io/parquet/codecs.ts), the one compressor of every SNAPPY page bn1d
 * writes: outputs that two independent decoders (hyparquet's JS one and
 * hysnappy's wasm build of the C code) decode back to the input, within the
 * format's size bound; inputs of several MiB; pages that DuckDB and Polars
 * read; and in a file bn1d writes, every SNAPPY page of every path (typed
 * arrays, lists, the generic column writer and dictionaries) is this
 * compressor's output.
 */
import fc from 'fast-check';
import { snappyUncompress } from 'hyparquet';
import { snappyUncompressor } from 'hysnappy';
import pl from 'nodejs-polars';
import { afterAll, describe, expect, test } from 'vitest';
import { compressorInputs, concatBytes, parquetPages, snappyInputs } from '../../../bench/compressor-inputs.mjs';
import { compress } from '../../../src/io/parquet/codecs.js';
import { duckView, writePagesBothWays } from './compressed-parquet.js';
import { periodic, randomBytes, same } from '../codecs/compressor-data.js';
import { duckdb, readParquet, removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

const KIB = 1024;
const MIB = 1024 * KIB;
const wasmUncompress = snappyUncompressor();
const snappyCompress = (input: Uint8Array) => compress('SNAPPY', input);

/** Decoded by hyparquet's decoder and by hysnappy's. */
function decodeBoth(compressed: Uint8Array, length: number): [Uint8Array, Uint8Array] {
  const out = new Uint8Array(length);
  snappyUncompress(compressed, out);
  return [out, wasmUncompress(compressed, length)];
}

/** Whether both decoders give the input back, from an output within the format's bound of 32 + n + n/6 bytes. */
function roundTrips(input: Uint8Array): boolean {
  const compressed = snappyCompress(input);
  const [a, b] = decodeBoth(compressed, input.length);
  return compressed.length <= 32 + input.length + input.length / 6 && same(a, input) && same(b, input);
}

/** Runs of single bytes, `[byte, length]` each, end to end. */
function runs(parts: [number, number][]): Uint8Array {
  return concatBytes(parts.map(([byte, length]) => new Uint8Array(length).fill(byte)));
}

/** Inputs of every kind that matters to the compressor: empty and tiny, random (incompressible), runs, periodic with noise; many past one 64 KiB fragment. */
const anyInput = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.integer({ min: 0, max: 20 }).map((n) => randomBytes(n, n)),
  fc.tuple(fc.integer({ min: 1, max: 300 * KIB }), fc.integer()).map(([n, seed]) => randomBytes(n, seed)),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 100 * KIB })), { minLength: 1, maxLength: 6 }).map(runs),
  fc
    .tuple(fc.integer({ min: 1, max: 70 * KIB }), fc.integer({ min: 1, max: 300 * KIB }), fc.constantFrom(0, 0.01, 0.2), fc.integer())
    .map(([period, n, noise, seed]) => periodic(randomBytes(period, seed), n, noise, seed)),
);

describe('SNAPPY pages', () => {
  test('property: any input decompresses back to itself with both decoders', () => {
    fc.assert(
      fc.property(anyInput, (bytes) => {
        expect(roundTrips(bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('property: repetitive data (small alphabets, runs, repeats beyond 64 KiB) round-trips and shrinks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 200_000 }), (motif, size) => {
        const bytes = Uint8Array.from({ length: size }, (_, i) => motif[i % motif.length]!);
        const compressed = snappyCompress(bytes);
        if (size > 1000) expect(compressed.length).toBeLessThan(size / 4);
        expect(roundTrips(bytes)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('the smallest inputs: empty is the length 0 alone, 1 byte one literal, a few bytes round-trip', () => {
    expect([...snappyCompress(new Uint8Array(0))]).toEqual([0]);
    expect([...snappyCompress(Uint8Array.of(0xab))]).toEqual([1, 0, 0xab]);
    for (const n of [2, 3, 4, 5, 14, 15, 16, 17]) {
      expect(roundTrips(new Uint8Array(n).fill(7)), `${n} alike`).toBe(true);
      expect(roundTrips(randomBytes(n, n)), `${n} random`).toBe(true);
    }
  });

  test('inputs at and past the 64 KiB fragments: random, runs across the boundary, a repeat from the previous fragment', () => {
    for (const n of [65_535, 65_536, 65_537, 2 * 65_536 + 1, 1 << 20]) expect(roundTrips(randomBytes(n, n)), `random ${n}`).toBe(true);
    expect(roundTrips(runs([[1, 65_530], [2, 20], [3, 200_000]]))).toBe(true);
    const block = randomBytes(40 * KIB, 3);
    expect(roundTrips(concatBytes([block, block, block]))).toBe(true);
    // A long run compresses to a few bytes per 64 bytes of copy.
    expect(snappyCompress(new Uint8Array(1 << 20)).length).toBeLessThan((1 << 20) / 16);
  });

  test('inputs of several MiB round-trip, and a small input compresses the same after them', () => {
    const small = periodic(randomBytes(1000, 5), 300 * KIB, 0.01, 5);
    const before = snappyCompress(small);
    for (const n of [4 * MIB, 4 * MIB + 1, 9 * MIB]) expect(roundTrips(periodic(randomBytes(5000, n), n, 0.01, n)), `${n} bytes`).toBe(true);
    expect(roundTrips(randomBytes(5 * MIB, 6))).toBe(true);
    expect(same(snappyCompress(small), before)).toBe(true);
  });

  test('the Parquet page payloads of the benchmark round-trip with both decoders, within the format\'s size bound', () => {
    for (const { name, bytes } of snappyInputs()) {
      expect(roundTrips(bytes), name).toBe(true);
      expect(snappyCompress(bytes).length, name).toBeLessThanOrEqual(32 + bytes.length + Math.floor(bytes.length / 6));
    }
  });

  test('float columns of a few megabytes round-trip, a run of one value compressed away', () => {
    let s = 12345;
    const floats = Float32Array.from({ length: 1 << 20 }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 10);
    const without = snappyCompress(new Uint8Array(floats.slice().buffer)).length;
    floats.fill(1.5, 1000, 5000);
    const bytes = new Uint8Array(floats.buffer);
    expect(roundTrips(bytes)).toBe(true);
    // 4,000 repeats of 1.5 are 16,000 bytes of one 4-byte pattern: all but a few bytes of them go.
    expect(snappyCompress(bytes).length).toBeLessThan(without - 15_000);
  });

  test('a view into a larger buffer (a page inside a batch\'s buffer) compresses like a copy of it', () => {
    const buffer = compressorInputs()[6]!.bytes;
    const view = buffer.subarray(3, 500_003);
    expect(same(snappyCompress(view), snappyCompress(view.slice()))).toBe(true);
    expect(roundTrips(view)).toBe(true);
  });

  test('pages over 1 MiB (frames of many fragments) are read by DuckDB and Polars as the same data uncompressed', async () => {
    const files = writePagesBothWays('SNAPPY', snappyCompress);
    expect(await duckView(files)).toEqual({ codecs: ['SNAPPY'], rows: 150_000, differences: [0, 0] });
    const [compressed, plain] = [pl.readParquet(files.compressed), pl.readParquet(files.plain)];
    expect(compressed.height).toBe(150_000);
    expect(compressed.frameEqual(plain, true)).toBe(true);
  });
});

describe('the SNAPPY pages of a file bn1d writes', () => {
  /** Every page of a file, with the bytes its compressed part decodes to (by both decoders alike). */
  function snappyPages(file: Uint8Array) {
    return parquetPages(file).map((page) => {
      expect(page.codec).toBe('SNAPPY');
      const [raw, again] = decodeBoth(page.data, page.size);
      expect(same(raw, again)).toBe(true);
      return { ...page, raw };
    });
  }

  test("are all bn1d's compressor's output, on the typed-array, list, hyparquet-writer and dictionary paths alike", async () => {
    const dir = tempDir();
    const source = `${dir}/source.parquet`;
    const db = await duckdb();
    await db.run(`COPY (SELECT i::DOUBLE / 7 AS x, CASE WHEN i % 3 = 0 THEN NULL ELSE i END::BIGINT AS n, 'name ' || (i % 20) AS s,
      'note ' || (hash(i) % 100000) || ' of row ' || i AS t, i % 2 = 0 AS b,
      [i / 2, NULL]::FLOAT[] AS l, {'a': i, 'b': 'b' || (i % 500)} AS st FROM range(200000) r(i)) TO '${source}' (FORMAT parquet)`);
    db.closeSync();
    const original = await readParquet(source);
    const file = await writeParquet(original.schema, original.batches, { parquetColumns: original.parquetColumns, compression: 'SNAPPY' });
    const pages = snappyPages(file);
    // Every path wrote pages, some of them past one 64 KiB fragment, and dictionaries.
    expect(new Set(pages.map((page) => page.path))).toEqual(new Set(['x', 'n', 's', 't', 'b', 'l.list.element', 'st.a', 'st.b']));
    expect(pages.some((page) => page.type === 'DICTIONARY_PAGE')).toBe(true);
    expect(pages.some((page) => page.raw.length > 64 * KIB)).toBe(true);
    for (const page of pages) expect(same(page.data, compress('SNAPPY', page.raw)), `${page.path} ${page.type}`).toBe(true);
  });
});
