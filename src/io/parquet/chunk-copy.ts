/**
 * Copying a column chunk of an input file (chunk-source.ts) into an output
 * file as its stored bytes: the pages are appended as they are, and the
 * input's ColumnChunk struct goes into the output's footer with every field
 * (statistics, encodings, encoding stats, size statistics, key-value
 * metadata, fields bn1d does not know), its offsets moved with the pages.
 * ParquetFrame (file-write.ts) places the page indexes and bloom filter.
 *
 * Offsets are moved only where they point into the chunk's pages (the
 * chunk's file_offset also at its end, where old writers put the metadata
 * after the pages). A dictionary or index page offset outside them is one
 * that readers must not follow (some writers store a wrong one, or 0): 0
 * stays, as readers take it for "none", and any other such offset is left
 * out, so that it cannot point at another chunk's bytes in the output.
 *
 * The pages' levels and values are only valid under the schema elements
 * they were written for: canCopyColumn says whether an output column's
 * elements are those of the input's.
 */
import type { SchemaElement } from 'hyparquet';
import type { Footer } from './footer.js';
import type { CopiedChunkOut } from './file-write.js';
import type { SourceChunk } from './chunk-source.js';
import { CHUNK, META } from './footer-fields.js';
import { sortOrder } from './statistics.js';
import { ThriftType } from './thrift-read.js';
import { ThriftList, type ThriftStruct } from './thrift-tree.js';
import type { Writer } from './thrift-write.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Sort orders in which the deprecated Statistics min and max (fields 1 and
 * 2, ordered by signed comparison) are also the type's own order.
 */
const SIGNED_LIKE = new Set(['signed', 'float', 'boolean']);

/**
 * Appends the pages of `source` at the writer's position and returns the
 * chunk for ParquetFrame.rowGroup; `schemaPath` runs from the root to the
 * output's leaf (its names become path_in_schema).
 */
export function appendCopiedChunk(out: Writer, source: SourceChunk, schemaPath: readonly SchemaElement[]): CopiedChunkOut {
  const column = source.column.clone();
  const meta = column.struct(CHUNK.META_DATA)!;
  const start = source.start;
  const end = start + source.bytes.length;
  const at = BigInt(out.offset);
  const delta = at - BigInt(start);
  if (out.appendShared) out.appendShared(source.bytes);
  else out.appendBytes(source.bytes);

  moveOffset(column, CHUNK.FILE_OFFSET, start, end + 1, delta, at);
  moveOffset(meta, META.DATA_PAGE_OFFSET, start, end, delta, at);
  moveOffset(meta, META.INDEX_PAGE_OFFSET, start, end, delta);
  moveOffset(meta, META.DICTIONARY_PAGE_OFFSET, start, end, delta);
  // The frame points the chunk at its page indexes and bloom filter where it writes them.
  for (const id of [CHUNK.OFFSET_INDEX_OFFSET, CHUNK.OFFSET_INDEX_LENGTH, CHUNK.COLUMN_INDEX_OFFSET, CHUNK.COLUMN_INDEX_LENGTH]) column.delete(id);
  meta.delete(META.BLOOM_FILTER_OFFSET);
  if (!source.bloomFilter) meta.delete(META.BLOOM_FILTER_LENGTH);
  setPath(meta, schemaPath.slice(1).map((element) => element.name));
  keepOrderedStatistics(meta, schemaPath[schemaPath.length - 1]!);

  let offsetIndex: ThriftStruct | undefined;
  if (source.offsetIndex) {
    offsetIndex = source.offsetIndex.clone();
    for (const page of (offsetIndex.get(1) as ThriftList).items) moveOffset(page as ThriftStruct, 1, start, end, delta);
  }
  return {
    copied: column,
    totalUncompressedSize: meta.integer(META.TOTAL_UNCOMPRESSED_SIZE) ?? 0n,
    columnIndex: source.columnIndex,
    offsetIndex,
    bloomFilter: source.bloomFilter,
  };
}

/**
 * Moves i64 field `id` by `delta` when it lies in [from, to); 0 stays. Any
 * other value becomes `otherwise` for a field that must be there, else the
 * field is left out.
 */
function moveOffset(struct: ThriftStruct, id: number, from: number, to: number, delta: bigint, otherwise?: bigint): void {
  const field = struct.field(id);
  if (!field || field.type !== ThriftType.I64) return;
  const value = field.value as bigint;
  if (value >= BigInt(from) && value < BigInt(to)) field.value = value + delta;
  else if (value === 0n) return;
  else if (otherwise !== undefined) field.value = otherwise;
  else struct.delete(id);
}

/** Sets path_in_schema to `names` unless it holds them already. */
function setPath(meta: ThriftStruct, names: readonly string[]): void {
  const stored = meta.get(META.PATH_IN_SCHEMA);
  const same = stored instanceof ThriftList && stored.items.length === names.length &&
    stored.items.every((item, k) => item instanceof Uint8Array && fromUtf8.decode(item) === names[k]);
  if (!same) meta.set(META.PATH_IN_SCHEMA, ThriftType.LIST, new ThriftList(ThriftType.BINARY, names.map((name) => utf8.encode(name))));
}

/**
 * Leaves out the deprecated min and max (fields 1 and 2) of a leaf whose
 * order is not that of signed comparison when they are the only bounds (no
 * min_value or max_value, fields 5 and 6): the writers that stored only
 * those (parquet-mr before 1.10 for strings, among others) had them in the
 * wrong order, and readers tell such files by their created_by, which the
 * output does not have. Writers that also store min_value and max_value
 * store the deprecated pair in the type's order.
 */
function keepOrderedStatistics(meta: ThriftStruct, leaf: SchemaElement): void {
  const statistics = meta.struct(META.STATISTICS);
  if (!statistics || SIGNED_LIKE.has(sortOrder(leaf) ?? '') || statistics.field(5) || statistics.field(6)) return;
  statistics.delete(1);
  statistics.delete(2);
}

/**
 * Whether leaf `leaf` of the input whose footer is `footer` can be copied
 * into an output column whose root-to-leaf schema elements are `output`:
 * the same nesting, repetition at every level, physical type (and length of
 * a fixed-length byte array) and sort order of the statistics, and in every
 * row group a chunk whose first data page lies among its pages. Names may
 * differ (path_in_schema follows the output).
 */
export function canCopyColumn(footer: Footer, leaf: number, output: readonly SchemaElement[]): boolean {
  const input = footer.leafPaths[leaf]?.map((node) => node.element);
  if (!input || input.length !== output.length || input.length < 2) return false;
  for (let k = 1; k < input.length; k++) {
    const a = input[k]!;
    const b = output[k]!;
    if ((a.repetition_type ?? 'REQUIRED') !== (b.repetition_type ?? 'REQUIRED') || a.type !== b.type) return false;
    if (a.type === 'FIXED_LEN_BYTE_ARRAY' && a.type_length !== b.type_length) return false;
  }
  if (sortOrder(input.at(-1)!) !== sortOrder(output.at(-1)!)) return false;
  const { index } = footer;
  for (let g = 0; g < index.rowGroupCount; g++) {
    const [start, end] = index.chunkRange(g, leaf);
    const data = index.dataPageOffset(g, leaf);
    if (!(data === 0 || (data >= start && data < end))) return false;
  }
  return true;
}
