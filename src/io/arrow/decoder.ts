/**
 * Turns checked IPC messages into apache-arrow record batches. The schema
 * and each message are read and checked once, by bn1d (schema-info.ts,
 * message.ts, batch-check.ts); each body is prepared
 * (uncompressed, aligned: body.ts), and the columns built from it with
 * apache-arrow's public makeData (batch-data.ts). apache-arrow parses
 * none of the input. A record batch may also be decoded for some of its
 * columns only, from a body that holds just their buffers: the other
 * columns are walked past, never checked or built.
 */
import { type Data, makeData, RecordBatch, type Schema, Struct, Vector } from 'apache-arrow';
import { batchColumns } from './batch-data.js';
import { checkBatch } from './batch-check.js';
import { prepareBody } from './body.js';
import { ArrowFormatError } from './format-error.js';
import { listViewsAsLists } from './list-views.js';
import { checkVersion, type MessageMeta, MessageType } from './message.js';
import { readSchemaInfo, type SchemaInfo } from './schema-info.js';
import type { RawMessage } from './stream-source.js';

const NOTHING = new Uint8Array(0);
const NONE_CHECKED: ReadonlySet<number> = new Set();

/**
 * A record batch with the reader's schema, the same object for every batch.
 * apache-arrow gives a batch it builds a copy of its schema, merging fields by
 * name, which swaps the types of same-named columns.
 */
class DecodedBatch extends RecordBatch {
  declare readonly schema: Schema;

  constructor(schema: Schema, data: Data<Struct>, metadata: Map<string, string>) {
    super(schema, data, metadata);
    this.schema = schema;
  }
}

/** Decodes the messages that follow a schema. */
export class BatchDecoder {
  readonly schema: Schema;
  readonly info: SchemaInfo;
  private readonly type: Struct;
  private readonly dictionaries = new Map<number, Vector>();
  private readonly version: number;

  /**
   * `info`: the schema, read (decoders of one input share it, and so their
   * batches share its apache-arrow schema), of metadata version `version`.
   * `file`: an IPC file, where a dictionary may grow by deltas but not be replaced.
   */
  constructor(
    info: SchemaInfo,
    version: number,
    private readonly file: boolean,
  ) {
    this.version = checkVersion(version);
    this.info = info;
    this.schema = info.schema;
    this.type = new Struct(this.schema.fields);
  }

  /** A decoder for the schema message that starts a stream. */
  static ofMessage(message: RawMessage, file: boolean): BatchDecoder {
    const { meta } = message;
    if (meta.type !== MessageType.Schema || !meta.schema) throw new ArrowFormatError('no schema at the start');
    if (meta.bodyLength !== 0) throw new ArrowFormatError('corrupt schema message (it has a body)');
    return new BatchDecoder(readSchemaInfo(meta.schema), meta.version, file);
  }

  /** Checks a dictionary batch and adds it to the dictionaries of the record batches after it. */
  addDictionary(message: RawMessage): void {
    const { id, isDelta } = message.meta.dictionary!;
    const values = this.info.dictionaries.get(id);
    if (!values) throw new ArrowFormatError(`dictionary batch for unknown dictionary id ${id}`);
    for (const dependency of this.info.dependencies.get(id) ?? []) {
      if (!this.dictionaries.has(dependency)) throw new ArrowFormatError(`dictionary ${id} arrives before dictionary ${dependency}`);
    }
    const previous = this.dictionaries.get(id);
    if (this.file && !isDelta && previous) {
      throw new ArrowFormatError(`dictionary ${id} is replaced, which Arrow IPC files do not allow`);
    }
    const vector = new Vector([this.columns(message, [values])[0]!]);
    this.dictionaries.set(id, (isDelta && previous ? previous.concat(vector) : vector).memoize());
  }

  /** Checks a record batch and decodes it, with the dictionaries added before it. */
  decode(message: RawMessage): RecordBatch {
    const children = this.decodeColumns(message);
    const { length } = message.meta.batch!;
    return new DecodedBatch(this.schema, makeData({ type: this.type, length, nullCount: 0, children }), message.meta.custom);
  }

  /**
   * The columns of a record batch (every one, or those of the schema
   * positions `indices`, in that order), checked; only their buffers are read.
   */
  decodeColumns(message: RawMessage, indices?: readonly number[]): Data[] {
    for (const id of this.info.dictionaries.keys()) {
      if (!this.dictionaries.has(id)) throw new ArrowFormatError(`record batch before its dictionary (id ${id})`);
    }
    return this.columns(message, this.info.fields, indices);
  }

  /** The buffers (by index) of the columns at `indices` of a record batch, found from its metadata alone. */
  buffersOf(meta: MessageMeta, indices: readonly number[]): number[] {
    const batch = meta.batch!;
    const layout = checkBatch(batch, batch.buffers, NOTHING, this.info.fields, this.version, NONE_CHECKED);
    return indices.flatMap((i) => {
      const end = layout[i + 1]?.firstBuffer ?? batch.buffers.length;
      return Array.from({ length: end - layout[i]!.firstBuffer }, (_, k) => layout[i]!.firstBuffer + k);
    });
  }

  /** The checked columns of a data message, laid out as `fields` (those at `indices`, when given). */
  private columns(message: RawMessage, fields: SchemaInfo['fields'], indices?: readonly number[]): Data[] {
    const batch = message.meta.batch!;
    const prepared = prepareBody(batch, message.body);
    const all = checkBatch(batch, prepared.buffers, prepared.body, fields, this.version, indices && new Set(indices));
    const layout = indices ? indices.map((i) => all[i]!) : all;
    const lists = this.info.listViews ? listViewsAsLists(message.meta, prepared, layout) : undefined;
    try {
      return batchColumns(layout, { batch, prepared, version: this.version, dictionaries: this.dictionaries, lists });
    } catch (error) {
      if (error instanceof ArrowFormatError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ArrowFormatError(`cannot decode ${message.meta.dictionary ? 'dictionary batch' : 'record batch'}: ${reason.replace(/\s+/g, ' ')}`);
    }
  }
}
