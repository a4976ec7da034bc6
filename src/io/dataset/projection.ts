/** Reading a subset of an input's columns: the projected schema, and batches cut down to it. */
import { type Data, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';

/** The columns of `schema` named in `names`, in schema order, with their positions. */
export interface Projection {
  readonly schema: Schema;
  readonly indices: readonly number[];
}

/** The projection of `schema` onto `names` (every column when names is undefined). */
export function project(schema: Schema, names: readonly string[] | undefined): Projection {
  if (!names) return { schema, indices: schema.fields.map((_, i) => i) };
  const wanted = new Set(names);
  const indices = schema.fields.flatMap((f, i) => (wanted.has(f.name) ? [i] : []));
  return { schema: new Schema(indices.map((i) => schema.fields[i]!), schema.metadata), indices };
}

/** A batch with only the projection's columns (no copying). */
export function projectBatch(batch: RecordBatch, projection: Projection): RecordBatch {
  if (projection.indices.length === batch.numCols) return batch;
  return projectedBatch(projection, batch.numRows, projection.indices.map((i) => batch.data.children[i]!));
}

/** A batch of `length` rows of the projection's columns, whose data is `children` (in projection order). */
export function projectedBatch(projection: Projection, length: number, children: readonly Data[]): RecordBatch {
  const type = new Struct(projection.schema.fields);
  return new RecordBatch(projection.schema, makeData({ type, length, nullCount: 0, children: [...children] }));
}
