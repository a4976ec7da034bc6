/**
 * Turns checked IPC messages into apache-arrow record batches. Each message is
 * checked against the schema, its body prepared (uncompressed, aligned, list
 * views as lists), and then handed to apache-arrow's stream reader, which is fed exactly the bytes
 * of one record batch (with the dictionaries before it) per call.
 */
import { DataType, RecordBatchReader, type Field, type RecordBatch, type RecordBatchStreamReader, type Schema } from 'apache-arrow';
import { checkBatch } from './arrow-batch-check.js';
import { prepareBody } from './arrow-body.js';
import { ArrowFormatError } from './arrow-format-error.js';
import { listViewSchema, listViewsAsLists } from './arrow-list-views.js';
import { MessageType } from './arrow-message.js';
import { readSchemaInfo, type SchemaInfo } from './arrow-schema-info.js';
import type { RawMessage } from './arrow-stream-source.js';

const EMPTY = new Uint8Array(0);

/** Decodes the messages that follow one schema message. */
export class BatchDecoder {
  readonly schema: Schema;
  readonly info: SchemaInfo;
  private readonly queue: Uint8Array[] = [];
  private readonly reader: RecordBatchStreamReader;
  private readonly seen = new Set<number>();
  private readonly version: number;
  private idle = 0;

  /** `file`: an IPC file, where a dictionary may grow by deltas but not be replaced. */
  constructor(
    schemaMessage: RawMessage,
    private readonly file: boolean,
  ) {
    const { meta } = schemaMessage;
    if (meta.type !== MessageType.Schema || !meta.schema) throw new ArrowFormatError('no schema at the start');
    if (meta.bodyLength !== 0) throw new ArrowFormatError('corrupt schema message (it has a body)');
    this.info = readSchemaInfo(meta.schema);
    this.version = meta.version;
    this.enqueue(this.info.listViewTypes.length > 0 ? listViewSchema(schemaMessage.metadata, this.info) : schemaMessage.metadata, EMPTY);
    const source: Iterable<Uint8Array> = { [Symbol.iterator]: () => ({ next: () => this.pull() }) };
    this.reader = decoding('schema', () => RecordBatchReader.from(source).open() as RecordBatchStreamReader);
    this.schema = this.reader.schema;
    nameUnnamed(this.schema.fields);
  }

  /** Checks a dictionary batch and queues it for the next record batch. */
  addDictionary(message: RawMessage): void {
    const { id, isDelta } = message.meta.dictionary!;
    const values = this.info.dictionaries.get(id);
    if (!values) throw new ArrowFormatError(`dictionary batch for unknown dictionary id ${id}`);
    for (const dependency of this.info.dependencies.get(id) ?? []) {
      if (!this.seen.has(dependency)) throw new ArrowFormatError(`dictionary ${id} arrives before dictionary ${dependency}`);
    }
    if (this.file && !isDelta && this.seen.has(id)) {
      throw new ArrowFormatError(`dictionary ${id} is replaced, which Arrow IPC files do not allow`);
    }
    this.check(message, [values]);
    this.seen.add(id);
  }

  /** Checks a record batch and decodes it, with the dictionaries queued before it. */
  decode(message: RawMessage): RecordBatch {
    for (const id of this.info.dictionaries.keys()) {
      if (!this.seen.has(id)) throw new ArrowFormatError(`record batch before its dictionary (id ${id})`);
    }
    this.check(message, this.info.fields);
    const step = decoding('record batch', () => this.reader.next());
    if (step.done || !step.value) throw new ArrowFormatError('record batch could not be decoded');
    // apache-arrow rebuilds each batch's schema by merging fields by name, which swaps the types of
    // same-named columns; the reader's schema is the right one (and the same object for every batch).
    (step.value as { schema: Schema }).schema = this.schema;
    return step.value;
  }

  private check(message: RawMessage, fields: SchemaInfo['fields']): void {
    let prepared = prepareBody(message.meta, message.metadata, message.body);
    const layout = checkBatch(message.meta.batch!, prepared.buffers, prepared.body, fields, this.version);
    if (this.info.listViewTypes.length > 0) prepared = listViewsAsLists(message.meta, prepared, layout);
    this.enqueue(prepared.metadata, prepared.body);
  }

  /** Frames a message the way apache-arrow reads it: continuation marker, padded length, metadata, body. */
  private enqueue(metadata: Uint8Array, body: Uint8Array): void {
    const padded = Math.ceil(metadata.length / 8) * 8;
    const head = new Uint8Array(8 + padded);
    const view = new DataView(head.buffer);
    view.setInt32(0, -1, true);
    view.setInt32(4, padded, true);
    head.set(metadata, 8);
    this.queue.push(head);
    if (body.length > 0) this.queue.push(body);
  }

  /**
   * apache-arrow asks for more input as soon as it holds exactly what it
   * needs; an empty chunk lets it carry on. Asked twice in a row with nothing
   * queued, the input is over (which checked messages never cause).
   */
  private pull(): IteratorResult<Uint8Array> {
    const chunk = this.queue.shift();
    if (chunk) {
      this.idle = 0;
      return { done: false, value: chunk };
    }
    return ++this.idle > 2 ? { done: true, value: undefined } : { done: false, value: EMPTY };
  }
}

/**
 * Gives fields without a name the empty name, as Arrow C++ does; apache-arrow
 * leaves them null (and writes empty names that way). Done in place, so that
 * the types of the decoded columns, which share these fields, agree.
 */
function nameUnnamed(fields: readonly Field[]): void {
  for (const field of fields) {
    if (field.name === null) (field as { name: string }).name = '';
    nameUnnamed(field.type.children ?? []);
    if (DataType.isDictionary(field.type)) nameUnnamed(field.type.dictionary.children ?? []);
  }
}

/** Runs an apache-arrow step, turning its errors into ArrowFormatError. */
function decoding<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ArrowFormatError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ArrowFormatError(`cannot decode ${what}: ${reason.replace(/\s+/g, ' ')}`);
  }
}
