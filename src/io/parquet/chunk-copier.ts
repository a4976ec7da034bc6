/**
 * The column chunks of one input file, for an output that copies them as
 * their stored bytes (chunk-copy.ts): which top-level columns can be
 * copied into the output's schema, and a row group's chunks of a column
 * (one per leaf), read as they are stored. A call's chunks are read into
 * the buffers of the call before (which the writer has written by then: it
 * writes a column before it asks for the next), so that copying a column
 * allocates nothing once its buffers are as long as its chunks.
 */
import type { CompressionCodec, SchemaElement } from 'hyparquet';
import type { FileRange } from '../files/file-range.js';
import { canCopyColumn } from './chunk-copy.js';
import { readSourceChunk, type SourceChunk } from './chunk-source.js';
import type { Footer } from './footer.js';
import { type RawFooter, rawFooterOf } from './raw-footer.js';

/** Room a chunk's buffer gets over its length, for the next row group's chunk of the column: a few bytes longer or shorter. */
const ROOM = 1.125;

export class ChunkCopier {
  private raw: RawFooter | undefined;
  /** The buffers the last call's chunks were read into. */
  private buffers: Uint8Array[] = [];
  private readonly checked = new Map<number, boolean>();

  constructor(
    private readonly file: FileRange,
    private readonly footer: Footer,
    private readonly name: string,
  ) {}

  /** The leaves (indices in file order) of top-level column `c`. */
  leaves(c: number): number[] {
    const top = this.footer.root.children[c];
    return this.footer.leafPaths.flatMap((path, leaf) => (path[1] === top ? [leaf] : []));
  }

  /** Whether column `c` can be copied into an output column whose leaves have these root-to-leaf schema elements. */
  canCopy(c: number, outputLeafPaths: readonly (readonly SchemaElement[])[]): boolean {
    let ok = this.checked.get(c);
    if (ok === undefined) {
      const leaves = this.leaves(c);
      ok = leaves.length > 0 && leaves.length === outputLeafPaths.length && leaves.every((leaf, k) => canCopyColumn(this.footer, leaf, outputLeafPaths[k]!));
      this.checked.set(c, ok);
    }
    return ok;
  }

  /**
   * Row group `g`'s chunks of column `c` as stored, or undefined when one is
   * not compressed with `codec` (when given: the output asks for it). Their
   * bytes are valid until the next call.
   */
  async chunks(g: number, c: number, codec?: CompressionCodec): Promise<SourceChunk[] | undefined> {
    const leaves = this.leaves(c);
    if (codec && leaves.some((leaf) => this.footer.index.codec(g, leaf) !== codec)) return undefined;
    this.raw ??= rawFooterOf(this.footer);
    const raw = this.raw;
    const free = this.buffers;
    const used: Uint8Array[] = (this.buffers = []);
    const into = (size: number) => {
      const k = free.findIndex((buffer) => buffer.length >= size);
      const buffer = k >= 0 ? free.splice(k, 1)[0]! : new Uint8Array(Math.ceil(size * ROOM));
      used.push(buffer);
      return buffer.subarray(0, size);
    };
    const out: SourceChunk[] = [];
    for (const leaf of leaves) out.push(await readSourceChunk(this.file, raw, g, leaf, this.name, into));
    return out;
  }
}
