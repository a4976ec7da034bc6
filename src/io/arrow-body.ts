/**
 * Brings a data message's body into the shape apache-arrow loads without
 * copying: every buffer uncompressed and 8-byte aligned. A compressed or
 * misaligned body is rebuilt, and its metadata rewritten to match: new
 * buffer regions and body length, and no compression. A prepared message
 * can also be rebuilt with other buffers and field node lengths.
 */
import { decompressInto } from './arrow-codecs.js';
import { ArrowFormatError } from './arrow-format-error.js';
import type { MessageMeta } from './arrow-message.js';

/** A buffer's place in a message body. */
export interface Region {
  readonly offset: number;
  readonly length: number;
}

/** A data message ready for apache-arrow. */
export interface PreparedBody {
  readonly metadata: Uint8Array;
  readonly body: Uint8Array;
  readonly buffers: readonly Region[];
}

/** The largest buffer a compressed body may declare once uncompressed. */
const MAX_BUFFER = 2 ** 31 - 1;

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The body with every buffer uncompressed and aligned; untouched (zero-copy) when it already is. */
export function prepareBody(meta: MessageMeta, metadata: Uint8Array, body: Uint8Array): PreparedBody {
  const batch = meta.batch!;
  const aligned = body.byteOffset % 8 === 0 && batch.buffers.every((b) => b.offset % 8 === 0);
  if (batch.codec === null && aligned) return { metadata, body, buffers: batch.buffers };
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
  return { metadata: rewriteMetadata(meta, metadata, regions, total, batch.codec !== null, new Map()), body: out, buffers: regions };
}

/** A field node's counts. */
export interface NodeCounts {
  readonly length: number;
  readonly nullCount: number;
}

/** A prepared message rebuilt with these buffers (laid out aligned in a new body) and the field nodes of `nodes` changed. */
export function replaceBuffers(meta: MessageMeta, prepared: PreparedBody, buffers: readonly Uint8Array[], nodes: ReadonlyMap<number, NodeCounts>): PreparedBody {
  let total = 0;
  const regions = buffers.map((buffer) => {
    const region = { offset: total, length: buffer.length };
    total += align8(buffer.length);
    return region;
  });
  const body = new Uint8Array(total);
  buffers.forEach((buffer, i) => body.set(buffer, regions[i]!.offset));
  return { metadata: rewriteMetadata(meta, prepared.metadata, regions, total, false, nodes), body, buffers: regions };
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

/**
 * A copy of the metadata with the new regions (no more than there were),
 * field node counts and body length written in place. Compression is
 * dropped by pointing the batch table at a copy of its vtable, appended at
 * the end, whose compression entry is zero: the original vtable may be
 * shared with other tables.
 */
function rewriteMetadata(
  meta: MessageMeta,
  metadata: Uint8Array,
  regions: readonly Region[],
  bodyLength: number,
  dropCompression: boolean,
  nodes: ReadonlyMap<number, NodeCounts>,
): Uint8Array {
  const batch = meta.batch!;
  const vtable = batch.table.vtableRange();
  const vtableAt = align8(metadata.length);
  const out = new Uint8Array(align8(vtableAt + vtable.size));
  out.set(metadata);
  const view = new DataView(out.buffer);
  if (regions.length !== batch.buffers.length) view.setUint32(batch.buffersAt - 4, regions.length, true);
  regions.forEach((region, i) => {
    view.setBigInt64(batch.buffersAt + 16 * i, BigInt(region.offset), true);
    view.setBigInt64(batch.buffersAt + 16 * i + 8, BigInt(region.length), true);
  });
  for (const [i, node] of nodes) {
    view.setBigInt64(batch.nodesAt + 16 * i, BigInt(node.length), true);
    view.setBigInt64(batch.nodesAt + 16 * i + 8, BigInt(node.nullCount), true);
  }
  if (meta.bodyLengthAt !== 0) view.setBigInt64(meta.bodyLengthAt, BigInt(bodyLength), true);
  else if (bodyLength !== 0) throw new ArrowFormatError('corrupt metadata (buffers in a message without a body)');
  if (dropCompression) {
    out.set(metadata.subarray(vtable.at, vtable.at + vtable.size), vtableAt);
    const compressionEntry = 4 + 2 * 3; // RecordBatch.compression is field 3
    if (compressionEntry + 2 <= vtable.size) view.setUint16(vtableAt + compressionEntry, 0, true);
    view.setInt32(batch.table.pos, batch.table.pos - vtableAt, true);
  }
  return out;
}
