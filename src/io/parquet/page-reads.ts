/**
 * The pages of one column chunk read from the file one at a time and
 * decoded as they come: a window of the file for the page header, then
 * the page body (out of that window when it holds it, else one read of
 * exactly the body). No more than about one page of the chunk's bytes is in
 * memory at once; decodeColumnChunk, which reads the whole chunk first, is
 * the same decoding over bytes already in memory.
 */
import type { PageHeader } from 'hyparquet';
import type { FileRange } from '../files/file-range.js';
import { type LeafChunk, readPageAt } from './decode.js';
import type { PageDecoder } from './page-decode.js';

/** Bytes read for a page header: most are a few dozen, statistics of long values make some longer. */
const HEADER_WINDOW = 8 << 10;

/** The data pages of the column chunk at file bytes [start, end), decoded by `decoder` one after another. */
export async function* readPages(file: FileRange, start: number, end: number, decoder: PageDecoder): AsyncGenerator<LeafChunk> {
  const at = { pos: start };
  while (!decoder.done) {
    // Read and decoded in a call of its own: the page's bytes are not held while its values wait at the yield.
    const page = await readPage(file, at, end, decoder);
    if (page) yield page;
  }
}

/** Reads and decodes the page at `at.pos`, moving it past the page. */
async function readPage(file: FileRange, at: { pos: number }, end: number, decoder: PageDecoder): Promise<LeafChunk | undefined> {
  const { pos } = at;
  if (pos >= end) throw decoder.endsEarly();
  const { header, window, bodyStart } = await headerAt(file, pos, end);
  const bodyEnd = bodyStart + header.compressed_page_size;
  const body = bodyEnd <= window.length ? window.subarray(bodyStart, bodyEnd) : await file.read(pos + bodyStart, pos + bodyEnd);
  at.pos = pos + bodyEnd;
  return decoder.page(header, body);
}

/**
 * The header of the page at file offset `pos`: read from a window of the
 * file, widened while the header does not fit in it. A header that does
 * not read even from the rest of the chunk fails as decodeColumnChunk fails
 * on it (the same bytes, up to the chunk's end).
 */
async function headerAt(file: FileRange, pos: number, end: number): Promise<{ header: PageHeader; window: Uint8Array; bodyStart: number }> {
  for (let size = HEADER_WINDOW; ; size *= 8) {
    const window = await file.read(pos, Math.min(end, pos + size));
    try {
      return { ...readPageAt(window, 0, end - pos), window };
    } catch (error) {
      if (pos + size >= end) throw error;
    }
  }
}
