/**
 * Writing the pages of a numeric column chunk straight from typed arrays:
 * DATA_PAGE_V2 pages of PLAIN values (compressed with the file's codec)
 * after their levels, min/max statistics from one tight loop, and the footer
 * entry of the chunk.
 * Used for flat columns (flat-pages.ts) and lists of numbers
 * (list-pages.ts); other columns go through column-write.ts.
 */
import type { OffsetIndex, SchemaElement } from 'hyparquet';
import { compress, type WriteCodec } from './codecs.js';
import type { ChunkOut } from './file-write.js';
import { writeDataPageHeader } from './page-header-write.js';
import { MinMax, type SortOrder } from './statistics.js';
import { chunkStatistics } from './statistics-out.js';
import type { Writer } from './thrift-write.js';

/** Typed arrays written as PLAIN values, by physical type. */
export type FlatValues = Int32Array | BigInt64Array | Float32Array | Float64Array;

/** Uncompressed value bytes per page. */
export const PAGE_BYTES = 1 << 20;

/** Whether a leaf element's physical type can have values written from a typed array (before computing them). */
export function isFlatType(element: SchemaElement): boolean {
  // A NULL-annotated column (Arrow's Null) has no values to write.
  if (element.logical_type?.type === 'NULL') return false;
  return element.type === 'INT32' || element.type === 'INT64' || element.type === 'FLOAT' || element.type === 'DOUBLE';
}

/** Whether a leaf element and its physical values can be written from the typed array. */
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

/** One page: encoded levels, the non-null values, and its counts. */
export interface PageOut {
  rep: Uint8Array;
  def: Uint8Array;
  values: FlatValues;
  /** Level entries (values, nulls and empty lists). */
  entries: number;
  rows: number;
  firstRow: number;
}

/** Writes pages one by one and collects what the chunk's footer entry needs. */
export class ChunkWriter {
  private readonly start: number;
  private readonly locations: OffsetIndex['page_locations'] = [];
  private uncompressed = 0;
  private entries = 0;
  private nulls = 0;
  private readonly minMax: MinMax | undefined;

  constructor(
    private readonly writer: Writer,
    private readonly schemaPath: SchemaElement[],
    order: SortOrder | undefined,
    private readonly codec: WriteCodec,
  ) {
    this.start = writer.offset;
    this.minMax = order && new MinMax(order);
  }

  page(page: PageOut): void {
    const { writer } = this;
    const nulls = page.entries - page.values.length;
    const plain = new Uint8Array(page.values.buffer, page.values.byteOffset, page.values.byteLength);
    const compressed = compress(this.codec, plain);
    const levels = page.rep.length + page.def.length;
    const pageStart = writer.offset;
    writeDataPageHeader(writer, {
      uncompressed_page_size: levels + plain.length,
      compressed_page_size: levels + compressed.length,
      num_values: page.entries,
      num_nulls: nulls,
      num_rows: page.rows,
      encoding: 'PLAIN',
      definition_levels_byte_length: page.def.length,
      repetition_levels_byte_length: page.rep.length,
      is_compressed: this.codec !== 'UNCOMPRESSED',
    });
    this.uncompressed += writer.offset - pageStart + levels + plain.length;
    writer.appendBytes(page.rep);
    writer.appendBytes(page.def);
    writer.appendBytes(compressed);
    this.locations.push({ offset: BigInt(pageStart), compressed_page_size: writer.offset - pageStart, first_row_index: BigInt(page.firstRow) });
    this.entries += page.entries;
    this.nulls += nulls;
    this.minMax?.addTyped(page.values);
  }

  /** The chunk's footer entry and, for several pages, its offset index. */
  finish(): ChunkOut {
    const element = this.schemaPath[this.schemaPath.length - 1]!;
    return {
      chunk: {
        file_offset: BigInt(this.start),
        meta_data: {
          type: element.type!,
          encodings: ['PLAIN', 'RLE'],
          path_in_schema: this.schemaPath.slice(1).map((e) => e.name),
          codec: this.codec,
          num_values: BigInt(this.entries),
          total_compressed_size: BigInt(this.writer.offset - this.start),
          total_uncompressed_size: BigInt(this.uncompressed),
          data_page_offset: BigInt(this.start),
          statistics: chunkStatistics(element, this.minMax, this.nulls),
          encoding_stats: [{ page_type: 'DATA_PAGE_V2', encoding: 'PLAIN', count: this.locations.length }],
        },
      },
      ...(this.locations.length > 1 ? { offsetIndex: { page_locations: this.locations } } : {}),
    };
  }
}
