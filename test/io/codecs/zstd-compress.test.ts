/**
 * zstdCompress: frames that fzstd (hyparquet's decoder) and the reference
 * `zstd -d` decode back to the input, for random, structured and real data,
 * that really compress (Huffman literals, FSE sequences, RLE and raw blocks
 * where they belong), and that DuckDB reads as Parquet pages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { decompressZstd } from 'hyparquet-compressors';
import { afterAll, describe, expect, test } from 'vitest';
import { compressorInputs, concatBytes } from '../../../bench/compressor-inputs.mjs';
import { seededRandom } from '../../../src/core/random.js';
import { zstdCompress } from '../../../src/io/codecs/zstd-compress.js';
import { duckReadsPages } from '../parquet/compressed-parquet.js';
import { periodic, randomBytes, same } from './compressor-data.js';
import { removeTempDirs } from '../parquet/helpers.js';
import { parseFrame, referenceDecode, ZSTD } from './zstd-frame.js';

afterAll(removeTempDirs);

const KIB = 1024;
const MIB = 1024 * KIB;

/** Whether fzstd, decoding into a buffer of the input's size as bn1d's Parquet reader does, gives the input back. */
function roundTrips(input: Uint8Array): boolean {
  return same(decompressZstd(zstdCompress(input), new Uint8Array(input.length)), input);
}

describe('zstdCompress', () => {
  test('property: any bytes decompress back to themselves', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        expect(roundTrips(bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('property: runs, periodic motifs and noisy repeats, across block boundaries, round-trip and shrink', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 400_000 }),
        fc.constantFrom(0, 0.001, 0.05, 0.3),
        fc.integer(),
        (motif, size, noise, seed) => {
          const bytes = periodic(motif, size, noise, seed);
          expect(roundTrips(bytes)).toBe(true);
          if (size > 20_000 && noise <= 0.001) expect(zstdCompress(bytes).length).toBeLessThan(size / 10);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('property: records copied from one or two periods back (repeat offsets, with and without literals between) round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1000, max: 200_000 }), fc.integer(), (widths, size, seed) => {
        const random = seededRandom(seed);
        const period = widths.reduce((sum, w) => sum + w, 0);
        const bytes = randomBytes(size, seed);
        for (let at = 2 * period, r = 0; at < size; r++) {
          const back = random.next() < 0.5 ? period : 2 * period;
          const end = Math.min(size, at + widths[r % widths.length]!);
          for (; at < end; at++) bytes[at] = bytes[at - back]!;
          if (random.next() < 0.3) bytes[end - 1] = random.below(256);
        }
        expect(roundTrips(bytes)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('property: a few matches of all lengths and offsets (coded with the predefined tables) round-trip', () => {
    const sequence = fc.tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 4, max: 300 }));
    let predefined = 0;
    fc.assert(
      fc.property(fc.array(sequence, { minLength: 1, maxLength: 30 }), fc.integer(), (sequences, seed) => {
        // Literals, then a copy `offset` back (from what is there so far), as a decoder would execute them.
        const random = seededRandom(seed);
        const bytes: number[] = [];
        for (const [literals, offset, length] of sequences) {
          for (let i = 0; i < literals || bytes.length === 0; i++) bytes.push(random.below(256));
          const from = bytes.length - Math.min(offset, bytes.length);
          for (let i = 0; i < length; i++) bytes.push(bytes[from + i]!);
        }
        const input = Uint8Array.from(bytes);
        const modes = parseFrame(zstdCompress(input)).blocks[0]!.modes ?? 0xff;
        if (modes >> 6 === 0 && ((modes >> 4) & 3) === 0 && ((modes >> 2) & 3) === 0) predefined++;
        expect(roundTrips(input)).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(predefined).toBeGreaterThan(100);
  });

  test('sizes either side of the 128 KiB block and 1 MiB boundaries, and past 1 MiB, round-trip', () => {
    const sizes = [128 * KIB - 1, 128 * KIB, 128 * KIB + 1, 256 * KIB - 1, 256 * KIB + 7, MIB - 1, MIB, MIB + 1, 3 * MIB + 12_345];
    for (const size of sizes) {
      const bytes = periodic(randomBytes(5000, size), size, 0.02, size);
      bytes.set(randomBytes(20_000, 1), size - 20_000);
      const { blocks, contentSize } = parseFrame(zstdCompress(bytes));
      expect(contentSize).toBe(size);
      expect(blocks.length).toBe(Math.ceil(size / (128 * KIB)));
      expect(roundTrips(bytes)).toBe(true);
    }
    // Offsets of 20 and 23 bits (extra bits written in two parts): a random stretch, again after 1.3 MiB, and after 6 MiB more.
    const stretch = randomBytes(300 * KIB, 2);
    const far = concatBytes([stretch, randomBytes(MIB, 3), stretch.subarray(0, 200 * KIB), new Uint8Array(6 * MIB), stretch.subarray(0, 100 * KIB)]);
    expect(zstdCompress(far).length).toBeLessThan(far.length - 6 * MIB - 280 * KIB);
    expect(roundTrips(far)).toBe(true);
  });

  test('literals whose Huffman code would be deeper than 11 bits round-trip', () => {
    // Byte counts growing like Fibonacci numbers make the deepest Huffman code 20 bits long before limiting.
    const counts = [1, 1];
    while (counts.length < 21) counts.push(counts[counts.length - 1]! + counts[counts.length - 2]!);
    const random = seededRandom(4);
    const skewed = Uint8Array.from(counts.flatMap((count, symbol) => Array<number>(count).fill(symbol * 7)));
    for (let i = skewed.length - 1; i > 0; i--) {
      const j = random.below(i + 1);
      [skewed[i], skewed[j]] = [skewed[j]!, skewed[i]!];
    }
    expect(parseFrame(zstdCompress(skewed)).blocks.map((block) => block.literals)).toEqual(['huffman-4']);
    expect(roundTrips(skewed)).toBe(true);
  });

  test('the smallest frames: empty input, one byte, one byte repeated (an RLE block)', () => {
    expect([...zstdCompress(new Uint8Array(0))]).toEqual([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0, 1, 0, 0]);
    expect([...zstdCompress(Uint8Array.of(7))]).toEqual([0x28, 0xb5, 0x2f, 0xfd, 0x20, 1, 9, 0, 0, 7]);
    const run = new Uint8Array(300_000).fill(0xab);
    const frame = zstdCompress(run);
    expect(parseFrame(frame).blocks.map((b) => b.type)).toEqual(['rle', 'rle', 'rle']);
    expect(frame.length).toBe(4 + 1 + 4 + 3 * 4);
    for (const bytes of [new Uint8Array(0), Uint8Array.of(7), run]) expect(roundTrips(bytes)).toBe(true);
  });

  test('a view into a larger buffer (a page inside a batch\'s buffer) compresses like a copy of it', () => {
    const buffer = periodic(randomBytes(3000, 8), 400_003, 0.01, 8);
    const view = buffer.subarray(3, 400_000);
    expect(same(zstdCompress(view), zstdCompress(view.slice()))).toBe(true);
    expect(roundTrips(view)).toBe(true);
  });

  test('incompressible bytes are stored in raw blocks, within the size bound', () => {
    const bytes = randomBytes(MIB + 5, 42);
    const frame = zstdCompress(bytes);
    expect(parseFrame(frame).blocks.every((b) => b.type === 'raw')).toBe(true);
    expect(frame.length).toBe(4 + 1 + 4 + 9 * 3 + bytes.length);
    expect(roundTrips(bytes)).toBe(true);
  });

  test('typical pages use every block, literals and sequences coding: Huffman (1 and 4 streams, FSE and direct weights), predefined, RLE and FSE tables', () => {
    // A random block, then one byte and the same block again: the second block's one literal is an RLE literals section.
    const block = randomBytes(128 * KIB, 3);
    const once = concatBytes([block, Uint8Array.of(0x51), block.subarray(1)]);
    const inputs = [...compressorInputs().map((input) => input.bytes), once, new TextEncoder().encode('abcabcabd'.repeat(20) + 'xyz'.repeat(9))];
    const blocks = inputs.flatMap((bytes) => parseFrame(zstdCompress(bytes)).blocks);
    const compressed = blocks.filter((b) => b.type === 'compressed');
    expect(new Set(compressed.map((b) => b.literals))).toEqual(new Set(['raw', 'rle', 'huffman-1', 'huffman-4']));
    const trees = compressed.filter((b) => b.treeHeader !== undefined).map((b) => b.treeHeader!);
    expect(trees.some((h) => h < 128) && trees.some((h) => h >= 128)).toBe(true);
    const modes = new Set(compressed.flatMap((b) => (b.modes === undefined ? [] : [b.modes >> 6, (b.modes >> 4) & 3, (b.modes >> 2) & 3])));
    expect(modes).toEqual(new Set([0, 1, 2]));
    for (const bytes of inputs) expect(roundTrips(bytes)).toBe(true);
  });

  test('an input past the 8 MiB window gets a window descriptor, and no match reaches further back', () => {
    // The same random stretch before and after 8 MiB of zeros: matching it would take an offset over the window.
    const stretch = randomBytes(200_000, 9);
    const bytes = concatBytes([stretch, new Uint8Array(8 * MIB), stretch]);
    const frame = zstdCompress(bytes);
    const { single, windowByte, contentSize } = parseFrame(frame);
    expect([single, windowByte, contentSize]).toEqual([false, (23 - 10) << 3, bytes.length]);
    expect(frame.length).toBeGreaterThan(2 * stretch.length);
    expect(roundTrips(bytes)).toBe(true);
  });

  test('real columns and typical pages compress as measured (about as well as zstd -1)', () => {
    // Ratios measured with this compressor, a little margin above (zstd -1 in parentheses; see BENCHMARKS.md).
    const limits: Record<string, number> = {
      'wine features, float64': 0.32, // 30.1%
      'breast_cancer features, float64': 0.56, // 55.4%
      'real float features standardized, float64': 0.83, // 83.2%
      'real float features standardized, float32': 0.935, // 92.3%
      'digits pixels standardized, float32': 0.2, // 19.7%
      'digits pixels, int64': 0.06, // 5.8%
      'all real features, float64, first 1 MiB': 0.165, // 16.7%
      'normal floats, float64, 1 MiB': 0.96, // 95.5%
      'normal floats, float32, 1 MiB': 0.9, // 89.4%
      'int64 ids, 1 MiB': 0.135, // 13.0%
      'strings, length-prefixed, 1 MiB': 0.32, // 28.9%
      'definition levels, 5% nulls': 0.52, // 51.3%
      'definition levels, null runs': 0.7, // 68.9%
    };
    const inputs = compressorInputs();
    expect(inputs.map((input) => input.name)).toEqual(Object.keys(limits));
    const ratios = inputs.map(({ name, bytes }) => [name, zstdCompress(bytes).length / bytes.length] as const);
    expect(ratios.filter(([name, ratio]) => ratio >= limits[name]!)).toEqual([]);
  });

  test.skipIf(!existsSync(ZSTD))('the reference decoder (needs the zstd CLI at /usr/bin/zstd) decodes every kind of frame, and they are within 15% of zstd -1', () => {
    const inputs = [
      new Uint8Array(0),
      Uint8Array.of(1),
      new Uint8Array(200_000).fill(3),
      randomBytes(300_000, 5),
      periodic(randomBytes(700, 1), 1_500_000, 0.01, 2),
      concatBytes([randomBytes(100_000, 9), new Uint8Array(8 * MIB + 5), randomBytes(100_000, 9)]),
      ...compressorInputs().map((input) => input.bytes),
    ];
    for (const bytes of inputs) expect(same(referenceDecode(zstdCompress(bytes)), bytes)).toBe(true);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 300_000 }), fc.constantFrom(0, 0.01, 0.2), fc.integer(), (motif, size, noise, seed) => {
        const bytes = periodic(motif, size, noise, seed);
        expect(same(referenceDecode(zstdCompress(bytes)), bytes)).toBe(true);
      }),
      { numRuns: 40 },
    );
    const ratios = compressorInputs().map(({ name, bytes }) => [name, zstdCompress(bytes).length / spawnSync(ZSTD, ['-1', '-c', '-q', '--no-check'], { input: bytes }).stdout.length] as const);
    expect(ratios.filter(([, ratio]) => ratio > 1.15)).toEqual([]);
  });

  test('a Parquet file with ZSTD pages from zstdCompress reads back in DuckDB', async () => {
    const view = await duckReadsPages('ZSTD', zstdCompress);
    expect(view).toEqual({ codecs: ['ZSTD'], rows: 150_000, differences: [0, 0] });
  });
});
