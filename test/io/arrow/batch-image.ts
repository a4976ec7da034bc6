/** Comparable images of record batches: every count and byte of their columns, children and dictionaries. */
import type { Data, RecordBatch } from 'apache-arrow';

const hex = (bytes: ArrayBufferView | null | undefined): string | null =>
  bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') : null;

/** A column's type, counts and buffers (offsets, values, validity, type ids, view data), its children's and its dictionary's. */
export function dataImage(data: Data): unknown {
  return {
    type: String(data.type),
    length: data.length,
    offset: data.offset,
    nullCount: data.nullCount,
    buffers: [data.valueOffsets, data.values, data.nullBitmap, data.typeIds].map((b) => hex(b as ArrayBufferView | undefined)),
    variadic: data.variadicBuffers.map(hex),
    children: data.children.map(dataImage),
    dictionary: data.dictionary ? data.dictionary.data.map(dataImage) : null,
  };
}

/** A batch's schema, row count, metadata and columns. */
export function batchImage(batch: RecordBatch): unknown {
  return {
    fields: batch.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`),
    rows: batch.numRows,
    metadata: [...batch.metadata],
    columns: batch.data.children.map(dataImage),
  };
}
