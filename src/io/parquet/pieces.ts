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
 * A large page (DuckDB writes a whole column chunk as one page) is read
 * and decoded in parts of a piece's entries where it can be
 * (page-stream.ts), else whole; runs are cut by piece-runs.ts.
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
import { chunkSpec } from './decode.js';
import { CorruptParquet } from './faults.js';
import { chunkRange } from './footer.js';
import { PageDecoder } from './page-decode.js';
import { STREAM_SIZES, type StreamSizes } from './page-bytes.js';
import { readPages } from './page-reads.js';
import { type PartPool, poolMemory } from './part-pool.js';
import { type Run, Runs } from './piece-runs.js';
import type { ColumnPlan, LeafNode, ReadNode } from './schema.js';

/** Options of columnPieces. */
export interface PieceOptions {
  /** About how many bytes of values a piece holds (at least one row); default 2 MiB. */
  readonly targetBytes?: number | undefined;
  /** Which pages are read in parts, and the buffers they are read with (page-bytes.ts); tests make them small. */
  readonly stream?: StreamSizes | undefined;
  /**
   * The caller is done with each piece (keeps no view of its arrays) when it
   * asks for the next one: the reader may then read another piece into them.
   * A function is asked then, piece by piece (a caller that learns only after
   * the first piece whether it keeps them).
   */
  readonly recycle?: Recycle | undefined;
}

/** Whether the caller is done with a piece when it asks for the next: always, or as the function says at that moment. */
export type Recycle = boolean | (() => boolean);

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
  /** The reader's buffers, for pages read in parts and, with `recycle`, for pieces. */
  readonly pool?: PartPool | undefined;
  /** Whether the caller is done with a piece when it asks for the next (PieceOptions.recycle). */
  readonly recycle?: Recycle | undefined;
}

/** Column `plan` of row group `group` as a source of pieces; undefined when it is not a column that reads in pieces. */
export function pieceSource(
  plan: ColumnPlan, group: RowGroup, file: FileRange, restore: (data: Data) => Promise<Data>, options: PieceOptions = {}, pool?: PartPool,
): PieceSource | undefined {
  const leaf = plan.node && pieceLeaf(plan.node);
  if (!leaf) return undefined;
  const { stream: sizes, recycle } = options;
  return { file, node: plan.node!, leaf, chunk: group.columns[leaf.leaf]!, rows: Number(group.num_rows), restore, sizes, pool, recycle };
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

/**
 * The pieces of a column chunk, in order, of about `targetBytes` of values
 * each. With `recycle`, the caller is done with a piece when it asks for the
 * next one, and the buffers of the source's pool that it was read into are
 * read into again.
 */
export async function* readPieces(source: PieceSource, targetBytes: number): AsyncGenerator<Data> {
  const { node, leaf, pool } = source;
  const spec = chunkSpec(source.chunk, leaf);
  const [start, end] = chunkRange(source.chunk);
  const size = Math.max(1, Math.floor(targetBytes / slotBytes(leaf.type)));
  // Without recycling, pieces are the caller's: only the buffers of pages read in parts are pooled.
  const runs = new Runs(spec, size, source.recycle ? pool : undefined);
  let rows = 0;
  const piece = async (run: Run) => {
    rows += run.rows;
    if (rows > source.rows) throw new CorruptParquet(`column ${leaf.name} has more rows than its row group (${source.rows})`);
    // Recycled, the piece's Arrow arrays are the run's to give back too.
    const memory = poolMemory(source.recycle ? pool : undefined, run.buffers);
    return source.restore(assembleColumn(node, new Map([[leaf.leaf, run.chunk]]), run.rows, memory));
  };
  // A page of more bytes than a block of reads is read in parts of a piece's entries.
  const sizes = source.sizes ?? STREAM_SIZES;
  const parts = { entries: size, minBytes: sizes.minPage, sizes, pool, partPool: source.recycle ? pool : undefined };
  const pages = readPages(source.file, start, end, new PageDecoder(spec), parts);
  const done = (run: Run) => {
    // Not given back, the buffers are left to the collector.
    const recycle = source.recycle;
    if (recycle === true || (recycle && recycle())) for (const buffer of run.buffers) pool!.give(buffer);
  };
  try {
    while (await runs.pull(pages)) {
      for (let run = runs.take(false); run; run = runs.take(false)) yield await piece(run), done(run);
    }
    for (let run = runs.take(true); run; run = runs.take(true)) yield await piece(run), done(run);
  } finally {
    // Stopped early: the page being read gives its buffers back.
    await pages.return(undefined);
  }
  if (rows !== source.rows) throw new CorruptParquet(`column ${leaf.name} has ${rows} rows, its row group ${source.rows}`);
}

/** Bytes an Arrow slot of a fixed-width type takes (a boolean counts as one). */
function slotBytes(type: DataType): number {
  if (type.typeId === Type.Decimal) return (type as Decimal).bitWidth / 8;
  if (type.typeId === Type.FixedSizeBinary) return (type as FixedSizeBinary).byteWidth;
  return (type.ArrayType as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 8;
}
