/**
 * Decoding of one page of a column chunk (after its header): decompression,
 * then its levels (rle.ts) and values (pages.ts), into bounded typed arrays,
 * because every count in a page comes from the file. A PageDecoder goes
 * through the pages of one chunk in order and keeps its dictionary;
 * hyparquet-compressors provides the decompressors but SNAPPY's, which is
 * bn1d's (../codecs/snappy-decode.ts), the one that decodes large pages in
 * parts (page-stream.ts), so that a page fails the same way either way.
 */
import type { CompressionCodec, Encoding, PageHeader } from 'hyparquet';
import { compressors, decompressZstd } from 'hyparquet-compressors';
import { snappyDecompress } from '../codecs/snappy-decode.js';
import type { ChunkSpec, LeafChunk } from './decode.js';
import { CorruptParquet, UnsupportedParquet } from './faults.js';
import { decodeValues, readPlainValues } from './pages.js';
import { readLevels } from './rle.js';
import { type PhysicalValues, valueCount } from './values.js';

type Decompress = (input: Uint8Array, length: number) => Uint8Array;

const DECOMPRESSORS: Partial<Record<CompressionCodec, Decompress>> = {
  ...compressors,
  // Decompress into a buffer of the announced size, never one the frame asks for.
  ZSTD: (input, length) => decompressZstd(input, new Uint8Array(length)),
  // bn1d's own: the decoder of pages read in parts (page-stream.ts), over the whole page.
  SNAPPY: snappyDecompress,
};

/** A page may not inflate past this, nor past 1024 times its size when it is over 64 MiB. */
export const MAX_PAGE_BYTES = 1 << 30;
const MAX_PAGE_ENTRIES = 1 << 27;

/**
 * The pages of one column chunk decoded one at a time, in order: it keeps
 * the chunk's dictionary and counts the level entries decoded so far.
 */
export class PageDecoder {
  private dictionary: PhysicalValues | undefined;
  /** Level entries decoded so far. */
  private seen = 0;

  constructor(readonly spec: ChunkSpec) {
    const { codec } = spec;
    if (codec !== 'UNCOMPRESSED' && !DECOMPRESSORS[codec]) {
      throw new UnsupportedParquet(`compression codec ${codec ?? '(unknown)'}`);
    }
  }

  /** Whether every level entry of the chunk is decoded. */
  get done(): boolean {
    return this.seen >= this.spec.numValues;
  }

  /** Counts the `count` level entries of a data page decoded elsewhere (page-stream.ts). */
  advance(count: number): void {
    this.seen += count;
  }

  /** Level entries of the chunk still to come. */
  get left(): number {
    return this.spec.numValues - this.seen;
  }

  /** The error of a chunk whose bytes end before its last page. */
  endsEarly(): CorruptParquet {
    return new CorruptParquet(`column chunk ends after ${this.seen} of ${this.spec.numValues} values`);
  }

  /** A data page's levels and values; undefined for a dictionary page (which it keeps) or an index page. */
  page(header: PageHeader, body: Uint8Array): LeafChunk | undefined {
    const { spec } = this;
    if (header.type === 'DICTIONARY_PAGE') {
      const count = header.dictionary_page_header?.num_values ?? -1;
      const page = decompress(body, header.uncompressed_page_size, spec.codec);
      if (!Number.isInteger(count) || count < 0 || count > page.length * 8) throw new CorruptParquet(`dictionary of ${count} values`);
      this.dictionary = readPlainValues(page, 0, page.length, spec.column, count);
      return undefined;
    }
    if (header.type === 'INDEX_PAGE') return undefined;
    const left = spec.numValues - this.seen;
    const page = header.type === 'DATA_PAGE' ? dataPageV1(header, body, spec, left, this.dictionary)
      : header.type === 'DATA_PAGE_V2' ? dataPageV2(header, body, spec, left, this.dictionary)
        : undefined;
    if (!page) throw new CorruptParquet(`unknown page type ${String(header.type)}`);
    this.seen += page.length;
    return page;
  }
}

/** The level entries a data page says it has, checked against the `left` entries of its chunk. */
export function pageEntries(count: unknown, left: number): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > left || count > MAX_PAGE_ENTRIES) {
    throw new CorruptParquet(`page of ${String(count)} values where the column chunk has ${left} left`);
  }
  return count;
}

function dataPageV1(header: PageHeader, body: Uint8Array, spec: ChunkSpec, left: number, dictionary: PhysicalValues | undefined): LeafChunk {
  const h = header.data_page_header;
  if (!h) throw new CorruptParquet('data page without its header');
  const count = pageEntries(h.num_values, left);
  const page = decompress(body, header.uncompressed_page_size, spec.codec);
  let pos = 0;
  const levels = (max: number, encoding: string, what: string): Uint8Array | undefined => {
    if (!max) return undefined;
    if (encoding === 'BIT_PACKED') throw new UnsupportedParquet(`BIT_PACKED (deprecated) encoding of ${what} levels`);
    if (encoding !== 'RLE') throw new CorruptParquet(`unknown encoding of ${what} levels`);
    if (pos + 4 > page.length) throw new CorruptParquet(`${what} levels end early`);
    const length = new DataView(page.buffer, page.byteOffset + pos, 4).getUint32(0, true);
    const decoded = readLevels(page, pos + 4, Math.min(page.length, pos + 4 + length), max, count, what);
    pos += 4 + length;
    return decoded;
  };
  const rep = levels(spec.maxRep, h.repetition_level_encoding, 'repetition');
  const def = levels(spec.maxDef, h.definition_level_encoding, 'definition');
  return finishPage(page, pos, page.length, h.encoding, count, def, rep, spec, dictionary);
}

function dataPageV2(header: PageHeader, body: Uint8Array, spec: ChunkSpec, left: number, dictionary: PhysicalValues | undefined): LeafChunk {
  const h = header.data_page_header_v2;
  if (!h) throw new CorruptParquet('data page without its header');
  const count = pageEntries(h.num_values, left);
  const repLength = h.repetition_levels_byte_length;
  const defLength = h.definition_levels_byte_length;
  if (!(repLength >= 0 && defLength >= 0 && repLength + defLength <= body.length)) {
    throw new CorruptParquet(`levels of ${repLength} + ${defLength} bytes in a page of ${body.length}`);
  }
  const rep = spec.maxRep ? readLevels(body, 0, repLength, spec.maxRep, count, 'repetition') : undefined;
  const def = spec.maxDef ? readLevels(body, repLength, repLength + defLength, spec.maxDef, count, 'definition') : undefined;
  const values = body.subarray(repLength + defLength);
  const size = header.uncompressed_page_size - repLength - defLength;
  // Writers before Arrow 3.0 compressed V2 pages while flagging them uncompressed (ARROW-10353):
  // a page flagged uncompressed whose size is not the announced one is such a page.
  const compressed = h.is_compressed !== false || (spec.codec !== 'UNCOMPRESSED' && values.length !== size);
  const page = compressed ? decompress(values, size, spec.codec) : values;
  return finishPage(page, 0, page.length, h.encoding, count, def, rep, spec, dictionary);
}

function finishPage(
  page: Uint8Array, start: number, end: number, encoding: Encoding, count: number,
  def: Uint8Array | undefined, rep: Uint8Array | undefined, spec: ChunkSpec, dictionary: PhysicalValues | undefined,
): LeafChunk {
  let present = count;
  if (def) {
    present = 0;
    for (let i = 0; i < count; i++) if (def[i] === spec.maxDef) present++;
  }
  const values = decodeValues(page, start, end, encoding, spec.column, present, dictionary);
  if (valueCount(values) !== present) throw new CorruptParquet(`page decoded ${valueCount(values)} values, its levels say ${present}`);
  return { length: count, def, rep, values, full: present };
}

function decompress(body: Uint8Array, size: number, codec: CompressionCodec): Uint8Array {
  if (!Number.isInteger(size) || size < 0) throw new CorruptParquet(`page of ${size} bytes uncompressed`);
  if (codec === 'UNCOMPRESSED') {
    if (body.length < size) throw new CorruptParquet(`page of ${body.length} bytes where its header says ${size}`);
    return body.subarray(0, size);
  }
  if (size > MAX_PAGE_BYTES || (size > 1 << 26 && size > 1024 * body.length)) {
    throw new UnsupportedParquet(`page of ${size} bytes inflated from ${body.length} (over the size limit; possibly a decompression bomb)`);
  }
  // A page of no bytes (all nulls in a V2 page) needs no decompressor, and some reject what codecs compress
  // nothing to: LZ4_RAW's one zero byte, which the LZ4 library, Arrow C++ and DuckDB write.
  if (size === 0) return new Uint8Array(0);
  const out = DECOMPRESSORS[codec]!(body, size);
  if (out.length !== size) throw new CorruptParquet(`page inflated to ${out.length} bytes, its header says ${size}`);
  return out;
}
