/**
 * One column of a row group, encoded: its Data written as column chunks
 * (one per leaf) at a writer's position, through a column stream
 * (column-stream.ts) that writes flat numbers and lists of numbers page by
 * page; any other column is written whole from its levels (encode.ts,
 * column-write.ts). A column encoded elsewhere (another thread's work) has
 * its chunks placed later wherever the file has got to: pages hold no file
 * offsets, so a column encoded apart and placed has the bytes of one
 * encoded in place.
 */
import type { Data } from 'apache-arrow';
import { DataError } from '../../core/errors.js';
import type { WriteCodec } from './codecs.js';
import { openColumnStream } from './column-stream.js';
import { writeColumnChunk } from './column-write.js';
import { encodeParts, type LeafPageData } from './encode.js';
import type { ChunkOut } from './file-write.js';
import type { Writer } from './thrift-write.js';
import type { WriteColumn } from './write-plan.js';

/** The chunks of a column encoded with offsets from its first byte, placed at file offset `at`. */
export function placeChunks(chunks: readonly ChunkOut[], at: number): ChunkOut[] {
  const by = BigInt(at);
  return chunks.map(({ chunk, offsetIndex, columnIndex }) => ({
    chunk: {
      ...chunk,
      file_offset: chunk.file_offset + by,
      meta_data: {
        ...chunk.meta_data,
        data_page_offset: chunk.meta_data.data_page_offset + by,
        dictionary_page_offset: chunk.meta_data.dictionary_page_offset === undefined ? undefined : chunk.meta_data.dictionary_page_offset + by,
      },
    },
    offsetIndex: offsetIndex && { page_locations: offsetIndex.page_locations.map((p) => ({ ...p, offset: p.offset + by })) },
    columnIndex,
  }));
}

/** The column chunks (one per leaf) of one column's Data, written to `writer`. */
export function encodeColumn(writer: Writer, column: WriteColumn, data: readonly Data[], codec: WriteCodec): ChunkOut[] {
  const stream = openColumnStream(writer, column, codec, data.reduce((n, part) => n + part.length, 0));
  for (const part of data) stream.push(part);
  return stream.finish();
}

/** A column's parts written whole from their levels and values, one chunk per leaf. */
export function writeGathered(writer: Writer, column: WriteColumn, data: readonly Data[], codec: WriteCodec): ChunkOut[] {
  const pages = encodeParts(column.node, data, column.name);
  return pages.map((page, p) => writeLeaf(writer, page, column, p, codec));
}

function writeLeaf(writer: Writer, page: LeafPageData, column: WriteColumn, leaf: number, codec: WriteCodec): ChunkOut {
  try {
    return writeColumnChunk(writer, page, column.leafPaths[leaf]!, codec);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`column "${column.name}": cannot write to Parquet: ${error instanceof Error ? error.message : String(error)}`);
  }
}
