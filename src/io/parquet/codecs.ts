/**
 * The compression codecs of Parquet outputs: the names `--compression` takes,
 * the Parquet codec each one writes, and its compressor. GZIP and BROTLI
 * come from Node's zlib (at levels that cost about as much time as the
 * other codecs: brotli's top quality is a hundred times slower); SNAPPY,
 * ZSTD and LZ4_RAW are pure TypeScript. SNAPPY is bn1d's port of the
 * reference compressor: on the pages bn1d re-encodes most, normalized
 * features, which barely compress, it is 3-8x faster than hysnappy's wasm
 * (BENCHMARKS.md, "Snappy compressors"). These are the compressors of every
 * page of every write path.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { CompressionCodec } from 'hyparquet';
import { lz4RawCompress } from '../codecs/lz4-compress.js';
import { snappyCompress } from '../codecs/snappy-compress.js';
import { zstdCompress } from '../codecs/zstd-compress.js';

/** A page compressor. */
export type Compressor = (input: Uint8Array) => Uint8Array;

const COMPRESSORS = {
  SNAPPY: snappyCompress,
  GZIP: (input: Uint8Array) => gzipSync(input, { level: 6 }),
  BROTLI: (input: Uint8Array) =>
    brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: input.length } }),
  ZSTD: zstdCompress,
  LZ4_RAW: lz4RawCompress,
} satisfies Partial<Record<CompressionCodec, Compressor>>;

/** The codecs bn1d writes. */
export type WriteCodec = keyof typeof COMPRESSORS | 'UNCOMPRESSED';

/** `--compression` names and the codec each writes. */
const NAMES = { zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP', brotli: 'BROTLI', lz4: 'LZ4_RAW', none: 'UNCOMPRESSED' } as const satisfies Record<string, WriteCodec>;

/** The names `--compression` takes. */
export const COMPRESSION_NAMES = Object.keys(NAMES) as (keyof typeof NAMES)[];
export type CompressionName = keyof typeof NAMES;

/** The codec a `--compression` name writes. */
export function codecOf(name: CompressionName): WriteCodec {
  return NAMES[name];
}

/** The codec that follows an input's: the same where bn1d writes it, LZ4 in either flavour as LZ4_RAW, otherwise SNAPPY. */
export function followCodec(codec: CompressionCodec): WriteCodec {
  const wanted = codec === 'LZ4' ? 'LZ4_RAW' : codec;
  return wanted === 'UNCOMPRESSED' || wanted in COMPRESSORS ? (wanted as WriteCodec) : 'SNAPPY';
}

/** Where SNAPPY, ZSTD and LZ4_RAW pages are compressed: one buffer used again for every page. */
let scratch = new Uint8Array(0);

/**
 * `input` compressed with `codec` (UNCOMPRESSED returns it as it is). The
 * bytes are valid until the next call (SNAPPY, ZSTD and LZ4_RAW write them
 * into one buffer used again, so that compressing a page allocates nothing):
 * copy them before compressing another page.
 */
export function compress(codec: WriteCodec, input: Uint8Array): Uint8Array {
  if (codec === 'UNCOMPRESSED') return input;
  if (codec === 'GZIP' || codec === 'BROTLI') return COMPRESSORS[codec](input);
  // Longer than any of the three can make of `input`.
  const room = input.length + (input.length >> 2) + 1024;
  if (scratch.length < room) scratch = new Uint8Array(room);
  return COMPRESSORS[codec](input, scratch);
}
