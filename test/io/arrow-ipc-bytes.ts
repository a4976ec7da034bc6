/** Helpers of the Arrow writer tests: writing batches to bytes, and reading them back independently. */
import { RecordBatchReader, type Field, type RecordBatch, type Schema } from 'apache-arrow';
import { expect } from 'vitest';
import { readMessageMeta, type MessageMeta } from '../../src/io/arrow-message.js';
import { createArrowWriter } from '../../src/io/arrow-write.js';
import { memorySink } from '../helpers/memory-sink.js';

/** The batches written by createArrowWriter, as the bytes of a file or stream (the sink must be ended). */
export async function writeBatches(schema: Schema, batches: readonly RecordBatch[], kind: 'file' | 'stream'): Promise<Uint8Array> {
  const sink = memorySink();
  const writer = createArrowWriter(sink, schema, kind);
  for (const batch of batches) await writer.write(batch);
  await writer.finish();
  expect(sink.ended).toBe(true);
  return sink.bytes();
}

/** The metadata of every message of a stream, or of the stream inside a file. */
export function messagesOf(bytes: Uint8Array): MessageMeta[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: MessageMeta[] = [];
  for (let at = bytes[0] === 0x41 ? 8 : 0; at + 8 <= bytes.length; ) {
    const length = view.getInt32(at + 4, true);
    if (length === 0) break;
    const meta = readMessageMeta(bytes.subarray(at + 8, at + 8 + length));
    out.push(meta);
    at += 8 + length + meta.bodyLength;
  }
  return out;
}

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
