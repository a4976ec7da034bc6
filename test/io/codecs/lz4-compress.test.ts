/**
 * lz4RawCompress: LZ4 blocks that hyparquet's decoder and the reference
 * decoder (`lz4 -d`, with the block in a frame) decode back to the input,
 * that keep the block format's end rules, compress about as well as
 * `lz4 -1`, and that DuckDB reads as LZ4_RAW Parquet pages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { decompressLz4Raw } from 'hyparquet-compressors';
import { afterAll, describe, expect, test } from 'vitest';
import { compressorInputs, concatBytes } from '../../../bench/compressor-inputs.mjs';
import { lz4RawCompress } from '../../../src/io/codecs/lz4-compress.js';
import { duckReadsPages } from '../parquet/compressed-parquet.js';
import { periodic, randomBytes, same } from './compressor-data.js';
import { removeTempDirs } from '../parquet/helpers.js';

afterAll(removeTempDirs);

const LZ4 = '/usr/bin/lz4';
/** An LZ4 frame header: independent blocks of up to 4 MiB, no checksums (what `lz4 --no-frame-crc -B7` writes). */
const FRAME_HEADER = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0x73];

/**
 * Decodes a block with the format's rules checked (LZ4 block format:
 * offsets from 1 to 65535 into what is decoded; the last sequence is
 * literals only; no match starts in the last 12 bytes or ends in the last 5).
 */
function decodeStrictly(block: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  let i = 0;
  const length = (n: number) => {
    if (n < 15) return n;
    for (let byte = 255; byte === 255; n += byte) byte = block[i++]!;
    return n;
  };
  for (;;) {
    const token = block[i++]!;
    const literals = length(token >> 4);
    out.set(block.subarray(i, i + literals), at);
    i += literals;
    at += literals;
    if (i === block.length) break;
    const offset = block[i]! | (block[i + 1]! << 8);
    i += 2;
    const matched = length(token & 15) + 4;
    if (offset < 1 || offset > Math.min(65535, at)) throw new Error(`offset ${offset} at ${at}`);
    if (at > size - 12 || at + matched > size - 5) throw new Error(`match of ${matched} at ${at} in the last bytes of ${size}`);
    for (let k = 0; k < matched; k++, at++) out[at] = out[at - offset]!;
  }
  if (at !== size) throw new Error(`${at} bytes decoded, ${size} expected`);
  return out;
}

/** Whether both decoders give the input back, and the block keeps the format's rules. */
function roundTrips(input: Uint8Array): boolean {
  const block = lz4RawCompress(input);
  return same(decompressLz4Raw(block, input.length), input) && same(decodeStrictly(block, input.length), input);
}

/** The reference decoder's output for a block, put in a frame. */
function referenceDecode(block: Uint8Array): Uint8Array {
  const size = Uint8Array.of(block.length, block.length >>> 8, block.length >>> 16, block.length >>> 24);
  const run = spawnSync(LZ4, ['-d', '-c', '-q'], { input: concatBytes([Uint8Array.from(FRAME_HEADER), size, block, new Uint8Array(4)]), maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`lz4 -d: ${run.stderr}`);
  return run.stdout;
}

describe('lz4RawCompress', () => {
  test('property: any bytes decompress back to themselves, within the format rules', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), (bytes) => {
        expect(roundTrips(bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('property: periodic data (periods around the 64 KiB offset limit too), runs and noise round-trip and shrink', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 65_530, max: 65_540 })),
        fc.integer({ min: 1, max: 300_000 }),
        fc.constantFrom(0, 0.001, 0.05),
        fc.integer(),
        (period, size, noise, seed) => {
          const bytes = periodic(randomBytes(period, seed), size, noise, seed);
          expect(roundTrips(bytes)).toBe(true);
          // One period of literals, then a match whose length takes a byte per 255: all but a few bytes of it.
          if (period <= 300 && noise === 0 && size > 10_000) expect(lz4RawCompress(bytes).length).toBeLessThan(period + size / 200 + 32);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('long literal runs and long matches (lengths past 15 + 255), offsets of 65535 and just past', () => {
    const stretch = randomBytes(70_000, 1);
    for (const distance of [65_535, 65_536, 65_537]) {
      const bytes = concatBytes([stretch.subarray(0, distance), stretch.subarray(0, 4000), randomBytes(20, 2)]);
      expect(roundTrips(bytes)).toBe(true);
      // A copy 65535 bytes back is one match; further back it is literals.
      expect(lz4RawCompress(bytes).length < distance + 1000).toBe(distance === 65_535);
    }
    expect(roundTrips(concatBytes([randomBytes(600, 3), new Uint8Array(100_000), randomBytes(600, 4)]))).toBe(true);
  });

  test('a view into a larger buffer (a page inside a batch\'s buffer) compresses like a copy of it', () => {
    const buffer = periodic(randomBytes(3000, 8), 400_003, 0.01, 8);
    const view = buffer.subarray(3, 400_000);
    expect(same(lz4RawCompress(view), lz4RawCompress(view.slice()))).toBe(true);
    expect(roundTrips(view)).toBe(true);
  });

  test('the smallest blocks: empty input is the one token reference decoders expect, under 13 bytes all literals', () => {
    expect([...lz4RawCompress(new Uint8Array(0))]).toEqual([0]);
    for (let n = 1; n <= 12; n++) {
      const bytes = new Uint8Array(n).fill(5);
      expect([...lz4RawCompress(bytes)]).toEqual([n << 4, ...bytes]);
    }
    const run = new Uint8Array(13).fill(5);
    expect(lz4RawCompress(run).length).toBeLessThan(13);
    expect(roundTrips(run)).toBe(true);
  });

  test('real columns and typical pages compress as measured (as well as lz4 -1, within a few tenths of a percent)', () => {
    // Ratios measured with this compressor, a little margin above (lz4 -1 in parentheses; see BENCHMARKS.md).
    const limits: Record<string, number> = {
      'wine features, float64': 0.455, // 44.7%
      'breast_cancer features, float64': 0.67, // 70.5%
      'real float features standardized, float64': 0.89, // 88.5%
      'real float features standardized, float32': 0.99, // 99.0%
      'digits pixels standardized, float32': 0.3, // 29.4%
      'digits pixels, int64': 0.22, // 21.7%
      'all real features, float64, first 1 MiB': 0.29, // 29.0%
      'normal floats, float64, 1 MiB': 1.005, // 100.0% (stored: the frame format keeps incompressible blocks as they are)
      'normal floats, float32, 1 MiB': 1.005, // 100.0%
      'int64 ids, 1 MiB': 0.51, // 50.2%
      'strings, length-prefixed, 1 MiB': 0.5, // 50.4%
      'definition levels, 5% nulls': 0.69, // 70.9%
      'definition levels, null runs': 0.945, // 94.0%
    };
    const inputs = compressorInputs();
    expect(inputs.map((input) => input.name)).toEqual(Object.keys(limits));
    const ratios = inputs.map(({ name, bytes }) => [name, lz4RawCompress(bytes).length / bytes.length] as const);
    expect(ratios.filter(([name, ratio]) => ratio >= limits[name]!)).toEqual([]);
    for (const { bytes } of inputs) expect(roundTrips(bytes)).toBe(true);
  });

  test.skipIf(!existsSync(LZ4))('the reference decoder (needs the lz4 CLI at /usr/bin/lz4) decodes the blocks, which the rules it checks allow', () => {
    const inputs = [new Uint8Array(0), Uint8Array.of(9), new Uint8Array(12), new Uint8Array(13), randomBytes(100_000, 6), ...compressorInputs().map((input) => input.bytes)];
    for (const bytes of inputs) expect(same(referenceDecode(lz4RawCompress(bytes)), bytes)).toBe(true);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 200_000 }), fc.constantFrom(0, 0.01, 0.2), fc.integer(), (motif, size, noise, seed) => {
        const bytes = periodic(motif, size, noise, seed);
        expect(same(referenceDecode(lz4RawCompress(bytes)), bytes)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  test('a Parquet file with LZ4_RAW pages from lz4RawCompress reads back in DuckDB', async () => {
    const view = await duckReadsPages('LZ4_RAW', lz4RawCompress);
    expect(view).toEqual({ codecs: ['LZ4_RAW'], rows: 150_000, differences: [0, 0] });
  });
});
