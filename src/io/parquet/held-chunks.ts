/**
 * The footer entries and page indexes of the column chunks a ParquetFrame
 * has written, held as their encoded bytes until the file ends (where the
 * page indexes go, and so where the entries point): in one growing buffer,
 * a few numbers per chunk. Held as objects, they were about 1 KB a chunk,
 * 7.5 MB of the heap by the end of an apply of 100M rows (814 row groups
 * of 9 columns), for the whole run.
 *
 * A chunk's ColumnChunk is held as its fields before the page index ones
 * (file_offset, meta_data), without the stop byte; the page index fields
 * (4 to 7) and the stop byte are written after them when the file ends,
 * byte for byte as the whole struct would be written then. A copied chunk
 * with fields after those (the encryption fields, of chunks bn1d does not
 * read, or fields of a later parquet.thrift) is held as its struct.
 */
import { ByteWriter } from 'hyparquet-writer';
import type { FrameChunk } from './file-write.js';
import { CHUNK } from './footer-fields.js';
import { columnChunkHead, type ColumnChunkEntry, type EncodedChunk } from './footer-write.js';
import { writeColumnIndex, writeOffsetIndex } from './page-header-write.js';
import { ThriftType } from './thrift-read.js';
import { ThriftStruct } from './thrift-tree.js';
import { writeThriftStruct } from './thrift-tree-write.js';
import { CompactWriter, type Writer } from './thrift-write.js';

/** Numbers per chunk: head start and end, the head's last field id, column index start and end, offset index start and end (-1: none). */
const STRIDE = 7;

export class HeldChunks {
  private readonly bytes = new ByteWriter();
  private readonly numbers: number[] = [];
  /** Copied chunks held as structs, by their number. */
  private readonly structs = new Map<number, ThriftStruct>();

  get count(): number {
    return this.numbers.length / STRIDE;
  }

  /** Holds a chunk whose pages and bloom filter are written. */
  add(chunk: FrameChunk): void {
    const { bytes } = this;
    const headStart = bytes.offset;
    let headEnd = headStart;
    let last = 0;
    if (!('copied' in chunk)) {
      columnChunkHead(new CompactWriter(bytes), chunk.chunk);
      headEnd = bytes.offset;
      last = CHUNK.META_DATA;
    } else if (chunk.copied.fields.some((field) => field.id > CHUNK.COLUMN_INDEX_LENGTH)) {
      this.structs.set(this.count, chunk.copied);
    } else {
      // Written whole; its stop byte is left out of the head.
      writeThriftStruct(bytes, chunk.copied);
      headEnd = bytes.offset - 1;
      last = chunk.copied.fields.at(-1)?.id ?? 0;
    }
    const columnIndex = bytes.offset;
    if ('copied' in chunk) {
      if (chunk.columnIndex) bytes.appendBytes(chunk.columnIndex);
    } else if (chunk.columnIndex) writeColumnIndex(bytes, chunk.columnIndex);
    const offsetIndex = bytes.offset;
    if ('copied' in chunk) {
      if (chunk.offsetIndex) writeThriftStruct(bytes, chunk.offsetIndex);
    } else if (chunk.offsetIndex) writeOffsetIndex(bytes, chunk.offsetIndex);
    const end = bytes.offset;
    this.numbers.push(headStart, headEnd, last, chunk.columnIndex ? columnIndex : -1, offsetIndex, chunk.offsetIndex ? offsetIndex : -1, end);
  }

  /**
   * Writes every held column index, then every offset index, to `out`, and
   * returns the chunks' footer entries, which point at them.
   */
  writeIndexes(out: Writer): ColumnChunkEntry[] {
    const all = this.bytes.getBytes();
    const n = this.count;
    const places = new Float64Array(4 * n);
    for (const [first, at] of [[3, 0], [5, 2]] as const) {
      for (let k = 0; k < n; k++) {
        const start = this.numbers[k * STRIDE + first]!;
        if (start < 0) continue;
        const end = this.numbers[k * STRIDE + first + 1]!;
        places[4 * k + at] = out.offset;
        places[4 * k + at + 1] = end - start;
        out.appendBytes(all.subarray(start, end));
      }
    }
    const entries: ColumnChunkEntry[] = [];
    for (let k = 0; k < n; k++) {
      const hasColumnIndex = this.numbers[k * STRIDE + 3]! >= 0;
      const hasOffsetIndex = this.numbers[k * STRIDE + 5]! >= 0;
      const column = this.structs.get(k);
      if (column) {
        const { I64, I32 } = ThriftType;
        if (hasColumnIndex) {
          column.set(CHUNK.COLUMN_INDEX_OFFSET, I64, BigInt(places[4 * k]!));
          column.set(CHUNK.COLUMN_INDEX_LENGTH, I32, places[4 * k + 1]!);
        }
        if (hasOffsetIndex) {
          column.set(CHUNK.OFFSET_INDEX_OFFSET, I64, BigInt(places[4 * k + 2]!));
          column.set(CHUNK.OFFSET_INDEX_LENGTH, I32, places[4 * k + 3]!);
        }
        entries.push(column);
        continue;
      }
      const head = all.subarray(this.numbers[k * STRIDE]!, this.numbers[k * STRIDE + 1]!);
      const last = this.numbers[k * STRIDE + 2]!;
      const encoded: EncodedChunk = {
        writeTo(to: Writer) {
          to.appendBytes(head);
          const w = new CompactWriter(to, last);
          if (hasOffsetIndex) {
            w.i64(CHUNK.OFFSET_INDEX_OFFSET, places[4 * k + 2]!);
            w.i32(CHUNK.OFFSET_INDEX_LENGTH, places[4 * k + 3]!);
          }
          if (hasColumnIndex) {
            w.i64(CHUNK.COLUMN_INDEX_OFFSET, places[4 * k]!);
            w.i32(CHUNK.COLUMN_INDEX_LENGTH, places[4 * k + 1]!);
          }
          to.appendUint8(0);
        },
      };
      entries.push(encoded);
    }
    return entries;
  }
}
