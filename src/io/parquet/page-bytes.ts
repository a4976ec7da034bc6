/**
 * The bytes of one page, uncompressed, read from the file in order a range
 * at a time rather than whole: an uncompressed page straight from the file
 * into the arrays it is read into; a SNAPPY page through a SnappyDecoder
 * fed a block of the file at a time (two blocks: the next is read while one
 * decodes), holding a 64 KiB window of output. A stream with a copy from
 * further back than the window (no encoder in use writes one) is decoded
 * whole, once, from the file, and read on from where it was.
 */
import { SnappyDecoder, snappyDecompress, SnappyFarCopy, SNAPPY_WINDOW } from '../codecs/snappy-decode.js';
import type { FileRange } from '../files/file-range.js';
import { CorruptParquet } from './faults.js';
import type { PartPool } from './part-pool.js';

/** A page's bytes, uncompressed, read in order. */
export interface PageBytes {
  /** Fills `target` with the next bytes of the page; throws when the page has fewer. */
  read(target: Uint8Array): Promise<void>;
  /** Checks the rest of the page: a compressed stream must decode to its end. */
  finish(): Promise<void>;
  /** Gives its buffers back to their pool, once no read is under way (whether the page was read to its end or not). */
  close(): Promise<void>;
}

/** Sizes of pages read in parts and of their buffers; tests make them small. */
export interface StreamSizes {
  /** Pages of at most this many bytes uncompressed are read whole. */
  readonly minPage: number;
  /** Bytes of the file read at a time (two such blocks are held). */
  readonly block: number;
  /** Output a SNAPPY stream keeps for its copies. */
  readonly window: number;
}

export const STREAM_SIZES: StreamSizes = { minPage: 256 << 10, block: 512 << 10, window: SNAPPY_WINDOW };

/** Room before a block's bytes for the few bytes of an element that the previous block cut. */
const CARRY = 8;

/** Bytes [start, start + length) of the file, read as they are asked for. */
export class FileBytes implements PageBytes {
  private pos = 0;

  constructor(
    private readonly file: FileRange,
    private readonly start: number,
    private readonly length: number,
  ) {}

  async read(target: Uint8Array): Promise<void> {
    if (target.length > this.length - this.pos) throw new CorruptParquet(`values need ${target.length} bytes, only ${this.length - this.pos} are left`);
    const n = await this.file.readInto(target, this.start + this.pos);
    if (n < target.length) throw new CorruptParquet(`the file ends inside a page, at byte ${this.start + this.pos + n}`);
    this.pos += n;
  }

  async finish(): Promise<void> {}

  async close(): Promise<void> {}
}

/** Bytes of a page already in memory, from `pos` on. */
export class MemoryBytes implements PageBytes {
  constructor(
    private readonly bytes: Uint8Array,
    private pos: number,
  ) {}

  async read(target: Uint8Array): Promise<void> {
    if (target.length > this.bytes.length - this.pos) throw new CorruptParquet(`values need ${target.length} bytes, only ${this.bytes.length - this.pos} are left`);
    target.set(this.bytes.subarray(this.pos, this.pos + target.length));
    this.pos += target.length;
  }

  async finish(): Promise<void> {}

  async close(): Promise<void> {}
}

/** A SNAPPY stream at file bytes [start, start + length) that inflates to `size` bytes. */
export class SnappyBytes implements PageBytes {
  private readonly decoder: SnappyDecoder;
  private block: Uint8Array;
  private spare: Uint8Array;
  /** The bytes of `block` still to decode. */
  private pos = CARRY;
  private end = CARRY;
  /** The next file offset to read, and the read of `spare` under way. */
  private next: number;
  private reading: Promise<number> | undefined;
  /** Output bytes read so far. */
  private taken = 0;
  /** The whole output, after a copy from beyond the window. */
  private whole: MemoryBytes | undefined;

  /** Buffers taken from `pool`, given back by close(). */
  private readonly owned: ArrayBuffer[] = [];

  constructor(
    private readonly file: FileRange,
    private readonly start: number,
    private readonly length: number,
    size: number,
    sizes: StreamSizes = STREAM_SIZES,
    private readonly pool?: PartPool,
  ) {
    const capacity = sizes.window + sizes.block;
    const memory = pool && this.take(SnappyDecoder.bufferBytes(size, sizes.window, capacity));
    this.decoder = new SnappyDecoder(size, sizes.window, capacity, memory);
    const block = CARRY + Math.min(sizes.block, length);
    this.block = pool ? new Uint8Array(this.take(block), 0, block) : new Uint8Array(block);
    this.spare = pool ? new Uint8Array(this.take(block), 0, block) : new Uint8Array(block);
    this.next = start;
  }

  private take(bytes: number): ArrayBuffer {
    const buffer = this.pool!.take(bytes);
    this.owned.push(buffer);
    return buffer;
  }

  async close(): Promise<void> {
    await this.reading?.catch(() => undefined);
    this.reading = undefined;
    for (const buffer of this.owned.splice(0)) this.pool!.give(buffer);
  }

  async read(target: Uint8Array): Promise<void> {
    if (this.whole) return this.whole.read(target);
    const decoder = this.decoder;
    let at = 0;
    try {
      while (at < target.length) {
        at += decoder.take(target, at, target.length - at);
        if (at === target.length) break;
        if (!(await this.decodeMore())) throw new CorruptParquet(`snappy stream ends after ${decoder.produced} of its ${decoder.size} bytes`);
      }
    } catch (error) {
      if (!(error instanceof SnappyFarCopy)) throw error;
      const input = await this.file.read(this.start, this.start + this.length);
      this.whole = new MemoryBytes(snappyDecompress(input, decoder.size), this.taken + at);
      return this.whole.read(target.subarray(at));
    } finally {
      this.taken += at;
    }
  }

  async finish(): Promise<void> {
    if (this.whole) return;
    do this.decoder.skip(Infinity);
    while (await this.decodeMore());
    this.decoder.finish(this.pos, this.end, true);
  }

  /** Decodes more of the stream, reading the next block when the one at hand is done; false at the stream's end. */
  private async decodeMore(): Promise<boolean> {
    for (;;) {
      const before = this.pos;
      const produced = this.decoder.produced;
      this.pos = this.decoder.decode(this.block, this.pos, this.end);
      if (this.pos !== before || this.decoder.produced !== produced || this.decoder.available) return true;
      if (!(await this.nextBlock())) return false;
    }
  }

  /** Moves on to the next block of the file, the bytes left of this one before it; false when none is left. */
  private async nextBlock(): Promise<boolean> {
    if (this.next >= this.start + this.length && !this.reading) return false;
    this.reading ??= this.readSpare();
    const n = await this.reading;
    this.reading = undefined;
    const carry = this.end - this.pos;
    if (carry > CARRY) throw new Error(`a snappy element of over ${CARRY} bytes cut by a block`);
    this.spare.set(this.block.subarray(this.pos, this.end), CARRY - carry);
    [this.block, this.spare] = [this.spare, this.block];
    this.pos = CARRY - carry;
    this.end = CARRY + n;
    if (this.next < this.start + this.length) {
      this.reading = this.readSpare();
      // Awaited when the block is needed; not, when the reading stops first.
      this.reading.catch(() => undefined);
    }
    return true;
  }

  /** Reads the next block of the file into `spare`, after its carry room; resolves to how many bytes. */
  private async readSpare(): Promise<number> {
    const n = Math.min(this.spare.length - CARRY, this.start + this.length - this.next);
    const at = this.next;
    this.next += n;
    const target = this.spare;
    const got = await this.file.readInto(target.subarray(CARRY, CARRY + n), at);
    if (got < n) throw new CorruptParquet(`the file ends inside a page, at byte ${at + got}`);
    return n;
  }
}
