/**
 * Decoded pages (or parts of pages) cut into runs of whole rows of at least
 * a piece's entries, for pieces.ts: a run ends where a row starts (a row
 * that a DATA_PAGE ends in the middle of waits for the next page). A run
 * within one page is a view of it; a run that spans pages is copied, into
 * buffers of the reader's pool when there is one. A run says which pool
 * buffers are free again once its piece is done with: its copy's, and
 * those of the parts it holds whole (those of a part cut in two go with
 * its second half, which is done with in a later piece).
 */
import type { ChunkSpec, LeafChunk } from './decode.js';
import { joinPages } from './decode.js';
import type { PartPool } from './part-pool.js';
import { sliceValues } from './values.js';

/** Level entries of whole rows, and how many rows. */
export interface Run {
  readonly chunk: LeafChunk;
  readonly rows: number;
  /** Pool buffers that nothing but this run's chunk (and the piece made of it) is a view of. */
  readonly buffers: ArrayBuffer[];
}

/** Decoded pages waiting to be cut into runs of whole rows. */
export class Runs {
  private parts: LeafChunk[] = [];
  private entries = 0;
  /** Entries the search for a row start has looked at without finding one. */
  private searched = 0;

  constructor(
    private readonly spec: ChunkSpec,
    /** Level entries a run holds at least (then up to where the next row starts). */
    private readonly size: number,
    private readonly pool?: PartPool,
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
    const buffers: ArrayBuffer[] = [];
    for (let left = cut; left > 0;) {
      const part = this.parts[0]!;
      if (part.length <= left) {
        head.push(part);
        if (part.buffers) buffers.push(...part.buffers);
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
    const chunk = joinPages(head, spec, this.pool);
    if (chunk !== head[0] && chunk.buffers) buffers.push(...chunk.buffers);
    let rows = cut;
    if (chunk.rep) {
      rows = 0;
      for (let i = 0; i < cut; i++) if (chunk.rep[i] === 0) rows++;
    }
    return { chunk, rows, buffers };
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

/**
 * Entries [0, at) and [at, length) of decoded levels and values. The second
 * owns the buffers of `chunk`: it is done with after the first.
 */
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
    { length: length - at, full: count - full, def: def?.subarray(at), rep: rep?.subarray(at), values: sliceValues(values, full, count), buffers: chunk.buffers },
  ];
}
