/**
 * Readers of Arrow IPC inputs: the file format (random access through
 * positional reads, one batch in memory at a time) and the stream format
 * (byte chunks consumed as batches are asked for, as from stdin). Every
 * message is checked before its batch is built (decoder.ts); every failure
 * is a DataError naming the input.
 *
 * A file read for some of its columns reads only their buffers of each
 * record batch, found by their offsets in the batch's metadata (body-plan.ts
 * says when nearby ones are read together), and decodes only them. A stream
 * cannot seek: it is read message by message, every body whole, as it comes,
 * and its batches are cut down to the columns after decoding.
 */
import type { RecordBatch } from 'apache-arrow';
import type { DatasetReader } from '../dataset/dataset.js';
import { project, projectBatch, projectedBatch, type Projection } from '../dataset/projection.js';
import { BatchDecoder } from './decoder.js';
import type { FileRange } from '../files/file-range.js';
import { ArrowFileSource, type Block, type FileFooter } from './file-source.js';
import { ArrowFormatError, toDataError } from './format-error.js';
import { type MessageMeta, MessageType } from './message.js';
import { readSchemaInfo } from './schema-info.js';
import { StreamSource, type RawMessage } from './stream-source.js';

/** Up to this many record batches, numRows is counted at open from each batch's metadata. */
const MAX_COUNTED_BATCHES = 10_000;

/** Opens an Arrow IPC file (ARROW1 magic), by path or already open; its batches are read one at a time from the open file. */
export async function openArrowFile(path: string | FileRange, name: string): Promise<DatasetReader> {
  let file: ArrowFileSource;
  try {
    file = await ArrowFileSource.open(path);
  } catch (error) {
    throw toDataError(name, error);
  }
  try {
    const footer = await file.readFooter();
    const info = readSchemaInfo(footer.schema);
    const newDecoder = () => new BatchDecoder(info, footer.version, true);
    let decoder: BatchDecoder | null = newDecoder();
    const schema = decoder.schema;
    const numRows = footer.batches.length <= MAX_COUNTED_BATCHES ? await countRows(file, footer) : undefined;
    let closed = false;
    // Random access decodes with its own decoder, which holds every dictionary.
    let random: Promise<BatchDecoder> | undefined;
    /** Gives the decoder every dictionary of the file; false when the reader closed meanwhile. */
    const loadDictionaries = async (d: BatchDecoder): Promise<boolean> => {
      for (const block of footer.dictionaries) {
        if (closed) return false;
        d.addDictionary(ofKind(await file.readMessage(block), MessageType.DictionaryBatch));
      }
      return true;
    };
    const randomDecoder = async () => {
      const d = newDecoder();
      await loadDictionaries(d);
      return d;
    };
    return {
      name,
      format: 'arrow',
      schema,
      numRows,
      chunkCount: footer.batches.length,
      largestChunkBytes: footer.batches.reduce((most, block) => Math.max(most, Number(block.bodyLength)), 0),
      async chunkRows(): Promise<readonly number[]> {
        try {
          return await batchRows(file, footer);
        } catch (error) {
          throw toDataError(name, error);
        }
      },
      async readChunk(index: number, columns?: readonly string[]): Promise<RecordBatch> {
        try {
          const d = await (random ??= randomDecoder());
          return await readBatch(file, d, footer.batches[index]!, project(schema, columns));
        } catch (error) {
          throw toDataError(name, error);
        }
      },
      async *batches(columns?: readonly string[]): AsyncGenerator<RecordBatch> {
        const projection = project(schema, columns);
        // The first pass reuses the decoder that read the schema; later passes start afresh.
        const current = decoder ?? newDecoder();
        decoder = null;
        try {
          if (!(await loadDictionaries(current))) return;
          // The next batch is read while this one is used: a read per batch would otherwise wait for the disk in turn.
          const blocks = footer.batches;
          const fetch = (i: number) => {
            const raw = readRaw(file, current, blocks[i]!, projection);
            raw.catch(() => undefined); // awaited below, unless the reader stops first
            return raw;
          };
          let next = blocks.length ? fetch(0) : undefined;
          for (let i = 0; i < blocks.length; i++) {
            if (closed) return;
            const message = await next!;
            next = i + 1 < blocks.length ? fetch(i + 1) : undefined;
            yield decodeBatch(current, message, projection);
          }
        } catch (error) {
          throw toDataError(name, error);
        }
      },
      async close() {
        closed = true;
        await file.close();
      },
    };
  } catch (error) {
    await file.close();
    throw toDataError(name, error);
  }
}

/** Opens an Arrow IPC stream; the chunks are consumed only as far as the batches asked for so far. */
export async function openArrowStream(chunks: AsyncIterable<Uint8Array>, name: string): Promise<DatasetReader> {
  const source = new StreamSource(chunks);
  try {
    const first = await source.next();
    if (!first) throw new ArrowFormatError('empty input: no Arrow IPC schema found');
    const decoder = BatchDecoder.ofMessage(first, false);
    let started = false;
    return {
      name,
      format: 'arrows',
      schema: decoder.schema,
      numRows: undefined,
      async *batches(columns?: readonly string[]): AsyncGenerator<RecordBatch> {
        const projection = project(decoder.schema, columns);
        if (started) throw new Error(`${name}: an Arrow IPC stream can only be read once`);
        started = true;
        try {
          for (let message = await source.next(); message; message = await source.next()) {
            if (message.meta.type === MessageType.Schema) throw new ArrowFormatError('unexpected second schema in the stream');
            if (message.meta.type === MessageType.DictionaryBatch) decoder.addDictionary(message);
            else yield projectBatch(decoder.decode(message), projection);
          }
        } catch (error) {
          throw toDataError(name, error);
        }
      },
      close: () => source.close(),
    };
  } catch (error) {
    await source.close();
    throw toDataError(name, error);
  }
}

/** The record batch of `block`, decoded by `decoder` for the projection's columns: only their buffers are read. */
async function readBatch(file: ArrowFileSource, decoder: BatchDecoder, block: Block, projection: Projection): Promise<RecordBatch> {
  return decodeBatch(decoder, await readRaw(file, decoder, block, projection), projection);
}

/** The bytes of a record batch that a projection needs (all of them without one), not decoded yet. */
function readRaw(file: ArrowFileSource, decoder: BatchDecoder, block: Block, projection: Projection): Promise<RawMessage> {
  if (projection.indices.length === decoder.schema.fields.length) return file.readMessage(block);
  return file.readMessage(block, (meta: MessageMeta) => decoder.buffersOf(checkKind(meta, MessageType.RecordBatch), projection.indices));
}

function decodeBatch(decoder: BatchDecoder, message: RawMessage, projection: Projection): RecordBatch {
  if (projection.indices.length === decoder.schema.fields.length) return decoder.decode(ofKind(message, MessageType.RecordBatch));
  return projectedBatch(projection, message.meta.batch!.length, decoder.decodeColumns(message, projection.indices));
}

/** The rows of all record batches, from their metadata alone. */
async function countRows(file: ArrowFileSource, footer: FileFooter): Promise<number> {
  return (await batchRows(file, footer)).reduce((sum, rows) => sum + rows, 0);
}

/** Rows of each record batch, from their metadata (no body is read). */
async function batchRows(file: ArrowFileSource, footer: FileFooter): Promise<number[]> {
  const rows: number[] = [];
  for (const block of footer.batches) rows.push(checkKind((await file.readHead(block)).meta, MessageType.RecordBatch).batch!.length);
  return rows;
}

function ofKind(message: RawMessage, type: number): RawMessage {
  checkKind(message.meta, type);
  return message;
}

function checkKind(meta: MessageMeta, type: number): MessageMeta {
  if (meta.type !== type) {
    throw new ArrowFormatError(`corrupt file footer (a block holds a ${MESSAGE_NAMES[meta.type]} message)`);
  }
  return meta;
}

const MESSAGE_NAMES: Readonly<Record<number, string>> = { 1: 'schema', 2: 'dictionary batch', 3: 'record batch' };
