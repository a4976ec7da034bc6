/**
 * Writer of Arrow IPC files and streams. apache-arrow encodes the messages
 * (view columns first made compact, see arrow-views.ts); its output for each
 * batch is collected, checked (arrow-write-check.ts) and handed to the sink
 * as one chunk, whose write is awaited before the next batch is taken
 * (backpressure).
 */
import {
  Message,
  RecordBatchFileWriter,
  RecordBatchStreamWriter,
  util,
  type RecordBatch,
  type Schema,
} from 'apache-arrow';
import { DataError } from '../core/errors.js';
import type { ByteSink, DatasetWriter, WriterOptions } from './dataset.js';
import { compactViews, holdsViews } from './arrow-views.js';
import { encodableSchema } from './arrow-field-names.js';
import { WrittenBatchCheck } from './arrow-write-check.js';

/** The parts of apache-arrow's writers this module drives. */
interface CollectingWriter {
  /** Everything written since the last call, as one chunk. */
  take(): Uint8Array;
  begin(schema: Schema): void;
  writeBatch(batch: RecordBatch): void;
  end(): void;
}

/** The bytes of anything apache-arrow writes, as a Uint8Array view. */
function bytesOf(chunk: ArrayBufferView): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The protected members of apache-arrow's writers that collecting output needs. */
interface WriterInternals {
  _started: boolean;
  _position: number;
  _write(chunk: ArrayBufferView): unknown;
  _writeRecordBatch(batch: RecordBatch): unknown;
}

/** Drives an apache-arrow writer with its output collected in `chunks` instead of a stream. */
function collecting(writer: RecordBatchStreamWriter): CollectingWriter {
  const chunks: Uint8Array[] = [];
  const internals = writer as unknown as WriterInternals;
  internals._write = function (this: WriterInternals, chunk: ArrayBufferView) {
    if (this._started && chunk.byteLength > 0) {
      chunks.push(bytesOf(chunk));
      this._position += chunk.byteLength;
    }
    return this;
  };
  return {
    take: () => Buffer.concat(chunks.splice(0)),
    begin: (schema) => void writer.reset(undefined, schema),
    writeBatch: (batch) => void internals._writeRecordBatch(batch),
    end: () => void writer.finish(),
  };
}

class FileWriter extends RecordBatchFileWriter {
  /** apache-arrow's file writer omits the schema message after the leading magic; the format has it. */
  protected override _writeSchema(schema: Schema): this {
    this._writeMagic()._writePadding(2);
    return this._writeMessage(Message.from(schema));
  }
}

/** Creates a writer of an Arrow IPC file or stream with this schema; even with no batches the output is complete. */
export function createArrowWriter(sink: ByteSink, schema: Schema, kind: 'file' | 'stream', _options?: WriterOptions): DatasetWriter {
  const writer = collecting(kind === 'file' ? new FileWriter() : new RecordBatchStreamWriter());
  const encoded = encodableSchema(schema);
  writer.begin(encoded);
  let head: Uint8Array | null = writer.take();
  const check = new WrittenBatchCheck(head, kind === 'file');
  const views = schema.fields.some((f) => holdsViews(f.type));
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
        writer.writeBatch(withSchema(views ? compactViews(batch) : batch, schema, encoded));
        bytes = writer.take();
      } catch (error) {
        writer.take();
        throw writeError(error);
      }
      check.check(bytes, batch.numRows);
      await send(bytes);
    },
    async finish() {
      if (finished) return;
      finished = true;
      writer.end();
      await send(writer.take());
      await sink.end();
    },
  };
}

/**
 * The batch, seen with the schema the encoder writes (`encoded`, see
 * arrow-field-names.ts). Its columns must have the types of `schema`; its own
 * schema may differ, since apache-arrow rebuilds a batch's schema by merging
 * fields by name, which swaps the types of same-named columns. The view
 * computes its dictionaries from the right fields.
 */
function withSchema(batch: RecordBatch, schema: Schema, encoded: Schema): RecordBatch {
  const columns = batch.data.children;
  const fits = columns.length === schema.fields.length && schema.fields.every((f, i) => util.compareTypes(f.type, columns[i]!.type));
  if (!fits) throw new Error('Arrow writer: the batch does not match the schema');
  if (batch.schema === encoded) return batch;
  return Object.create(batch, { schema: { value: encoded }, _dictionaries: { value: undefined, writable: true } }) as RecordBatch;
}

function writeError(error: unknown): Error {
  if (error instanceof Error && /replacement dictionaries/.test(error.message)) {
    return new DataError('an Arrow IPC file cannot hold a dictionary that is replaced between batches (write an Arrow IPC stream instead)');
  }
  return error instanceof Error ? error : new Error(String(error));
}
