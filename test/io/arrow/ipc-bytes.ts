/** Helpers of the Arrow tests: writing batches to bytes, reading them back independently, and finding and patching messages. */
import { RecordBatchReader, type Field, type RecordBatch, type Schema } from 'apache-arrow';
import { expect } from 'vitest';
import { FbTable } from '../../../src/io/arrow/flatbuffer.js';
import { readMessageMeta, type MessageMeta } from '../../../src/io/arrow/message.js';
import { createArrowWriter } from '../../../src/io/arrow/write.js';
import { memorySink } from '../../helpers/memory-sink.js';

/** The batches written by createArrowWriter, as the bytes of a file or stream (the sink must be ended). */
export async function writeBatches(schema: Schema, batches: readonly RecordBatch[], kind: 'file' | 'stream'): Promise<Uint8Array> {
  const sink = memorySink();
  const writer = createArrowWriter(sink, schema, kind);
  for (const batch of batches) await writer.write(batch);
  await writer.finish();
  expect(sink.ended).toBe(true);
  return sink.bytes();
}

/** A message of IPC bytes, with where its flatbuffer and its body start. */
export interface Located {
  metadataAt: number;
  bodyAt: number;
  meta: MessageMeta;
  root: FbTable;
}

/** The messages of a stream, or of the stream inside a file (modern framing), with their positions. */
export function messages(bytes: Uint8Array): Located[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Located[] = [];
  for (let at = bytes[0] === 0x41 ? 8 : 0; at + 8 <= bytes.length; ) {
    const length = view.getInt32(at + 4, true);
    if (length === 0) break;
    const metadata = bytes.subarray(at + 8, at + 8 + length);
    const meta = readMessageMeta(metadata);
    out.push({ metadataAt: at + 8, bodyAt: at + 8 + length, meta, root: FbTable.root(metadata) });
    at += 8 + length + meta.bodyLength;
  }
  return out;
}

/** The metadata of every message of a stream, or of the stream inside a file. */
export function messagesOf(bytes: Uint8Array): MessageMeta[] {
  return messages(bytes).map((m) => m.meta);
}

/** A copy of the bytes with `patch` applied to a DataView of it and the located messages. */
export function patched(bytes: Uint8Array, patch: (view: DataView, list: Located[]) => void): Uint8Array {
  const copy = Uint8Array.from(bytes);
  patch(new DataView(copy.buffer), messages(copy));
  return copy;
}

/** Position in the bytes of a data message's buffer or node struct (16 bytes each). */
export const bufferAt = (m: Located, i: number) => m.metadataAt + m.meta.batch!.buffersAt + 16 * i;
export const nodeAt = (m: Located, i: number) => m.metadataAt + m.meta.batch!.nodesAt + 16 * i;

/** Reads IPC bytes with apache-arrow's own reader: the schema, and the batches (without its placeholder when there are none). */
export function independentRead(bytes: Uint8Array): { schema: Schema; batches: RecordBatch[] } {
  const reader = RecordBatchReader.from(bytes).open() as RecordBatchReader & Iterable<RecordBatch>;
  const schema = reader.schema;
  const batches = [...reader];
  const none = !messagesOf(bytes).some((m) => m.batch && !m.dictionary);
  return { schema, batches: none ? [] : batches };
}

/**
 * A comparable description of a schema: names, types, nullability, metadata.
 * apache-arrow writes an empty name as no name and reads that back as null
 * (Arrow C++ reads it as empty), so null and empty names compare equal.
 */
export function describeSchema(schema: Schema): string {
  const field = (f: Field): string =>
    `${f.name ?? ''}:${String(f.type).replace(/null:/g, ':')}:${f.nullable}:${JSON.stringify([...f.metadata])}`;
  return JSON.stringify([schema.fields.map(field), [...schema.metadata]]);
}
