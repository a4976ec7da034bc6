/**
 * The pages of a Parquet file's column chunks, found by reading one page
 * header after another from the start of each chunk (with the reader's own
 * page header decoder), for tests that check headers against the footer and
 * decode page values directly.
 */
import { readFileSync } from 'node:fs';
import { asyncBufferFromFile, type ColumnChunk, type FileMetaData, type PageHeader, parquetMetadataAsync } from 'hyparquet';
import { chunkRange } from '../../../src/io/parquet/footer.js';
import { readPageHeader } from '../../../src/io/parquet/page-header-read.js';
import { ThriftReader } from '../../../src/io/parquet/thrift-read.js';

/** One page: its header, where the header starts and ends in the file, and its (still compressed) body. */
export interface Page {
  readonly header: PageHeader;
  readonly start: number;
  readonly bodyStart: number;
  readonly body: Uint8Array;
}

/** A column chunk and its pages. */
export interface Chunk {
  readonly group: number;
  readonly chunk: ColumnChunk;
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly pages: Page[];
}

/** The footer (read by hyparquet) and the pages of every column chunk of a file. */
export async function walkPages(path: string): Promise<{ metadata: FileMetaData; bytes: Uint8Array; chunks: Chunk[] }> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
  const bytes = new Uint8Array(readFileSync(path));
  const chunks: Chunk[] = [];
  metadata.row_groups.forEach((group, g) => {
    for (const chunk of group.columns) {
      const [start, end] = chunkRange(chunk);
      const pages: Page[] = [];
      for (let pos = start; pos < end;) {
        const reader = new ThriftReader(bytes, pos, end, 'page header');
        const header = readPageHeader(reader);
        pages.push({ header, start: pos, bodyStart: reader.pos, body: bytes.subarray(reader.pos, reader.pos + header.compressed_page_size) });
        pos = reader.pos + header.compressed_page_size;
      }
      chunks.push({ group: g, chunk, path: chunk.meta_data!.path_in_schema.join('.'), start, end, pages });
    }
  });
  return { metadata, bytes, chunks };
}

/** The values section of an uncompressed DATA_PAGE_V2 (after its levels). */
export function v2Values(page: Page): Uint8Array {
  const h = page.header.data_page_header_v2!;
  return page.body.subarray(h.repetition_levels_byte_length + h.definition_levels_byte_length);
}
