/**
 * Decoding of one column chunk: its pages, one after another, into the
 * definition and repetition levels and the physical values of one leaf.
 * Every page is decoded by a PageDecoder (page-decode.ts): decodeColumnChunk
 * runs one over a whole chunk's bytes, page-reads.ts over pages read from
 * the file one at a time.
 *
 * Page headers (page-header-read.ts), levels, dictionary indices and
 * values (pages.ts) are decoded by this project.
 */
import type { ColumnChunk, CompressionCodec, PageHeader } from 'hyparquet';
import { CorruptParquet } from './faults.js';
import { PageDecoder } from './page-decode.js';
import { readPageHeader } from './page-header-read.js';
import type { ColumnType } from './pages.js';
import type { LeafNode } from './schema.js';
import { ThriftReader } from './thrift-read.js';
import { allocate, type PartPool } from './part-pool.js';
import { concatValues, type PhysicalValues } from './values.js';

/** What the footer says about a column chunk. */
export interface ChunkSpec {
  readonly column: ColumnType;
  readonly maxDef: number;
  readonly maxRep: number;
  readonly codec: CompressionCodec;
  /** Level entries (values, nulls included) the chunk holds. */
  readonly numValues: number;
}

/** The decoded leaf column of one row group. */
export interface LeafChunk {
  /** Level entries: one per value slot, null or not. */
  readonly length: number;
  /** Definition levels; undefined when the maximum is 0 (all present). */
  readonly def: Uint8Array | undefined;
  /** Repetition levels; undefined when the maximum is 0 (one entry per row). */
  readonly rep: Uint8Array | undefined;
  /** The non-null values, in order. */
  readonly values: PhysicalValues;
  /** Level entries at the maximum definition level (= the number of values). */
  readonly full: number;
  /** Buffers of a PartPool that its arrays are views of, to be given back when they are done with (part-pool.ts). */
  readonly buffers?: readonly ArrayBuffer[] | undefined;
}

/** The spec of `leaf`'s column chunk `chunk`, as its footer entry gives it. */
export function chunkSpec(chunk: ColumnChunk, leaf: LeafNode): ChunkSpec {
  const meta = chunk.meta_data!;
  return {
    column: { type: meta.type, width: meta.type === 'INT96' ? 12 : (leaf.element.type_length ?? 0) },
    maxDef: leaf.def,
    maxRep: leaf.maxRep,
    codec: meta.codec,
    numValues: Number(meta.num_values),
  };
}

/** Decodes a column chunk's bytes (dictionary page first, if any). */
export function decodeColumnChunk(bytes: Uint8Array, spec: ChunkSpec): LeafChunk {
  const decoder = new PageDecoder(spec);
  const pages: LeafChunk[] = [];
  let pos = 0;
  while (!decoder.done) {
    if (pos >= bytes.length) throw decoder.endsEarly();
    const { header, bodyStart } = readPageAt(bytes, pos, bytes.length);
    pos = bodyStart + header.compressed_page_size;
    const page = decoder.page(header, bytes.subarray(bodyStart, pos));
    if (page) pages.push(page);
  }
  return joinPages(pages, spec);
}

/**
 * The header of the page at bytes[pos, end) (a column chunk's bytes, or the
 * first bytes of what is left of it), checking that its body fits before
 * end; the body starts at bodyStart.
 */
export function readPageAt(bytes: Uint8Array, pos: number, end: number): { header: PageHeader; bodyStart: number } {
  const reader = new ThriftReader(bytes, pos, Math.min(end, bytes.length), 'page header');
  const header = readPageHeader(reader);
  const size = header.compressed_page_size;
  if (!Number.isInteger(size) || size < 0 || reader.pos + size > end) {
    throw new CorruptParquet(`page of ${size} bytes does not fit in its column chunk`);
  }
  return { header, bodyStart: reader.pos };
}

/**
 * Decoded pages (or runs of level entries) one after another; the copies
 * are taken from `pool` when there is one (and named in `buffers`).
 */
export function joinPages(pages: readonly LeafChunk[], spec: ChunkSpec, pool?: PartPool): LeafChunk {
  if (pages.length === 1) return pages[0]!;
  let length = 0;
  let full = 0;
  const defs: Uint8Array[] = [];
  const reps: Uint8Array[] = [];
  for (const page of pages) {
    length += page.length;
    full += page.full;
    if (page.def) defs.push(page.def);
    if (page.rep) reps.push(page.rep);
  }
  const buffers: ArrayBuffer[] = [];
  return {
    length,
    full,
    def: spec.maxDef ? concatLevels(defs, length, pool, buffers) : undefined,
    rep: spec.maxRep ? concatLevels(reps, length, pool, buffers) : undefined,
    values: concatValues(pages.map((page) => page.values), spec.column.type, spec.column.width, pool && ((bytes) => (buffers.push(pool.take(bytes)), buffers.at(-1)!))),
    buffers,
  };
}

function concatLevels(parts: Uint8Array[], total: number, pool: PartPool | undefined, buffers: ArrayBuffer[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = allocate(Uint8Array, total, pool, buffers);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
