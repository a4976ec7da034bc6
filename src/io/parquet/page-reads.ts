/**
 * The pages of one column chunk read from the file one at a time and
 * decoded as they come. The chunk's bytes are read a block at a time: while
 * a page decodes, the next page is read, taken to be as long as the last
 * one and a little more (the pages of a chunk are mostly of one size), so
 * that one read brings in a page and the next header; a page that turns
 * out longer is read again whole. About two pages of the chunk's bytes are
 * in memory at once; decodeColumnChunk, which reads the whole chunk first,
 * is the same decoding over bytes already in memory.
 *
 * A page larger than `parts.minBytes` that page-stream.ts can read in
 * parts is read so instead, its body never whole in memory.
 */
import type { PageHeader } from 'hyparquet';
import type { FileRange } from '../files/file-range.js';
import { type LeafChunk, readPageAt } from './decode.js';
import type { StreamSizes } from './page-bytes.js';
import type { PageDecoder } from './page-decode.js';
import { streamPage, streamsPage } from './page-stream.js';
import type { PartPool } from './part-pool.js';

/** How large pages are read in parts. */
export interface PartOptions {
  /** Level entries a part holds (then up to where a row starts). */
  readonly entries: number;
  /** Pages of more uncompressed bytes than this are read in parts. */
  readonly minBytes: number;
  readonly sizes?: StreamSizes | undefined;
  /** Buffers of a page being read, given back when it is done. */
  readonly pool?: PartPool | undefined;
  /** Buffers of the parts, given back by whoever is done with them. */
  readonly partPool?: PartPool | undefined;
}

/** Bytes read for a page header: most are a few dozen, statistics of long values make some longer. */
export const HEADER_WINDOW = 8 << 10;
/** Bytes read past the length of the last page, for the header of the next one. */
const MARGIN = 1 << 10;

/** The data pages of the column chunk at file bytes [start, end), decoded by `decoder` one after another. */
export async function* readPages(file: FileRange, start: number, end: number, decoder: PageDecoder, parts?: PartOptions): AsyncGenerator<LeafChunk> {
  const bytes = new ChunkBytes(file, end);
  let pos = start;
  while (!decoder.done) {
    if (pos >= end) throw decoder.endsEarly();
    const { header, bodyStart } = await headerAt(bytes, pos, end);
    const bodyEnd = pos + bodyStart + header.compressed_page_size;
    if (parts && streamsPage(header, decoder.spec, parts.minBytes)) {
      // Only the next header is read ahead: the page reads its own body.
      bytes.lastPage = 0;
      bytes.readAhead(bodyEnd);
      const left = decoder.left;
      let entries = 0;
      for await (const part of streamPage(file, pos + bodyStart, header, decoder.spec, left, parts.entries, parts.sizes, parts.pool, parts.partPool)) {
        entries += part.length;
        yield part;
      }
      decoder.advance(entries);
    } else {
      // Read and decoded in a call of its own: the page's bytes are not held while its values wait at the yield.
      const page = await readPage(bytes, pos, header, bodyStart, decoder);
      if (page) yield page;
    }
    bytes.dropBefore(bodyEnd);
    pos = bodyEnd;
  }
}

/** The page at `pos` whose header is `header`, decoded. */
async function readPage(bytes: ChunkBytes, pos: number, header: PageHeader, bodyStart: number, decoder: PageDecoder): Promise<LeafChunk | undefined> {
  const bodyEnd = bodyStart + header.compressed_page_size;
  bytes.lastPage = bodyEnd;
  const body = await bytes.at(pos + bodyStart, bodyEnd - bodyStart);
  bytes.readAhead(pos + bodyEnd);
  const page = decoder.page(header, body);
  bytes.dropBefore(pos + bodyEnd);
  return page;
}

/**
 * The header of the page at file offset `pos`, widening the bytes it is
 * read from while it does not fit in them. A header that does not read even
 * from the rest of the chunk fails as decodeColumnChunk fails on it (the
 * same bytes, up to the chunk's end).
 */
async function headerAt(bytes: ChunkBytes, pos: number, end: number): Promise<{ header: PageHeader; bodyStart: number }> {
  const held = bytes.held(pos);
  if (held.length) {
    try {
      return readPageAt(held, 0, end - pos);
    } catch {
      // The header goes on past the bytes at hand (or is corrupt, which the reads below find out).
    }
  }
  for (let size = HEADER_WINDOW; ; size *= 8) {
    const window = await bytes.at(pos, size);
    try {
      return readPageAt(window, 0, end - pos);
    } catch (error) {
      if (pos + size >= end) throw error;
    }
  }
}

/** A column chunk's bytes, read a block at a time, the block of the next page while this one decodes. */
class ChunkBytes {
  private block: Uint8Array = new Uint8Array(0);
  private blockStart = 0;
  /** The block being read ahead: bytes [start, end) of the file. */
  private ahead: { start: number; end: number; bytes: Promise<Uint8Array> } | undefined;
  /** Bytes the last page took, header included. */
  lastPage = 0;

  constructor(
    private readonly file: FileRange,
    private readonly end: number,
  ) {}

  /** Bytes [pos, pos + length) up to the chunk's end: a view of the block that holds them, read when none does. */
  async at(pos: number, length: number): Promise<Uint8Array> {
    const to = Math.min(this.end, pos + length);
    if (pos < this.blockStart || to > this.blockStart + this.block.length) {
      const ahead = this.ahead;
      this.ahead = undefined;
      if (ahead && pos >= ahead.start && to <= ahead.end) {
        this.blockStart = ahead.start;
        this.block = await ahead.bytes;
      } else {
        this.blockStart = pos;
        this.block = await this.file.read(pos, Math.min(this.end, pos + Math.max(length, this.lastPage + MARGIN)));
      }
    }
    return this.block.subarray(pos - this.blockStart, to - this.blockStart);
  }

  /** The bytes of the block from `pos` on (none when it does not hold `pos`). */
  held(pos: number): Uint8Array {
    const from = pos - this.blockStart;
    return from >= 0 && from < this.block.length ? this.block.subarray(from) : new Uint8Array(0);
  }

  /** Starts reading the page at `pos`, taken to be as long as the last one, unless that much is held or being read. */
  readAhead(pos: number): void {
    const page = Math.min(this.end - pos, this.lastPage + MARGIN);
    if (pos >= this.end || this.held(pos).length >= page || (this.ahead && pos >= this.ahead.start && pos + page <= this.ahead.end)) return;
    const end = Math.min(this.end, pos + Math.max(HEADER_WINDOW, page));
    const bytes = this.file.read(pos, end);
    // Awaited when the page is asked for; not, when the reading stops first.
    bytes.catch(() => undefined);
    this.ahead = { start: pos, end, bytes };
  }

  /** Forgets the bytes before `pos`; a rest much shorter than the block is copied, so that the block's buffer can go. */
  dropBefore(pos: number): void {
    const rest = this.block.subarray(Math.min(this.block.length, pos - this.blockStart));
    this.block = rest.length * 8 <= this.block.buffer.byteLength ? rest.slice() : rest;
    this.blockStart = pos;
  }
}
