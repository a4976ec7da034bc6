/**
 * The row groups of a Parquet footer kept as a few numbers per column
 * chunk: rows per row group, each chunk's file range, first data page and
 * codec, checked (footer-check.ts) as footer-walk.ts walks them out of the
 * stored bytes. A 100M-row file written in 814 row groups has a 508 KB
 * footer, which hyparquet's parse made 5.3 MB of objects (14 MB allocated)
 * held for the whole run, in every thread that reads the file.
 *
 * Where a row group's full metadata is needed (to decode its chunks),
 * footer.ts has hyparquet parse a FileMetaData of just that row group,
 * which `tail` writes from the stored bytes.
 */
import type { CompressionCodec } from 'hyparquet';
import { DataError } from '../../core/errors.js';
import { checkGroup } from './footer-check.js';
import { ENUMS, FILE } from './footer-fields.js';
import { type FieldSpan, footerTail, type WalkedFooter } from './footer-walk.js';

/** Codec names by their number in parquet.thrift. */
const CODECS: readonly CompressionCodec[] = ENUMS.codec;
/** Numbers per chunk in `chunks`: start, end, first data page (NaN: none stored). */
const STRIDE = 3;

export class FooterIndex {
  constructor(
    /** The FileMetaData bytes. */
    readonly bytes: Uint8Array,
    /** Its fields up to row_groups: what a row group's own FileMetaData (tail) keeps. */
    private readonly head: readonly FieldSpan[],
    /** Row group g's struct lies at bytes [spans[2g], spans[2g + 1]). */
    private readonly spans: Uint32Array,
    private readonly rowCounts: Float64Array,
    /** Per row group: total_compressed_size (or total_byte_size, or 0), total_byte_size (or 0). */
    private readonly sizes: Float64Array,
    private readonly chunks: Float64Array,
    private readonly codecs: Uint8Array,
    /** Column chunks per row group (the schema's leaves). */
    readonly leaves: number,
  ) {}

  get rowGroupCount(): number {
    return this.rowCounts.length;
  }

  rows(g: number): number {
    return this.rowCounts[g]!;
  }

  /** Row group g's total_compressed_size, else its total_byte_size, else 0. */
  compressedBytes(g: number): number {
    return this.sizes[2 * g]!;
  }

  /** Row group g's total_byte_size (0 when not stored). */
  byteSize(g: number): number {
    return this.sizes[2 * g + 1]!;
  }

  /** File range [start, end) of the chunk of leaf `leaf` in row group g, its dictionary page included. */
  chunkRange(g: number, leaf: number): [number, number] {
    const at = (g * this.leaves + leaf) * STRIDE;
    return [this.chunks[at]!, this.chunks[at + 1]!];
  }

  /** The stored data_page_offset of the chunk (NaN when none is stored). */
  dataPageOffset(g: number, leaf: number): number {
    return this.chunks[(g * this.leaves + leaf) * STRIDE + 2]!;
  }

  /** The chunk's codec (undefined for a number parquet.thrift does not name). */
  codec(g: number, leaf: number): CompressionCodec | undefined {
    return CODECS[this.codecs[g * this.leaves + leaf]!];
  }

  /** footerTail of row group g with the version, schema and row count: what hyparquet needs to parse the group. */
  tail(g: number): Uint8Array {
    return footerTail(this.bytes, this.head, this.bytes.subarray(this.spans[2 * g]!, this.spans[2 * g + 1]!));
  }
}

/**
 * Checks the walked row groups against the schema's leaves (dotted paths
 * and physical types), for a file of `size` bytes (a DataError named
 * `name`, footer-check.ts), and keeps their numbers.
 */
export function indexFooter(bytes: Uint8Array, walked: WalkedFooter, leafNames: readonly string[], leafTypes: readonly (string | undefined)[], size: number, name: string): FooterIndex {
  const { groups, fields } = walked;
  if (!groups) throw new DataError(`${name}: corrupt Parquet footer`);
  const leaves = leafNames.length;
  const spans = new Uint32Array(2 * groups.length);
  const rowCounts = new Float64Array(groups.length);
  const sizes = new Float64Array(2 * groups.length);
  const chunks = new Float64Array(groups.length * leaves * STRIDE);
  const codecs = new Uint8Array(groups.length * leaves).fill(255);
  groups.forEach((group, g) => {
    checkGroup(group, g, leafNames, leafTypes, size, name);
    spans.set([group.start, group.end], 2 * g);
    rowCounts[g] = group.rows!;
    sizes[2 * g] = group.compressed ?? group.byteSize ?? 0;
    sizes[2 * g + 1] = group.byteSize ?? 0;
    group.chunks!.forEach((chunk, leaf) => {
      chunks.set([chunk.start, chunk.end, chunk.dataPage ?? Number.NaN], (g * leaves + leaf) * STRIDE);
      if (chunk.codec !== undefined && chunk.codec >= 0 && chunk.codec < CODECS.length) codecs[g * leaves + leaf] = chunk.codec;
    });
  });
  const head = fields.filter((f) => f.id < FILE.ROW_GROUPS);
  return new FooterIndex(bytes, head, spans, rowCounts, sizes, chunks, codecs, leaves);
}

