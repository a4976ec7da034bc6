/**
 * Column chunks of flat numeric columns (INT32, INT64, FLOAT, DOUBLE; required
 * or optional), written straight from their typed arrays: PLAIN values are the
 * array's bytes (valid values only), and definition levels are the Arrow
 * validity bitmap as one bit-packed run (or one RLE run when nothing is null).
 */
import type { SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { sliceBitmap } from '../arrow/bitmap.js';
import type { Validity } from './chunk-parts.js';
import type { WriteCodec } from './codecs.js';
import type { ChunkOut } from './file-write.js';
import { ChunkWriter, type FlatValues, PAGE_BYTES, packValues } from './pages-out.js';
import type { SortOrder } from './statistics.js';
import type { Writer } from './thrift-write.js';

/** One flat column of one row group. */
export interface FlatChunk {
  /** Schema elements from the root to the leaf. */
  readonly schemaPath: SchemaElement[];
  /** One value per row (null slots hold anything). */
  readonly values: FlatValues;
  /** Validity bitmap with its bit offset, or undefined when no row is null. */
  readonly validity?: Validity | undefined;
  /** The order of min/max, or undefined for none. */
  readonly order: SortOrder | undefined;
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

/** Writes one column chunk at the writer's position; returns its footer entry and offset index. */
export function writeFlatChunk(writer: Writer, chunk: FlatChunk, codec: WriteCodec): ChunkOut {
  const { schemaPath, values, validity } = chunk;
  const optional = schemaPath[schemaPath.length - 1]!.repetition_type === 'OPTIONAL';
  // A multiple of 8 rows, so that every page starts on a byte of the bitmap.
  const rowsPerPage = Math.max(8, Math.floor(PAGE_BYTES / values.BYTES_PER_ELEMENT / 8) * 8);
  const out = new ChunkWriter(writer, schemaPath, chunk.order, codec);
  const isValid = (i: number) => {
    const bit = validity!.offset + i;
    return ((validity!.bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
  };
  for (let from = 0; from < values.length; from += rowsPerPage) {
    const to = Math.min(values.length, from + rowsPerPage);
    let count = to - from;
    if (validity) for (let i = from; i < to; i++) if (!isValid(i)) count--;
    const page = count === to - from ? (values.subarray(from, to) as FlatValues) : packValues(values, from, to, isValid, count);
    const def = optional ? definitionLevels(validity, from, to) : new Uint8Array(0);
    out.page({ rep: new Uint8Array(0), def, values: page, entries: to - from, rows: to - from, firstRow: from });
  }
  return out.finish();
}
