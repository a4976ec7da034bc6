/**
 * Writer of Arrow IPC files and streams. apache-arrow's public stream writer
 * encodes the messages (view columns first made compact, see views.ts;
 * names it cannot take given stand-ins, see field-names.ts) into a sink
 * of bn1d's, which keeps what it is given. After each batch that output is
 * taken, checked (write-check.ts) and handed to the sink as one chunk,
 * whose write is awaited before the next batch is taken (backpressure).
 *
 * A file is that stream framed: the magic and its padding, the stream's
 * messages from the schema on (as the format has it) and its end marker,
 * then a footer (file-footer.ts) whose blocks are the checked messages'
 * places in the file, its length and the magic again.
 */
import { AsyncByteQueue, RecordBatch, RecordBatchStreamWriter, util, type Schema } from 'apache-arrow';
import { DataError } from '../../core/errors.js';
import type { ByteSink, DatasetWriter, WriterOptions } from '../dataset/dataset.js';
import { encoderSchema, restoreNames } from './field-names.js';
import { fileFooter, type FooterBlock } from './file-footer.js';
import { MessageType } from './message.js';
import { compactViews, holdsViews } from './views.js';
import { WrittenBatchCheck, type WrittenMessage } from './write-check.js';

/** "ARROW1" and two bytes of padding, which open a file; the same six bytes close it. */
const MAGIC = Uint8Array.of(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31, 0, 0);

/**
 * The sink apache-arrow's writer is given: what the writer writes to it (as
 * it encodes, before `write` or `finish` returns) is kept until taken,
 * instead of queued for reading.
 */
class Collector extends AsyncByteQueue {
  private readonly chunks: Uint8Array[] = [];

  override write(chunk: Uint8Array): void {
    if (chunk.byteLength > 0) this.chunks.push(chunk);
  }

  /** Everything written since the last call, as one chunk of its own. */
  take(): Uint8Array {
    return Buffer.concat(this.chunks.splice(0));
  }
}

/** Creates a writer of an Arrow IPC file or stream with this schema; even with no batches the output is complete. */
export function createArrowWriter(sink: ByteSink, schema: Schema, kind: 'file' | 'stream', _options?: WriterOptions): DatasetWriter {
  const file = kind === 'file';
  const encoded = encoderSchema(schema);
  const collector = new Collector();
  const writer = new RecordBatchStreamWriter();
  writer.reset(collector, encoded);
  const schemaMessage = collector.take();
  if (encoded !== schema) restoreNames(schemaMessage.subarray(8), schema);
  const check = new WrittenBatchCheck(schemaMessage);
  const views = schema.fields.some((f) => holdsViews(f.type));
  const footer = file ? new FooterBlocks(MAGIC.length + schemaMessage.length) : null;
  let head: Uint8Array | null = file ? Buffer.concat([MAGIC, schemaMessage]) : schemaMessage;
  let finished = false;
  const send = async (bytes: Uint8Array): Promise<void> => {
    if (head) await sink.write(head);
    head = null;
    if (bytes.length > 0) await sink.write(bytes);
  };
  return {
    async write(batch) {
      if (finished) throw new Error('Arrow writer: write after finish');
      let bytes: Uint8Array;
      try {
        writer.write(encoderBatch(views ? compactViews(batch) : batch, schema, encoded));
        bytes = collector.take();
      } catch (error) {
        collector.take();
        throw error instanceof Error ? error : new Error(String(error));
      }
      const messages = check.check(bytes, batch.numRows);
      footer?.add(messages, bytes.length);
      await send(bytes);
    },
    async finish() {
      if (finished) return;
      finished = true;
      writer.finish();
      const end = collector.take();
      await send(footer ? Buffer.concat([end, footer.bytes(check)]) : end);
      await sink.end();
    },
  };
}

/** The blocks of a file's footer, as the batches' messages are written. */
class FooterBlocks {
  private readonly dictionaries: FooterBlock[] = [];
  private readonly batches: FooterBlock[] = [];
  private readonly seen = new Set<number>();

  /** `position`: the file's length before the first batch. */
  constructor(private position: number) {}

  /** Adds the messages of one chunk of `length` bytes; refuses a dictionary that replaces one, which files cannot hold. */
  add(messages: readonly WrittenMessage[], length: number): void {
    for (const { dictionary } of messages) {
      if (dictionary && !dictionary.isDelta && this.seen.has(dictionary.id)) {
        throw new DataError('an Arrow IPC file cannot hold a dictionary that is replaced between batches (write an Arrow IPC stream instead)');
      }
    }
    for (const { at, metadataLength, bodyLength, type, dictionary } of messages) {
      const block = { offset: this.position + at, metadataLength, bodyLength };
      if (type === MessageType.DictionaryBatch) this.dictionaries.push(block);
      else this.batches.push(block);
      if (dictionary) this.seen.add(dictionary.id);
    }
    this.position += length;
  }

  /** The footer, its length and the closing magic. */
  bytes(check: WrittenBatchCheck): Uint8Array {
    const footer = fileFooter(check.version, check.schemaMetadata, check.schemaAt, this.dictionaries, this.batches);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setInt32(0, footer.length, true);
    return Buffer.concat([footer, length, MAGIC.subarray(0, 6)]);
  }
}

/**
 * The batch, seen with the schema the encoder writes (`encoded`). Its columns
 * must have the types of `schema`. Its own schema may differ: apache-arrow
 * gives a batch built from a schema a copy of it, merging fields by name,
 * which swaps the types of same-named columns (and `encoded` has no
 * top-level name twice, see field-names.ts).
 */
function encoderBatch(batch: RecordBatch, schema: Schema, encoded: Schema): RecordBatch {
  const columns = batch.data.children;
  const fits = columns.length === schema.fields.length && schema.fields.every((f, i) => util.compareTypes(f.type, columns[i]!.type));
  if (!fits) throw new Error('Arrow writer: the batch does not match the schema');
  if (batch.schema === encoded || (encoded === schema && util.compareSchemas(schema, batch.schema))) return batch;
  const out = new RecordBatch(encoded, batch.data, batch.metadata);
  // The writer would start a new stream for a batch of another schema.
  if (!util.compareSchemas(encoded, out.schema)) throw new Error('Arrow writer: the batch cannot take the schema of the output');
  return out;
}
