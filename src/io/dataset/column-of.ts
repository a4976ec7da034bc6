/** One column of one chunk of an input, as a reader can give it with the least memory. */
import { makeData, RecordBatch, Struct } from 'apache-arrow';
import type { DatasetReader } from './dataset.js';
import { project } from './projection.js';
import type { Recycle } from '../parquet/pieces.js';

/**
 * Column `name` of chunk `k` as one-column record batches: pieces of whole
 * rows, page by page, where the reader reads that way (Parquet), else the
 * chunk's column in one batch. The pieces one after another are the chunk.
 * With `recycle` (or while it returns true), the caller is done with a batch
 * (keeps no view of its arrays) when it asks for the next, and the reader
 * reads into them again.
 */
export async function* columnOf(reader: DatasetReader, k: number, name: string, recycle: Recycle = false): AsyncGenerator<RecordBatch> {
  if (!reader.columnPieces) {
    yield await reader.readChunk!(k, [name]);
    return;
  }
  const schema = project(reader.schema, [name]).schema;
  const type = new Struct(schema.fields);
  for await (const data of reader.columnPieces(k, name, { recycle })) {
    yield new RecordBatch(schema, makeData({ type, length: data.length, nullCount: 0, children: [data] }));
  }
}
