/**
 * The Thrift structures that frame column chunk data: the header before
 * each page (DATA_PAGE_V2 or DICTIONARY_PAGE), and the page indexes written
 * after the row groups (OffsetIndex: where each page starts and its first
 * row; ColumnIndex: each page's min, max and null count).
 */
import type { BoundaryOrder, Encoding, OffsetIndex } from 'hyparquet';
import { enumCode } from './footer-fields.js';
import { CompactType, CompactWriter, type Writer } from './thrift-write.js';

/** What the header of a DATA_PAGE_V2 says. */
export interface DataPageV2Header {
  /** Sizes after the header: levels and values, before and after compressing the values. */
  uncompressed_page_size: number;
  compressed_page_size: number;
  /** Level entries (values, nulls and empty lists). */
  num_values: number;
  num_nulls: number;
  num_rows: number;
  encoding: Encoding;
  definition_levels_byte_length: number;
  repetition_levels_byte_length: number;
  is_compressed: boolean;
}

/** Appends the header of a DATA_PAGE_V2. */
export function writeDataPageHeader(out: Writer, header: DataPageV2Header): void {
  const w = new CompactWriter(out);
  w.message(() => {
    w.i32(1, enumCode('pageType', 'DATA_PAGE_V2'));
    w.i32(2, header.uncompressed_page_size);
    w.i32(3, header.compressed_page_size);
    w.struct(8, () => {
      w.i32(1, header.num_values);
      w.i32(2, header.num_nulls);
      w.i32(3, header.num_rows);
      w.i32(4, enumCode('encoding', header.encoding));
      w.i32(5, header.definition_levels_byte_length);
      w.i32(6, header.repetition_levels_byte_length);
      // Absent means compressed.
      if (!header.is_compressed) w.bool(7, false);
    });
  });
}

/** Appends the header of a PLAIN dictionary page of `values` entries. */
export function writeDictionaryPageHeader(out: Writer, values: number, uncompressed: number, compressed: number): void {
  const w = new CompactWriter(out);
  w.message(() => {
    w.i32(1, enumCode('pageType', 'DICTIONARY_PAGE'));
    w.i32(2, uncompressed);
    w.i32(3, compressed);
    w.struct(7, () => {
      w.i32(1, values);
      w.i32(2, enumCode('encoding', 'PLAIN'));
    });
  });
}

/** Appends an OffsetIndex. */
export function writeOffsetIndex(out: Writer, index: OffsetIndex): void {
  const w = new CompactWriter(out);
  w.message(() => {
    w.list(1, CompactType.STRUCT, index.page_locations, (page) =>
      w.element.struct(() => {
        w.i64(1, page.offset);
        w.i32(2, page.compressed_page_size);
        w.i64(3, page.first_row_index);
      }),
    );
    w.list(2, CompactType.I64, index.unencoded_byte_array_data_bytes, w.element.i64);
  });
}

/** One ColumnIndex: per page, whether it holds only nulls, its bounds (encoded as in Statistics) and counts. */
export interface ColumnIndexOut {
  null_pages: boolean[];
  min_values: Uint8Array[];
  max_values: Uint8Array[];
  boundary_order: BoundaryOrder;
  null_counts?: bigint[] | undefined;
  nan_counts?: bigint[] | undefined;
}

/** Appends a ColumnIndex. */
export function writeColumnIndex(out: Writer, index: ColumnIndexOut): void {
  const w = new CompactWriter(out);
  w.message(() => {
    w.list(1, CompactType.TRUE, index.null_pages, w.element.bool);
    w.list(2, CompactType.BINARY, index.min_values, w.element.binary);
    w.list(3, CompactType.BINARY, index.max_values, w.element.binary);
    w.i32(4, enumCode('boundaryOrder', index.boundary_order));
    w.list(5, CompactType.I64, index.null_counts, w.element.i64);
    w.list(8, CompactType.I64, index.nan_counts, w.element.i64);
  });
}
