/**
 * One column of a row group, encoded: its Data written as column chunks
 * (one per leaf) at a writer's position, or on its own (another thread's
 * work) as bytes whose chunks are placed later wherever the file has got
 * to. Pages hold no file offsets, so a column encoded alone and placed has
 * the bytes of one encoded in place.
 */
import type { Data } from 'apache-arrow';
import { ByteWriter } from 'hyparquet-writer';
import { DataError } from '../../core/errors.js';
import { joinArrays, joinValidity } from './chunk-parts.js';
import type { WriteCodec } from './codecs.js';
import { writeColumnChunk } from './column-write.js';
import { encodeParts, type LeafPageData } from './encode.js';
import type { ChunkOut } from './file-write.js';
import { type FlatChunk, writeFlatChunk } from './flat-chunk.js';
import { listChunk, writeListChunk } from './list-chunk.js';
import { type FlatValues, isFlatType, isFlatValues } from './pages-out.js';
import { physicalValues } from './physical.js';
import { sortOrder } from './statistics.js';
import type { Writer } from './thrift-write.js';
import type { WriteColumn } from './write-plan.js';

/** A column encoded on its own: its bytes, and its chunks with offsets from the first byte. */
export interface EncodedColumn {
  readonly bytes: Uint8Array;
  readonly chunks: readonly ChunkOut[];
}

/** Encodes a column on its own. */
export function encodeColumnAlone(column: WriteColumn, data: readonly Data[], codec: WriteCodec): EncodedColumn {
  // Sized for the values and some headers up front: growing by doubling would allocate twice the chunk on the way.
  const writer = new ByteWriter(Math.max(1 << 16, Math.ceil(data.reduce((n, d) => n + bytesOf(d), 0) * 1.05)));
  const chunks = encodeColumn(writer, column, data, codec);
  return { bytes: writer.getBytes(), chunks };
}

/** Bytes a Data holds in its buffers, children included. */
function bytesOf(data: Data): number {
  const own = (data.values?.byteLength ?? 0) + (data.valueOffsets?.byteLength ?? 0) + (data.nullBitmap?.byteLength ?? 0);
  return data.children.reduce((n, child) => n + bytesOf(child), own);
}

/** The chunks of an encoded column whose bytes are written at file offset `at`. */
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
  const flat = flatChunk(column, data);
  if (flat) return [writeFlatChunk(writer, flat, codec)];
  const list = listChunk(column, data);
  if (list) return [writeListChunk(writer, list, codec)];
  const pages = encodeParts(column.node, data, column.name);
  return pages.map((page, p) => writeLeaf(writer, page, column, p, codec));
}

/** A flat numeric column whose typed arrays can be written directly, or undefined. */
function flatChunk(column: WriteColumn, parts: readonly Data[]): FlatChunk | undefined {
  const { node } = column;
  if (node.kind !== 'leaf' || node.maxRep !== 0 || !isFlatType(node.element)) return undefined;
  const values = parts.map((data) => physicalValues(node.element, data, column.name));
  if (!values.every((v) => isFlatValues(node.element, v))) return undefined;
  const validity = joinValidity(parts.map((data) => ({ data, from: 0, length: data.length })));
  if (validity && !node.nullable) throw new DataError(`column "${column.name}" holds a null where its Parquet schema requires a value`);
  return { schemaPath: column.leafPaths[0]!, values: joinArrays(values as FlatValues[]), validity, order: sortOrder(node.element) };
}

function writeLeaf(writer: Writer, page: LeafPageData, column: WriteColumn, leaf: number, codec: WriteCodec): ChunkOut {
  try {
    return writeColumnChunk(writer, page, column.leafPaths[leaf]!, codec);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`column "${column.name}": cannot write to Parquet: ${error instanceof Error ? error.message : String(error)}`);
  }
}
