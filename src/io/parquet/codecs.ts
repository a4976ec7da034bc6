/**
 * The compression codecs of Parquet outputs: the names `--compression` takes,
 * the Parquet codec each one writes, and its compressor. GZIP and BROTLI
 * come from Node's zlib (at levels that cost about as much time as the
 * other codecs: brotli's top quality is a hundred times slower); SNAPPY is
 * hysnappy, the reference C code built to wasm (the fastest Snappy at hand
 * on the pages bn1d writes: BENCHMARKS.md, "Snappy compressors"); ZSTD and
 * LZ4_RAW are pure TypeScript. These are the compressors of every page of
 * every write path: hyparquet-writer's own Snappy, which its ParquetWriter
 * puts under the ones it is given, is never used.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { CompressionCodec } from 'hyparquet';
import { snappyCompress as snappyOnce, snappyCompressor } from 'hysnappy';
import { lz4RawCompress } from '../codecs/lz4-compress.js';
import { zstdCompress } from '../codecs/zstd-compress.js';

/** A page compressor. */
export type Compressor = (input: Uint8Array) => Uint8Array;

/** Inputs up to this size share one wasm instance; it keeps the memory it grows to, about 2.2 times its largest input. */
const SHARED_SNAPPY_BYTES = 4 << 20;
let sharedSnappy: Compressor | undefined;

/**
 * Snappy: data pages (at most 1 MiB of values) go through one instance,
 * made on first use; a larger input (a big dictionary page) gets an
 * instance of its own, whose memory goes with it.
 */
function snappyCompress(input: Uint8Array): Uint8Array {
  if (input.length > SHARED_SNAPPY_BYTES) return snappyOnce(input);
  sharedSnappy ??= snappyCompressor();
  return sharedSnappy(input);
}

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

/** `input` compressed with `codec` (UNCOMPRESSED returns it as it is). */
export function compress(codec: WriteCodec, input: Uint8Array): Uint8Array {
  return codec === 'UNCOMPRESSED' ? input : COMPRESSORS[codec](input);
}
