/**
 * Reading and checking the metadata of one Arrow IPC message (a Message
 * flatbuffer): version, kind, body length, and for data messages the field
 * nodes and buffer regions, each checked against the body before use.
 */
import { MetadataVersion } from 'apache-arrow';
import { FbTable } from './flatbuffer.js';
import { ArrowFormatError } from './format-error.js';
import { metadataMap } from './types.js';

/** The `MessageHeader` union of Arrow's Message.fbs. */
export const MessageType = { Schema: 1, DictionaryBatch: 2, RecordBatch: 3 } as const;

/** The longest array (rows or values) a record batch may declare. */
export const MAX_LENGTH = 2 ** 31 - 1;

/** A record batch's metadata: row count, one node per field, buffer regions of the body. */
export interface BatchMeta {
  readonly length: number;
  readonly nodes: readonly { readonly length: number; readonly nullCount: number }[];
  readonly buffers: readonly { readonly offset: number; readonly length: number }[];
  /** Position of the first FieldNode and Buffer struct in the metadata. */
  readonly nodesAt: number;
  readonly buffersAt: number;
  /** Body compression: 0 LZ4_FRAME, 1 ZSTD, null for none. */
  readonly codec: number | null;
  readonly variadicCounts: readonly number[];
}

/** One message's metadata, checked. */
export interface MessageMeta {
  readonly version: number;
  readonly type: number;
  readonly bodyLength: number;
  readonly schema: FbTable | null;
  readonly batch: BatchMeta | null;
  /** The message's custom metadata (a record batch's). */
  readonly custom: Map<string, string>;
  readonly dictionary: { readonly id: number; readonly isDelta: boolean } | null;
}

/** Returns a MetadataVersion after checking that it is one bn1d reads. */
export function checkVersion(version: number): number {
  // V4 (Arrow 0.8 to 0.17) and V5 (Arrow 1.0 on); they differ in the validity buffer of unions.
  if (version > MetadataVersion.V5) throw new ArrowFormatError(`unknown Arrow metadata version V${version + 1}`);
  if (version < MetadataVersion.V4) throw new ArrowFormatError(`Arrow metadata version V${version + 1} (before Arrow 0.8) is not supported`);
  return version;
}

/** Parses and checks a Message flatbuffer; throws ArrowFormatError. */
export function readMessageMeta(metadata: Uint8Array): MessageMeta {
  const root = FbTable.root(metadata);
  const version = checkVersion(root.int16(0));
  const type = root.uint8(1);
  if (type === 4 || type === 5) throw new ArrowFormatError('Arrow tensor messages are not supported');
  if (type < 1 || type > 3) throw new ArrowFormatError(`unknown Arrow message type ${type}`);
  const header = root.table(2);
  if (!header) throw new ArrowFormatError('message without a header');
  const bodyLength = toLength(root.int64(3), 'message body length', Number.MAX_SAFE_INTEGER);
  const custom = metadataMap(root.tables(4));
  const meta = { version, type, bodyLength, custom, schema: null, batch: null, dictionary: null };
  if (type === MessageType.Schema) return { ...meta, schema: header };
  if (type === MessageType.RecordBatch) return { ...meta, batch: readBatchMeta(header, bodyLength) };
  const data = header.table(1);
  if (!data) throw new ArrowFormatError('dictionary batch without data');
  const id = Number(header.int64(0));
  if (!Number.isSafeInteger(id) || id < 0) throw new ArrowFormatError('dictionary batch with an invalid id');
  return { ...meta, batch: readBatchMeta(data, bodyLength), dictionary: { id, isDelta: header.bool(2) } };
}

function readBatchMeta(table: FbTable, bodyLength: number): BatchMeta {
  const length = toLength(table.int64(0), 'record batch length', MAX_LENGTH);
  const nodeVector = table.structs(1, 16);
  const nodes = Array.from({ length: nodeVector.count }, (_, i) => {
    const at = nodeVector.at + 16 * i;
    const nodeLength = toLength(table.int64At(at), 'array length', MAX_LENGTH);
    const nullCount = toLength(table.int64At(at + 8), 'null count', nodeLength);
    return { length: nodeLength, nullCount };
  });
  const bufferVector = table.structs(2, 16);
  const buffers = Array.from({ length: bufferVector.count }, (_, i) => {
    const at = bufferVector.at + 16 * i;
    const offset = toLength(table.int64At(at), 'buffer offset', bodyLength);
    const size = toLength(table.int64At(at + 8), 'buffer length', bodyLength - offset);
    return { offset, length: size };
  });
  const compression = table.table(3);
  let codec: number | null = null;
  if (compression) {
    codec = compression.int8(0);
    if (codec !== 0 && codec !== 1) throw new ArrowFormatError(`unknown Arrow body compression codec ${codec}`);
    if (compression.int8(1) !== 0) throw new ArrowFormatError('unsupported Arrow body compression method');
  }
  const variadicCounts = table.int64s(4).map((n) => toLength(n, 'variadic buffer count', bufferVector.count));
  return { length, nodes, buffers, nodesAt: nodeVector.at, buffersAt: bufferVector.at, codec, variadicCounts };
}

/** An int64 from the file as a number in [0, max]. */
function toLength(value: bigint, what: string, max: number): number {
  if (value < 0n || value > BigInt(max)) {
    throw new ArrowFormatError(`corrupt metadata (${what} ${value} out of range)`);
  }
  return Number(value);
}
