/**
 * A large data page read and decoded in parts of about `size` level entries
 * (a part of a repeated column ends where a row starts), so that a page of
 * a whole column chunk, as DuckDB writes them, is never in memory whole:
 * neither its compressed bytes, nor its uncompressed bytes, nor its values.
 * Its bytes come from the file a block at a time (page-bytes.ts), its
 * levels are decoded a part at a time (level-cursor.ts), and its values
 * are read straight into each part's array.
 *
 * Pages read so: DATA_PAGE and DATA_PAGE_V2 pages of PLAIN values of a
 * fixed width (integers, floats, fixed-size binaries, INT96), uncompressed
 * or SNAPPY, with RLE levels. Every other page is decoded whole
 * (page-decode.ts). The parts one after another are the entries, levels and
 * values the whole page decodes to; a page that is not valid fails in them
 * (not always with the same message: the caller decodes the chunk whole
 * again for its error).
 */
import type { PageHeader } from 'hyparquet';
import type { FileRange } from '../files/file-range.js';
import type { ChunkSpec, LeafChunk } from './decode.js';
import { CorruptParquet } from './faults.js';
import { LevelCursor } from './level-cursor.js';
import { FileBytes, type PageBytes, SnappyBytes, STREAM_SIZES, type StreamSizes } from './page-bytes.js';
import { MAX_PAGE_BYTES, pageEntries } from './page-decode.js';
import { allocate, type PartPool } from './part-pool.js';
import { emptyValues, numericConstructor, type PhysicalValues } from './values.js';

/** Bytes per value of a column whose pages stream, else 0. */
function valueWidth(spec: ChunkSpec): number {
  const { type, width } = spec.column;
  if (type === 'INT32' || type === 'FLOAT') return 4;
  if (type === 'INT64' || type === 'DOUBLE') return 8;
  if (type === 'INT96') return 12;
  return type === 'FIXED_LEN_BYTE_ARRAY' ? width : 0;
}

/** Whether the page of `header` is read in parts: a PLAIN data page of more than `minBytes` uncompressed bytes that decodes as it streams. */
export function streamsPage(header: PageHeader, spec: ChunkSpec, minBytes: number): boolean {
  if (!valueWidth(spec) || (spec.codec !== 'SNAPPY' && spec.codec !== 'UNCOMPRESSED')) return false;
  // Levels of more than 8 bits (a schema 256 levels deep) are left to the whole page's decoder.
  if (spec.maxDef > 255 || spec.maxRep > 255) return false;
  const size = header.uncompressed_page_size;
  const stored = header.compressed_page_size;
  if (!Number.isInteger(size) || !(size > minBytes) || size > MAX_PAGE_BYTES) return false;
  // Beyond 64 MiB a page may inflate at most 1024 times: page-decode.ts turns the others down.
  if (spec.codec === 'SNAPPY' && size > 1 << 26 && size > 1024 * stored) return false;
  if (header.type === 'DATA_PAGE') {
    const h = header.data_page_header;
    if (!h || h.encoding !== 'PLAIN') return false;
    if ((spec.maxRep && h.repetition_level_encoding !== 'RLE') || (spec.maxDef && h.definition_level_encoding !== 'RLE')) return false;
    return spec.codec === 'SNAPPY' || stored >= size;
  }
  if (header.type === 'DATA_PAGE_V2') {
    const h = header.data_page_header_v2;
    if (!h || h.encoding !== 'PLAIN') return false;
    const levels = h.repetition_levels_byte_length + h.definition_levels_byte_length;
    return h.repetition_levels_byte_length >= 0 && h.definition_levels_byte_length >= 0 && levels <= stored
      && stored - levels > minBytes && size - levels > minBytes;
  }
  return false;
}

/**
 * The page of `header` (streamsPage says it streams), whose body starts at
 * file offset `start`, in parts of about `size` entries; `left` entries of
 * the chunk are still to come. With a `pool`, the page's buffers come from
 * it and go back to it when the page is done; with a `partPool`, each
 * part's arrays are views of the part's `buffers`, taken from it.
 */
export async function* streamPage(
  file: FileRange, start: number, header: PageHeader, spec: ChunkSpec, left: number, size: number, sizes: StreamSizes = STREAM_SIZES,
  pool?: PartPool, partPool?: PartPool,
): AsyncGenerator<LeafChunk> {
  const owned: ArrayBuffer[] = [];
  const page: OpenPage = { bytes: undefined, rep: undefined, def: undefined, count: 0 };
  try {
    await (header.type === 'DATA_PAGE' ? openV1 : openV2)(page, file, start, header, spec, left, sizes, pool, owned);
    const { rep, def, count } = page;
    const bytes = page.bytes!;
    for (let done = 0; done < count;) {
      const buffers: ArrayBuffer[] = [];
      const repLevels = rep && readRows(rep, Math.min(size, count - done), count - done, partPool, buffers);
      const n = repLevels ? repLevels.length : Math.min(size, count - done);
      let full = n;
      let defLevels: Uint8Array | undefined;
      if (def) {
        defLevels = allocate(Uint8Array, n, partPool, buffers);
        def.read(defLevels, 0, n);
        full = 0;
        for (let i = 0; i < n; i++) if (defLevels[i] === spec.maxDef) full++;
      }
      const values = await readValues(bytes, spec, full, partPool, buffers);
      done += n;
      yield { length: n, def: defLevels, rep: repLevels, values, full, buffers };
    }
    await bytes.finish();
  } finally {
    await page.bytes?.close();
    for (const buffer of owned) pool!.give(buffer);
  }
}

interface OpenPage {
  bytes: PageBytes | undefined;
  rep: LevelCursor | undefined;
  def: LevelCursor | undefined;
  count: number;
}

/** A DATA_PAGE: its levels, read first from the start of its uncompressed bytes, then its values. */
async function openV1(
  page: OpenPage, file: FileRange, start: number, header: PageHeader, spec: ChunkSpec, left: number, sizes: StreamSizes, pool: PartPool | undefined, owned: ArrayBuffer[],
): Promise<void> {
  const count = pageEntries(header.data_page_header!.num_values, left);
  const size = header.uncompressed_page_size;
  const bytes = spec.codec === 'SNAPPY' ? new SnappyBytes(file, start, header.compressed_page_size, size, sizes, pool) : new FileBytes(file, start, size);
  page.bytes = bytes;
  let pos = 0;
  const levels = async (max: number, what: string) => {
    if (!max) return undefined;
    if (pos + 4 > size) throw new CorruptParquet(`${what} levels end early`);
    const head = new Uint8Array(4);
    await bytes.read(head);
    const length = new DataView(head.buffer).getUint32(0, true);
    // As page-decode.ts reads them: the levels' bytes, up to the page's end.
    const encoded = allocate(Uint8Array, Math.min(size, pos + 4 + length) - (pos + 4), pool, owned);
    await bytes.read(encoded);
    pos += 4 + length;
    return new LevelCursor(encoded, 0, encoded.length, max, count, what);
  };
  page.rep = await levels(spec.maxRep, 'repetition');
  page.def = await levels(spec.maxDef, 'definition');
  page.count = count;
}

/** A DATA_PAGE_V2: its levels, stored uncompressed before its values. */
async function openV2(
  page: OpenPage, file: FileRange, start: number, header: PageHeader, spec: ChunkSpec, left: number, sizes: StreamSizes, pool: PartPool | undefined,
): Promise<void> {
  const h = header.data_page_header_v2!;
  const count = pageEntries(h.num_values, left);
  const repLength = h.repetition_levels_byte_length;
  const defLength = h.definition_levels_byte_length;
  const levels = async (max: number, at: number, length: number, what: string) =>
    max ? new LevelCursor(await file.read(start + at, start + at + length), 0, length, max, count, what) : undefined;
  const rep = await levels(spec.maxRep, 0, repLength, 'repetition');
  const def = await levels(spec.maxDef, repLength, defLength, 'definition');
  const at = start + repLength + defLength;
  const stored = header.compressed_page_size - repLength - defLength;
  const size = header.uncompressed_page_size - repLength - defLength;
  // As page-decode.ts reads them, pages of writers that compressed V2 pages flagged uncompressed included.
  const compressed = h.is_compressed !== false || (spec.codec !== 'UNCOMPRESSED' && stored !== size);
  if (compressed && !(Number.isInteger(size) && size >= 0)) throw new CorruptParquet(`page of ${size} bytes uncompressed`);
  if (compressed && spec.codec === 'UNCOMPRESSED' && stored < size) throw new CorruptParquet(`page of ${stored} bytes where its header says ${size}`);
  page.bytes = !compressed ? new FileBytes(file, at, stored)
    : spec.codec === 'SNAPPY' ? new SnappyBytes(file, at, stored, size, sizes, pool)
      : new FileBytes(file, at, size);
  page.rep = rep;
  page.def = def;
  page.count = count;
}

/**
 * The repetition levels of the next `n` entries and on to where the next
 * row starts (or the page's `left` entries end): a part holds whole rows.
 */
function readRows(rep: LevelCursor, n: number, left: number, pool: PartPool | undefined, buffers: ArrayBuffer[]): Uint8Array {
  let levels = allocate(Uint8Array, Math.min(left, n + 64), pool, buffers);
  rep.read(levels, 0, n);
  let length = n;
  while (length < left) {
    const step = Math.min(64, left - length);
    if (levels.length < length + step) {
      const grown = new Uint8Array(Math.min(left, levels.length * 2));
      grown.set(levels.subarray(0, length));
      levels = grown;
    }
    rep.read(levels, length, step);
    const row = levels.subarray(length, length + step).indexOf(0);
    if (row >= 0) {
      rep.unread(levels.slice(length + row, length + step));
      length += row;
      break;
    }
    length += step;
  }
  return levels.subarray(0, length);
}

/** The next `count` PLAIN values of the column. */
async function readValues(bytes: PageBytes, spec: ChunkSpec, count: number, pool: PartPool | undefined, buffers: ArrayBuffer[]): Promise<PhysicalValues> {
  const { type, width } = spec.column;
  if (count === 0) return emptyValues(type, width);
  if (type === 'FIXED_LEN_BYTE_ARRAY' || type === 'INT96') {
    const data = allocate(Uint8Array, count * valueWidth(spec), pool, buffers);
    await bytes.read(data);
    return { kind: 'fixed', width: valueWidth(spec), data };
  }
  const data = allocate(numericConstructor(type) as typeof Float64Array, count, pool, buffers);
  await bytes.read(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { kind: 'numeric', data };
}
