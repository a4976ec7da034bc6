/**
 * Brings a data message's body into the shape apache-arrow's arrays view
 * without copying: every buffer uncompressed and 8-byte aligned. A
 * compressed or misaligned body is rebuilt into a new body, with the
 * buffers' new regions.
 */
import { decompressInto } from './codecs.js';
import { ArrowFormatError } from './format-error.js';
import type { BatchMeta } from './message.js';

/** A buffer's place in a message body. */
export interface Region {
  readonly offset: number;
  readonly length: number;
}

/** A data message's body, ready for its columns to be built, and its buffers' regions in it. */
export interface PreparedBody {
  readonly body: Uint8Array;
  readonly buffers: readonly Region[];
}

/** The largest buffer a compressed body may declare once uncompressed. */
const MAX_BUFFER = 2 ** 31 - 1;

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The body with every buffer uncompressed and aligned; untouched (zero-copy) when it already is. */
export function prepareBody(batch: BatchMeta, body: Uint8Array): PreparedBody {
  const aligned = body.byteOffset % 8 === 0 && batch.buffers.every((b) => b.offset % 8 === 0);
  if (batch.codec === null && aligned) return { body, buffers: batch.buffers };
  const sources = batch.buffers.map((b) => body.subarray(b.offset, b.offset + b.length));
  const sizes = sources.map((src) => (batch.codec === null ? src.length : uncompressedSize(src)));
  let total = 0;
  const regions = sizes.map((length) => {
    const region = { offset: total, length };
    total += align8(length);
    return region;
  });
  const out = new Uint8Array(total);
  sources.forEach((src, i) => {
    const target = out.subarray(regions[i]!.offset, regions[i]!.offset + regions[i]!.length);
    if (batch.codec === null || src.length === 0) target.set(src);
    else if (src.length - 8 === target.length && readInt64(src) === -1n) target.set(src.subarray(8));
    else decompress(batch.codec, src.subarray(8), target);
  });
  return { body: out, buffers: regions };
}

/** A compressed buffer's size once uncompressed, from its 8-byte prefix (-1: stored uncompressed). */
function uncompressedSize(src: Uint8Array): number {
  if (src.length === 0) return 0;
  if (src.length < 8) throw new ArrowFormatError('corrupt compressed buffer (shorter than its length prefix)');
  const declared = readInt64(src);
  if (declared === -1n) return src.length - 8;
  if (declared < 0n || declared > BigInt(MAX_BUFFER)) {
    throw new ArrowFormatError(`corrupt compressed buffer (uncompressed length ${declared})`);
  }
  return Number(declared);
}

function readInt64(src: Uint8Array): bigint {
  return new DataView(src.buffer, src.byteOffset, 8).getBigInt64(0, true);
}

function decompress(codec: number, input: Uint8Array, target: Uint8Array): void {
  try {
    decompressInto(codec, input, target);
  } catch (error) {
    if (error instanceof ArrowFormatError) throw error;
    throw new ArrowFormatError(`corrupt compressed buffer (${(error as Error).message})`);
  }
}
