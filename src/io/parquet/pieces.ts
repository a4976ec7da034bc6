/**
 * One column of one row group read a run of whole rows at a time (a
 * "piece"), so that a big column chunk is never in memory whole: its pages
 * are read and decoded one after another (page-reads.ts), their level
 * entries gathered until there are about `targetBytes` of Arrow values,
 * then cut where a row starts (a row that a DATA_PAGE ends in the middle of
 * waits for the next page), and each run is assembled like a whole chunk
 * (assemble.ts). The pieces one after another are the column readChunk
 * gives: same type, values, validity and list offsets.
 *
 * A page larger than a piece (DuckDB writes a whole column chunk as one
 * page) is read and decoded in parts of a piece's entries where it can be
 * (page-stream.ts), else whole.
 *
 * Columns of numbers read so (any fixed-width leaf: integers, floats,
 * decimals, dates, times, timestamps, booleans, fixed-size binaries), and
 * lists of them (the list at the top, its item the leaf); every other
 * column is one piece, the whole column chunk.
 */
import { type Data, type DataType, type Decimal, type FixedSizeBinary, Type } from 'apache-arrow';
import type { ColumnChunk, RowGroup } from 'hyparquet';
import type { FileRange } from '../files/file-range.js';
import { assembleColumn } from './assemble.js';
import { chunkSpec, type ChunkSpec, joinPages, type LeafChunk } from './decode.js';
import { CorruptParquet } from './faults.js';
import { chunkRange } from './footer.js';
import { PageDecoder } from './page-decode.js';
import { STREAM_SIZES, type StreamSizes } from './page-bytes.js';
import { readPages } from './page-reads.js';
import type { ColumnPlan, LeafNode, ReadNode } from './schema.js';
import { sliceValues } from './values.js';

/** Options of columnPieces. */
export interface PieceOptions {
  /** About how many bytes of values a piece holds (at least one row); default 2 MiB. */
  readonly targetBytes?: number | undefined;
  /** Which pages are read in parts, and the buffers they are read with (page-bytes.ts); tests make them small. */
  readonly stream?: StreamSizes | undefined;
}

/** Bytes of values in a piece when the caller does not say. */
export const PIECE_BYTES = 2 << 20;

/** Leaf types whose pieces are runs of slots of a fixed width. */
const FIXED_WIDTH: readonly Type[] = [
  Type.Int, Type.Float, Type.Decimal, Type.Bool, Type.Date, Type.Time, Type.Timestamp, Type.Duration, Type.FixedSizeBinary,
];

/** The leaf of a column that reads in pieces (a fixed-width leaf, or a list of one), else undefined. */
export function pieceLeaf(node: ReadNode): LeafNode | undefined {
  const leaf = node.kind === 'leaf' ? node : node.kind === 'list' && node.item.kind === 'leaf' ? node.item : undefined;
  return leaf && FIXED_WIDTH.includes(leaf.type.typeId) ? leaf : undefined;
}

/** One column chunk to read in pieces. */
export interface PieceSource {
  readonly file: FileRange;
  /** The column: a leaf, or a list of `leaf`. */
  readonly node: ReadNode;
  readonly leaf: LeafNode;
  /** The leaf's column chunk (its footer entry). */
  readonly chunk: ColumnChunk;
  /** Rows of the row group. */
  readonly rows: number;
  /** Assembled data of a run of rows under the column's stored type. */
  restore(data: Data): Promise<Data>;
  /** Buffer sizes of pages read in parts (tests make them small). */
  readonly sizes?: StreamSizes | undefined;
}

/** Column `plan` of row group `group` as a source of pieces; undefined when it is not a column that reads in pieces. */
export function pieceSource(
  plan: ColumnPlan, group: RowGroup, file: FileRange, restore: (data: Data) => Promise<Data>, sizes?: StreamSizes,
): PieceSource | undefined {
  const leaf = plan.node && pieceLeaf(plan.node);
  if (!leaf) return undefined;
  return { file, node: plan.node!, leaf, chunk: group.columns[leaf.leaf]!, rows: Number(group.num_rows), restore, sizes };
}

/**
 * The pieces of `source`, or the column `whole` reads when there is no
 * source. An error met in a piece is thrown as `whole` throws it (with the
 * rows and counts of the whole chunk, not a piece's; `whole` decodes the
 * chunk once more for it), else as `named` names it.
 */
export async function* columnPieces(
  source: PieceSource | undefined, targetBytes: number, whole: () => Promise<Data>, named: (error: unknown) => Error,
): AsyncGenerator<Data> {
  if (!source) {
    yield await whole();
    return;
  }
  try {
    yield* readPieces(source, targetBytes);
  } catch (error) {
    await whole();
    throw named(error);
  }
}

/** The targetBytes of `options`, checked. */
export function pieceBytes(options: PieceOptions): number {
  const bytes = options.targetBytes ?? PIECE_BYTES;
  if (!(bytes > 0)) throw new RangeError(`targetBytes must be a positive number of bytes, not ${bytes}`);
  return bytes;
}

/** The pieces of a column chunk, in order, of about `targetBytes` of values each. */
export async function* readPieces(source: PieceSource, targetBytes: number): AsyncGenerator<Data> {
  const { node, leaf } = source;
  const spec = chunkSpec(source.chunk, leaf);
  const [start, end] = chunkRange(source.chunk);
  const size = Math.max(1, Math.floor(targetBytes / slotBytes(leaf.type)));
  const runs = new Runs(spec, size);
  let rows = 0;
  const piece = async (run: Run) => {
    rows += run.rows;
    if (rows > source.rows) throw new CorruptParquet(`column ${leaf.name} has more rows than its row group (${source.rows})`);
    return source.restore(assembleColumn(node, new Map([[leaf.leaf, run.chunk]]), run.rows));
  };
  // A page of more bytes than a piece (and than a block of reads) is read in parts of a piece's entries.
  const sizes = source.sizes ?? STREAM_SIZES;
  const parts = { entries: size, minBytes: Math.max(targetBytes, sizes.minPage), sizes };
  const pages = readPages(source.file, start, end, new PageDecoder(spec), parts);
  while (await runs.pull(pages)) {
    for (let run = runs.take(false); run; run = runs.take(false)) yield await piece(run);
  }
  for (let run = runs.take(true); run; run = runs.take(true)) yield await piece(run);
  if (rows !== source.rows) throw new CorruptParquet(`column ${leaf.name} has ${rows} rows, its row group ${source.rows}`);
}

/** Bytes an Arrow slot of a fixed-width type takes (a boolean counts as one). */
function slotBytes(type: DataType): number {
  if (type.typeId === Type.Decimal) return (type as Decimal).bitWidth / 8;
  if (type.typeId === Type.FixedSizeBinary) return (type as FixedSizeBinary).byteWidth;
  return (type.ArrayType as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 8;
}

/** Level entries of whole rows, and how many rows. */
interface Run {
  readonly chunk: LeafChunk;
  readonly rows: number;
}

/** Decoded pages waiting to be cut into runs of whole rows. */
class Runs {
  private parts: LeafChunk[] = [];
  private entries = 0;
  /** Entries the search for a row start has looked at without finding one. */
  private searched = 0;

  constructor(
    private readonly spec: ChunkSpec,
    /** Level entries a run holds at least (then up to where the next row starts). */
    private readonly size: number,
  ) {}

  /** Adds the next page of `pages`; false at their end. */
  async pull(pages: AsyncIterator<LeafChunk>): Promise<boolean> {
    const next = await pages.next();
    if (next.done) return false;
    if (next.value.length) {
      this.parts.push(next.value);
      this.entries += next.value.length;
    }
    return true;
  }

  /**
   * The first run of whole rows of `size` entries or more, or undefined
   * while the entries held may not end a row there; at the chunk's end
   * (`last`), runs of what is left. Only a run that spans pages is copied.
   */
  take(last: boolean): Run | undefined {
    const { size, entries, spec } = this;
    if (!entries || (entries < size && !last)) return undefined;
    let cut = Math.min(size, entries);
    if (spec.maxRep) {
      // A run of a repeated column ends where a row starts, or at the chunk's end.
      cut = this.rowStart(cut);
      if (cut === entries && !last) return undefined;
    }
    const head: LeafChunk[] = [];
    for (let left = cut; left > 0;) {
      const part = this.parts[0]!;
      if (part.length <= left) {
        head.push(part);
        this.parts.shift();
        left -= part.length;
      } else {
        const [before, after] = split(part, left, spec.maxDef);
        head.push(before);
        this.parts[0] = after;
        left = 0;
      }
    }
    this.entries -= cut;
    this.searched = 0;
    const chunk = joinPages(head, spec);
    let rows = cut;
    if (chunk.rep) {
      rows = 0;
      for (let i = 0; i < cut; i++) if (chunk.rep[i] === 0) rows++;
    }
    return { chunk, rows };
  }

  /** The first entry at or after `from` that starts a row (repetition level 0), or the number of entries. */
  private rowStart(from: number): number {
    let base = 0;
    const first = Math.max(from, this.searched);
    for (const part of this.parts) {
      const rep = part.rep!;
      for (let i = Math.max(0, first - base); i < part.length; i++) if (rep[i] === 0) return base + i;
      base += part.length;
    }
    this.searched = base;
    return base;
  }
}

/** Entries [0, at) and [at, length) of decoded levels and values. */
function split(chunk: LeafChunk, at: number, maxDef: number): [LeafChunk, LeafChunk] {
  const { def, rep, values, length } = chunk;
  let full = at;
  // Where every entry holds a value, entry i is value i.
  if (def && chunk.full !== length) {
    full = 0;
    for (let i = 0; i < at; i++) if (def[i] === maxDef) full++;
  }
  const count = chunk.full;
  return [
    { length: at, full, def: def?.subarray(0, at), rep: rep?.subarray(0, at), values: sliceValues(values, 0, full) },
    { length: length - at, full: count - full, def: def?.subarray(at), rep: rep?.subarray(at), values: sliceValues(values, full, count) },
  ];
}
