/**
 * bn1d's Snappy decoder (src/io/codecs/snappy-decode.ts): whole, it gives
 * back what the compressor took and what hysnappy (the C decoder in wasm)
 * decodes from real writers' pages; fed in blocks of any size through a
 * 64 KiB window, it gives the same bytes; a copy from beyond its window
 * stops it with SnappyFarCopy (the stream still decodes whole); and a
 * corrupt stream fails with the same message either way.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { snappyUncompressor } from 'hysnappy';
import { afterAll, describe, expect, test } from 'vitest';
import { SnappyDecoder, snappyDecompress, SnappyFarCopy, SNAPPY_WINDOW } from '../../../src/io/codecs/snappy-decode.js';
import { compress } from '../../../src/io/parquet/codecs.js';
import { duckdb, removeTempDirs, tempDir } from '../parquet/helpers.js';
import { walkPages } from '../parquet/page-walk.js';
import { periodic, randomBytes, same } from './compressor-data.js';

afterAll(removeTempDirs);

const KIB = 1024;
const snappyCompress = (input: Uint8Array) => compress('SNAPPY', input);

/**
 * `input` decoded by a decoder of `window` bytes fed `block` bytes at a
 * time (the bytes an element cut by a block's end left, then the next
 * block) and taken `take` bytes at a time.
 */
function streamed(input: Uint8Array, size: number, block: number, take: number, window = SNAPPY_WINDOW): Uint8Array {
  const decoder = new SnappyDecoder(size, window, window + block);
  const out = new Uint8Array(size);
  let got = 0;
  let pos = 0;
  let end = 0;
  for (;;) {
    const before = [pos, decoder.produced];
    pos = decoder.decode(input, pos, end);
    while (decoder.available) got += decoder.take(out, got, Math.min(take, size - got));
    if (pos === before[0] && decoder.produced === before[1]) {
      if (end === input.length) break;
      end = Math.min(input.length, end + block);
    }
  }
  decoder.finish(pos, input.length, true);
  return out;
}

/** A literal element of `bytes`. */
function literal(bytes: Uint8Array): number[] {
  const n = bytes.length - 1;
  const head = n < 60 ? [n << 2] : n < 256 ? [60 << 2, n] : n < 65536 ? [61 << 2, n & 255, n >> 8] : [62 << 2, n & 255, (n >> 8) & 255, n >> 16];
  return [...head, ...bytes];
}

/** A copy element with a 4-byte offset (tag 3): `length` bytes from `offset` back. */
function copy4(length: number, offset: number): number[] {
  return [((length - 1) << 2) | 3, offset & 255, (offset >> 8) & 255, (offset >> 16) & 255, offset >>> 24];
}

/** The varint at a stream's start. */
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  return [...out, n];
}

const anyInput = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.tuple(fc.integer({ min: 1, max: 200 * KIB }), fc.integer()).map(([n, seed]) => randomBytes(n, seed)),
  fc
    .tuple(fc.integer({ min: 1, max: 70 * KIB }), fc.integer({ min: 1, max: 300 * KIB }), fc.constantFrom(0, 0.01, 0.2), fc.integer())
    .map(([period, n, noise, seed]) => periodic(randomBytes(period, seed), n, noise, seed)),
);

describe('valid streams', () => {
  test('property: whole, or fed and taken in any sizes through a 64 KiB window, a stream is the input that was compressed', () => {
    fc.assert(
      fc.property(anyInput, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 100_000 }), (input, block, take) => {
        const compressed = snappyCompress(input);
        expect(same(snappyDecompress(compressed, input.length), input)).toBe(true);
        expect(same(streamed(compressed, input.length, block, take), input)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  test("DuckDB's SNAPPY pages decode, whole and in blocks, to what hysnappy decodes them to", async () => {
    const path = join(tempDir(), 'duck.parquet');
    const select = "SELECT i::BIGINT AS id, i % 7 AS low, random() AS x, 'name ' || (i % 1000) AS s, [i, i * 2, NULL]::INTEGER[] AS l FROM range(300000) r(i)";
    await (await duckdb()).run(`COPY (${select}) TO '${path}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 100000)`);
    const wasm = snappyUncompressor();
    let pages = 0;
    for (const chunk of (await walkPages(path)).chunks) {
      for (const { header, body } of chunk.pages) {
        const size = header.uncompressed_page_size;
        const expected = wasm(body, size);
        expect(same(snappyDecompress(body, size), expected), chunk.path).toBe(true);
        expect(same(streamed(body, size, 4099, 65_537), expected), chunk.path).toBe(true);
        pages++;
      }
    }
    expect(pages).toBeGreaterThan(15);
  });
});

describe('a copy from beyond the window', () => {
  // 70,000 bytes, then the first 64 of them again from 70,000 bytes back: a stream no 64 KiB encoder writes.
  const head = randomBytes(70_000, 7);
  const stream = Uint8Array.from([...varint(70_064), ...literal(head), ...copy4(64, 70_000)]);
  const expected = Uint8Array.from([...head, ...head.subarray(0, 64)]);

  test('decodes whole', () => {
    expect(same(snappyDecompress(stream, 70_064), expected)).toBe(true);
  });

  test('stops a 64 KiB window with SnappyFarCopy, and a window that reaches it decodes it', () => {
    expect(() => streamed(stream, 70_064, 1000, 4096)).toThrow(SnappyFarCopy);
    expect(same(streamed(stream, 70_064, 1000, 4096, 70_000), expected)).toBe(true);
  });
});

describe('corrupt streams fail the same way whole and in blocks', () => {
  const bytes = randomBytes(300, 3);
  const cases: [string, number[], number, RegExp][] = [
    ['empty', [], 10, /ends before its length/],
    ['a length over 32 bits', [0xff, 0xff, 0xff, 0xff, 0x1f], 10, /over 32 bits/],
    ['a length other than the page says', [...varint(11), ...literal(bytes.subarray(0, 11))], 10, /of 11 bytes where 10 were expected/],
    ['cut inside a literal', [...varint(300), ...literal(bytes).slice(0, 200)], 300, /ends after 197 of its 300 bytes/],
    ['a copy from offset 0', [...varint(20), ...literal(bytes.subarray(0, 10)), ...copy4(10, 0)], 20, /copy from 0 bytes back/],
    ['a copy from before the start', [...varint(20), ...literal(bytes.subarray(0, 10)), ...copy4(10, 11)], 20, /copy from 11 bytes back, after 10 bytes/],
    ['a copy past the end', [...varint(15), ...literal(bytes.subarray(0, 10)), ...copy4(10, 10)], 15, /copy of 10 bytes runs past the 15 bytes/],
    ['a literal past the end', [...varint(5), ...literal(bytes.subarray(0, 10))], 5, /literal of 10 bytes runs past the 5 bytes/],
    ['bytes after its end', [...varint(10), ...literal(bytes.subarray(0, 10)), 0], 10, /literal of 1 bytes runs past/],
    ['a literal length cut by the end', [...varint(10), 61 << 2, 3], 10, /ends after 0 of its 10 bytes/],
  ];
  test.each(cases)('%s', (_, stream, size, message) => {
    const input = Uint8Array.from(stream);
    const whole = (() => { try { snappyDecompress(input, size); } catch (error) { return (error as Error).message; } })();
    expect(whole).toMatch(message);
    for (const block of [1, 3, 64]) expect(() => streamed(input, size, block, 7)).toThrow(whole);
  });
});
