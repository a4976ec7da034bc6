/**
 * Inputs already in memory, for the library: an apache-arrow Table (or an
 * array of record batches), read as often as asked, and an iterable of
 * record batches, read once as it comes. Both are DatasetReaders like a
 * file's, so a fit of a Table and a fit of the same rows from a file take
 * the same path.
 */
import { type RecordBatch, type Schema, util } from 'apache-arrow';
import { DataError, UsageError } from '../../core/errors.js';
import type { DatasetReader } from '../dataset/dataset.js';
import { project, projectBatch } from '../dataset/projection.js';

/** What a table reader reads: an apache-arrow Table, or record batches in memory. */
export interface BatchesInMemory {
  readonly schema: Schema;
  readonly batches: readonly RecordBatch[];
}

/** The columns of `batch`, checked against the schema the input started with. */
function checked(batch: RecordBatch, schema: Schema, name: string, index: number): RecordBatch {
  const fields = batch.schema.fields;
  const same = fields.length === schema.fields.length && fields.every((f, i) => f.name === schema.fields[i]!.name && util.compareTypes(f.type, schema.fields[i]!.type));
  if (!same) throw new DataError(`${name}: record batch ${index + 1} has other columns than the first (${fields.map((f) => `${f.name}: ${f.type}`).join(', ')})`);
  return batch;
}

/** A reader over record batches in memory, re-readable and with random access by batch. */
export function tableReader(input: BatchesInMemory, name: string): DatasetReader {
  const { schema } = input;
  const batches = input.batches.filter((b) => b.numRows > 0);
  batches.forEach((b, i) => checked(b, schema, name, i));
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  return {
    name,
    format: 'arrow',
    schema,
    numRows: rows,
    chunkCount: batches.length,
    async *batches(columns) {
      const projection = project(schema, columns);
      for (const batch of batches) yield projectBatch(batch, projection);
    },
    async readChunk(index, columns) {
      return projectBatch(batches[index]!, project(schema, columns));
    },
    async close() {},
  };
}

/** The refusal to read an iterator of record batches a second time. */
export function readOnceError(name: string): UsageError {
  return new UsageError(`${name}: an iterator of record batches can be read once; for more than one pass, give a Table or an array of record batches`);
}

/** A source of record batches read once: any (async) iterable of them. */
export type BatchStream = Iterable<RecordBatch> | AsyncIterable<RecordBatch>;

/**
 * A reader over an iterable of record batches, opened by taking its first
 * batch (for the schema); its batches can be read once.
 */
export async function streamReader(source: BatchStream, name: string): Promise<DatasetReader> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const first = await iterator.next();
  if (first.done) throw new DataError(`${name}: no record batches, so no columns`);
  const schema = first.value.schema;
  let read = false;
  return {
    name,
    format: 'arrows',
    schema,
    numRows: undefined,
    async *batches(columns) {
      if (read) throw readOnceError(name);
      read = true;
      const projection = project(schema, columns);
      let index = 0;
      let next: IteratorResult<RecordBatch> = first;
      while (!next.done) {
        const batch = checked(next.value, schema, name, index++);
        if (batch.numRows > 0) yield projectBatch(batch, projection);
        next = await iterator.next();
      }
    },
    async close() {
      await iterator.return?.();
    },
  };
}
