/**
 * Checks what the Arrow writer produced before any of it reaches the sink:
 * every dictionary and record batch message is parsed with bn1d's own
 * message and flatbuffer code and goes through the checks the reader applies
 * to inputs (batch-check.ts). A failure is a bug of the writer
 * (bn1d's or apache-arrow's), never of the data: an internal error.
 */
import { DataError } from '../../core/errors.js';
import { checkBatch } from './batch-check.js';
import { ArrowFormatError } from './format-error.js';
import { MessageType, readMessageMeta, type MessageMeta } from './message.js';
import { readSchemaInfo, type SchemaInfo } from './schema-info.js';

/** One framed message of the writer's output. */
interface Framed {
  readonly at: number;
  readonly metadata: Uint8Array;
  readonly meta: MessageMeta;
  readonly body: Uint8Array;
}

/** The messages framed in `bytes` (continuation marker, length, metadata, body). */
function framed(bytes: Uint8Array): Framed[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Framed[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 8 > bytes.length || view.getInt32(at, true) !== -1) throw new ArrowFormatError(`no message at byte ${at}`);
    const length = view.getInt32(at + 4, true);
    const start = at + 8 + length;
    if (length <= 0 || start > bytes.length) throw new ArrowFormatError(`message at byte ${at} is cut short`);
    const metadata = bytes.subarray(at + 8, start);
    const meta = readMessageMeta(metadata);
    if (start + meta.bodyLength > bytes.length) throw new ArrowFormatError(`message body at byte ${start} is cut short`);
    // Files locate messages by 8-byte aligned blocks, and the footer follows the last one.
    if (length % 8 !== 0 || meta.bodyLength % 8 !== 0) throw new ArrowFormatError(`message at byte ${at} is not padded to 8 bytes`);
    out.push({ at, metadata, meta, body: bytes.subarray(start, start + meta.bodyLength) });
    at = start + meta.bodyLength;
  }
  return out;
}

function internal(error: unknown): DataError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DataError(`internal error: the Arrow writer produced an invalid batch: ${reason} (please report it)`);
}

/** Where a message lies in a chunk of the writer's output, and what it is. */
export interface WrittenMessage {
  /** Position of its continuation marker in the chunk. */
  readonly at: number;
  /** Its prefix and padded metadata, in bytes (as a file's Block counts them). */
  readonly metadataLength: number;
  readonly bodyLength: number;
  readonly type: number;
  readonly dictionary: { readonly id: number; readonly isDelta: boolean } | null;
}

/** The checks of one writer's output, knowing its schema. */
export class WrittenBatchCheck {
  private readonly info: SchemaInfo;
  readonly version: number;
  /** The schema message's flatbuffer (padding included), and where its Schema table is in it. */
  readonly schemaMetadata: Uint8Array;
  readonly schemaAt: number;

  /** `head`: what the writer wrote before any batch, its schema message. */
  constructor(head: Uint8Array) {
    try {
      const messages = framed(head);
      const schema = messages[0];
      if (messages.length !== 1 || schema?.meta.type !== MessageType.Schema) throw new ArrowFormatError('the output does not start with one schema');
      this.info = readSchemaInfo(schema.meta.schema!);
      this.version = schema.meta.version;
      this.schemaMetadata = schema.metadata;
      this.schemaAt = schema.meta.schema!.pos;
    } catch (error) {
      throw internal(error);
    }
  }

  /** Checks the messages written for one batch of `rows` rows (dictionary batches, then the record batch); returns where they are. */
  check(bytes: Uint8Array, rows: number): WrittenMessage[] {
    try {
      const messages = framed(bytes);
      if (messages.at(-1)?.meta.type !== MessageType.RecordBatch) throw new ArrowFormatError('no record batch');
      return messages.map(({ at, metadata, meta, body }, i) => {
        const last = i === messages.length - 1;
        if (!last && meta.type !== MessageType.DictionaryBatch) throw new ArrowFormatError(`unexpected message of type ${meta.type}`);
        const batch = meta.batch!;
        if (batch.codec !== null) throw new ArrowFormatError('unexpected compression');
        const values = meta.dictionary ? this.info.dictionaries.get(meta.dictionary.id) : undefined;
        if (meta.dictionary && !values) throw new ArrowFormatError(`unknown dictionary id ${meta.dictionary.id}`);
        checkBatch(batch, batch.buffers, body, values ? [values] : this.info.fields, this.version);
        if (last && batch.length !== rows) throw new ArrowFormatError(`a record batch of ${batch.length} rows for ${rows}`);
        return { at, metadataLength: 8 + metadata.length, bodyLength: meta.bodyLength, type: meta.type, dictionary: meta.dictionary };
      });
    } catch (error) {
      throw internal(error);
    }
  }
}
