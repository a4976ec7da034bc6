/**
 * Binary and string views (BinaryView, Utf8View, which Polars writes): the
 * bytes of each slot, and view columns rebuilt for apache-arrow's IPC writer.
 * That writer mishandles sliced views: Data.slice already cuts the views
 * buffer at the slice, and the writer cuts it again by the slice's offset;
 * it also writes every data buffer of the parent with each slice. So before
 * a batch reaches it, every view column (inside structs, lists and
 * dictionaries too) becomes offset-0 data whose data buffers hold only the
 * bytes its views reference, with the views rewritten to match.
 * Null-typed columns are rebuilt on the way too: a sliced one has an unknown
 * null count (-1), which the writer would write as it is.
 */
import { BufferType, Data, DataType, type Dictionary, makeData, type Null, RecordBatch, type Struct, Type, type Utf8View, Vector } from 'apache-arrow';
import { sliceBitmap } from './bitmap.js';

const VIEW = 16;
const INLINE = 12;
/** The most bytes a view can address in one data buffer (its offset is an int32). */
const MAX_BUFFER = 2 ** 31 - 1;

function isView(type: DataType): boolean {
  return type.typeId === Type.Utf8View || type.typeId === Type.BinaryView;
}

/** Whether a type holds views or Null-typed columns anywhere: itself, its children, or its dictionary's values. */
export function holdsViews(type: DataType): boolean {
  if (isView(type) || type.typeId === Type.Null) return true;
  if (DataType.isDictionary(type)) return holdsViews((type as Dictionary).dictionary);
  return (type.children ?? []).some((field) => holdsViews(field.type));
}

/** A DataView over the views of a view column (slot i at 16 * i, as apache-arrow keeps them). */
function viewsOf(data: Data): DataView {
  const views = data.values as Uint8Array;
  return new DataView(views.buffer, views.byteOffset, data.length * VIEW);
}

/** Whether slot i of a column is valid. */
function validity(data: Data): (i: number) => boolean {
  const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
  if (!bitmap) return () => true;
  return (i) => ((bitmap[(data.offset + i) >> 3]! >> ((data.offset + i) & 7)) & 1) === 1;
}

/** The bytes of every slot of a view column (null slots may read as anything, even empty). */
export function viewValues(data: Data): Uint8Array[] {
  const views = data.values as Uint8Array;
  const view = viewsOf(data);
  return Array.from({ length: data.length }, (_, i) => {
    const size = view.getInt32(VIEW * i, true);
    if (size <= INLINE) return views.subarray(VIEW * i + 4, VIEW * i + 4 + Math.max(0, size));
    const buffer = data.variadicBuffers[view.getInt32(VIEW * i + 8, true)];
    const offset = view.getInt32(VIEW * i + 12, true);
    return buffer ? buffer.subarray(offset, offset + size) : new Uint8Array(0);
  });
}

/**
 * A view column as offset-0 data holding only the bytes of its valid slots;
 * itself when it already is, or when a view points outside its buffers (which
 * the writer's checks then refuse, rather than this hiding it).
 */
function compactColumn(data: Data): Data {
  const { length } = data;
  const valid = validity(data);
  const source = viewsOf(data);
  let referenced = 0;
  for (let i = 0; i < length; i++) {
    const size = source.getInt32(VIEW * i, true);
    if (size <= INLINE || !valid(i)) continue;
    const buffer = data.variadicBuffers[source.getInt32(VIEW * i + 8, true)];
    const from = source.getInt32(VIEW * i + 12, true);
    if (!buffer || from < 0 || from + size > buffer.length) return data;
    referenced += size;
  }
  const held = data.variadicBuffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  if (data.offset === 0 && referenced >= held) return data;
  // Every view as it was; null ones are cleared and long ones repointed below.
  const out = (data.values as Uint8Array).slice(0, length * VIEW);
  const target = new DataView(out.buffer);
  const buffers: Uint8Array[] = [];
  let left = referenced;
  let current = new Uint8Array(Math.min(left, MAX_BUFFER));
  let used = 0;
  // Values that follow one another in a source buffer are copied as one run.
  let run: Uint8Array | null = null;
  let [runFrom, runTo, runAt] = [0, 0, 0];
  const copyRun = (): void => {
    if (run) current.set(run.subarray(runFrom, runTo), runAt);
    run = null;
  };
  for (let i = 0; i < length; i++) {
    const at = VIEW * i;
    if (!valid(i)) {
      out.fill(0, at, at + VIEW);
      continue;
    }
    const size = source.getInt32(at, true);
    if (size <= INLINE) continue;
    if (used + size > current.length) {
      copyRun();
      buffers.push(current.subarray(0, used));
      current = new Uint8Array(Math.min(left, MAX_BUFFER));
      used = 0;
    }
    const bytes = data.variadicBuffers[source.getInt32(at + 8, true)]!;
    const from = source.getInt32(at + 12, true);
    if (bytes !== run || from !== runTo) {
      copyRun();
      [run, runFrom, runAt] = [bytes, from, used];
    }
    runTo = from + size;
    target.setInt32(at + 8, buffers.length, true);
    target.setInt32(at + 12, used, true);
    used += size;
    left -= size;
  }
  copyRun();
  if (used > 0) buffers.push(current.subarray(0, used));
  const nullBitmap = data.nullCount > 0 ? sliceBitmap(data.nullBitmap!, data.offset, length) : undefined;
  return makeData({ type: data.type as Utf8View, length, nullBitmap, views: out, variadicBuffers: buffers });
}

/** Dictionary chunks already rebuilt, so that every batch shows the writer the same chunks (else it replaces the dictionary). */
const rebuilt = new WeakMap<Data, Data>();

function compactChunk(chunk: Data): Data {
  let out = rebuilt.get(chunk);
  if (!out) rebuilt.set(chunk, (out = compact(chunk)));
  return out;
}

/** A column with every view inside it compact, laid out as apache-arrow's writer walks it; itself when nothing changes. */
function compact(data: Data): Data {
  const type = data.type as DataType;
  if (!holdsViews(type)) return data;
  if (isView(type)) return compactColumn(data);
  if (type.typeId === Type.Null) return data.nullCount === data.length ? data : makeData({ type: type as Null, length: data.length });
  if (DataType.isDictionary(type)) {
    const dictionary = data.dictionary!;
    const chunks = dictionary.data.map(compactChunk);
    if (chunks.every((chunk, i) => chunk === dictionary.data[i])) return data;
    return new Data(type, data.offset, data.length, data.nullCount, data, data.children, new Vector(chunks));
  }
  if (type.typeId === Type.List || type.typeId === Type.LargeList || type.typeId === Type.Map) {
    // The writer cuts the child to the rows' range itself: hand it a child that starts there.
    const offsets = (data.valueOffsets as Int32Array | BigInt64Array).subarray(0, data.length + 1);
    const begin = Number(offsets[0]);
    const child = compact(data.children[0]!.slice(begin, Number(offsets[data.length]) - begin));
    const buffers = data.buffers;
    buffers[BufferType.OFFSET] = offsets instanceof BigInt64Array ? offsets.map((o) => o - BigInt(begin)) : offsets.map((o) => o - begin);
    return new Data(type, data.offset, data.length, data.nullCount, buffers, [child]);
  }
  // Structs, fixed-size lists and unions: the writer takes their children as they are.
  const children = data.children.map(compact);
  if (children.every((child, i) => child === data.children[i])) return data;
  return new Data(type, data.offset, data.length, data.nullCount, data, children, data.dictionary);
}

/** The batch with its view columns compact (the same batch when it has none). */
export function compactViews(batch: RecordBatch): RecordBatch {
  const before = batch.data.children;
  const after = before.map(compact);
  if (after.every((child, i) => child === before[i])) return batch;
  return new RecordBatch(batch.schema, makeData({ type: batch.data.type as Struct, length: batch.numRows, nullCount: 0, children: after }));
}
