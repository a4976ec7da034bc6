/**
 * Column chunks of flat numeric columns (INT32, INT64, FLOAT, DOUBLE; required
 * or optional), written straight from their typed arrays: PLAIN values are
 * the array's bytes (valid values only), definition levels are the Arrow
 * validity bitmap as one bit-packed run (or one RLE run when nothing is
 * null), statistics come from one tight loop, and pages are DATA_PAGE_V2
 * with Snappy-compressed values. This is the hot path of writing features
 * and numeric passthrough columns; other columns go through hyparquet-writer.
 */
import type { ColumnChunk, OffsetIndex, SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import type { ChunkStatistics, Writer } from 'hyparquet-writer/src/types.js';
import { sliceBitmap } from './bitmap.js';
import { snappyCompress } from './snappy-compress.js';

/** Typed arrays the fast path writes, by physical type. */
export type FlatValues = Int32Array | BigInt64Array | Float32Array | Float64Array;

/** One flat column of one row group. */
export interface FlatChunk {
  /** Schema elements from the root to the leaf. */
  readonly schemaPath: SchemaElement[];
  /** One value per row (null slots hold anything). */
  readonly values: FlatValues;
  /** Validity bitmap with its bit offset, or undefined when no row is null. */
  readonly validity?: { bitmap: Uint8Array; offset: number; nullCount: number } | undefined;
  /** Write min/max (only where the physical order is the logical one). */
  readonly statistics: boolean;
}

/** Uncompressed bytes per page; a multiple of 8 rows so pages start on bitmap bytes. */
const PAGE_BYTES = 1 << 20;

/** Whether a leaf element and its physical values can take the fast path. */
export function isFlatValues(element: SchemaElement, values: unknown): values is FlatValues {
  switch (element.type) {
    case 'INT32':
      return values instanceof Int32Array;
    case 'INT64':
      return values instanceof BigInt64Array;
    case 'FLOAT':
      return values instanceof Float32Array;
    case 'DOUBLE':
      return values instanceof Float64Array;
    default:
      return false;
  }
}

/** The valid values, packed (the array itself when nothing is null). */
function validValues(values: FlatValues, validity: FlatChunk['validity'], from: number, to: number): FlatValues {
  const page = values.subarray(from, to) as FlatValues;
  if (!validity) return page;
  const out = new (page.constructor as new (n: number) => FlatValues)(to - from - countNulls(validity, from, to));
  let k = 0;
  for (let i = from; i < to; i++) {
    const bit = validity.offset + i;
    if ((validity.bitmap[bit >> 3]! >> (bit & 7)) & 1) out[k++] = page[i - from]!;
  }
  return out;
}

function countNulls(validity: NonNullable<FlatChunk['validity']>, from: number, to: number): number {
  let nulls = 0;
  for (let i = from; i < to; i++) {
    const bit = validity.offset + i;
    if (!((validity.bitmap[bit >> 3]! >> (bit & 7)) & 1)) nulls++;
  }
  return nulls;
}

/** Definition levels of rows [from, to) in the RLE / bit-packed hybrid encoding, bit width 1. */
function definitionLevels(validity: FlatChunk['validity'], from: number, to: number): Uint8Array {
  const n = to - from;
  const level = new ByteWriter(16);
  if (!validity) {
    level.appendVarInt(n << 1); // one RLE run of n ones
    level.appendUint8(1);
    return level.getBytes();
  }
  // One bit-packed run: groups of 8 levels, LSB first, which is exactly a validity bitmap.
  const groups = (n + 7) >> 3;
  level.appendVarInt((groups << 1) | 1);
  level.appendBytes(sliceBitmap(validity.bitmap, validity.offset + from, n).subarray(0, groups));
  return level.getBytes();
}

/** min, max, null and NaN counts as hyparquet-writer's footer expects them. */
function statistics(values: FlatValues, nulls: number, float: boolean): ChunkStatistics {
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  let nans = 0;
  if (values instanceof BigInt64Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (min === undefined || v < min) min = v;
      if (max === undefined || v > max) max = v;
    }
  } else {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) nans++;
      else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo <= hi) {
      // Parquet: a zero minimum is written as -0, a zero maximum as +0.
      min = lo === 0 ? -0 : lo;
      max = hi === 0 ? 0 : hi;
    }
  }
  return { min_value: min, max_value: max, null_count: BigInt(nulls), ...(float ? { nan_count: BigInt(nans) } : {}) };
}

/** Writes one column chunk at the writer's position; returns its footer entry and offset index. */
export function writeFlatChunk(writer: Writer, chunk: FlatChunk): { chunk: ColumnChunk; offsetIndex?: OffsetIndex } {
  const { schemaPath, values, validity } = chunk;
  const element = schemaPath[schemaPath.length - 1]!;
  const optional = element.repetition_type === 'OPTIONAL';
  const rows = values.length;
  const rowsPerPage = Math.max(8, Math.floor(PAGE_BYTES / values.BYTES_PER_ELEMENT / 8) * 8);
  const start = writer.offset;
  const locations: OffsetIndex['page_locations'] = [];
  let uncompressed = 0;
  const float = element.type === 'FLOAT' || element.type === 'DOUBLE';
  let stats: ChunkStatistics | undefined;
  for (let from = 0; from < rows; from += rowsPerPage) {
    const to = Math.min(rows, from + rowsPerPage);
    const valid = validValues(values, validity, from, to);
    const pageNulls = to - from - valid.length;
    if (chunk.statistics) stats = merge(stats, statistics(valid, pageNulls, float));
    const levels = optional ? definitionLevels(validity, from, to) : new Uint8Array(0);
    const plain = new Uint8Array(valid.buffer, valid.byteOffset, valid.byteLength);
    const compressed = snappyCompress(plain);
    const pageStart = writer.offset;
    writePageHeader(writer, {
      type: 'DATA_PAGE_V2',
      uncompressed_page_size: levels.length + plain.length,
      compressed_page_size: levels.length + compressed.length,
      data_page_header_v2: {
        num_values: to - from,
        num_nulls: pageNulls,
        num_rows: to - from,
        encoding: 'PLAIN',
        definition_levels_byte_length: levels.length,
        repetition_levels_byte_length: 0,
        is_compressed: true,
      },
    });
    uncompressed += writer.offset - pageStart + levels.length + plain.length;
    writer.appendBytes(levels);
    writer.appendBytes(compressed);
    locations.push({ offset: BigInt(pageStart), compressed_page_size: writer.offset - pageStart, first_row_index: BigInt(from) });
  }
  return {
    chunk: {
      file_offset: BigInt(start),
      meta_data: {
        type: element.type!,
        encodings: ['PLAIN'],
        path_in_schema: schemaPath.slice(1).map((e) => e.name),
        codec: 'SNAPPY',
        num_values: BigInt(rows),
        total_compressed_size: BigInt(writer.offset - start),
        total_uncompressed_size: BigInt(uncompressed),
        data_page_offset: BigInt(start),
        statistics: stats,
        encoding_stats: [{ page_type: 'DATA_PAGE_V2', encoding: 'PLAIN', count: locations.length }],
      },
    },
    ...(locations.length > 1 ? { offsetIndex: { page_locations: locations } } : {}),
  };
}

/** Statistics of two parts of a chunk combined (zero minima are already -0, zero maxima +0). */
function merge(a: ChunkStatistics | undefined, b: ChunkStatistics): ChunkStatistics {
  if (!a) return b;
  const pick = (x: unknown, y: unknown, better: (p: number | bigint, q: number | bigint) => boolean) =>
    x === undefined ? y : y === undefined ? x : better(y as number | bigint, x as number | bigint) ? y : x;
  return {
    min_value: pick(a.min_value, b.min_value, (p, q) => p < q) as ChunkStatistics['min_value'],
    max_value: pick(a.max_value, b.max_value, (p, q) => p > q) as ChunkStatistics['max_value'],
    null_count: (a.null_count ?? 0n) + (b.null_count ?? 0n),
    ...(a.nan_count !== undefined ? { nan_count: a.nan_count + (b.nan_count ?? 0n) } : {}),
  };
}
