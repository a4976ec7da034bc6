/**
 * The levels of one page (RLE / bit-packed hybrid, as rle.ts decodes them
 * whole) decoded a run of entries at a time, so that a page of millions of
 * entries never holds them all decoded: a cursor keeps its place inside a
 * run between reads. It accepts exactly what readLevels accepts over the
 * page's `count` entries (the same checks, at the same runs), and gives the
 * same levels.
 */
import { CorruptParquet } from './faults.js';
import { bitWidthOf, readRunHeader, runValue } from './rle.js';

/** Levels of a page read in order, some entries at a time. */
export class LevelCursor {
  private readonly width: number;
  private pos: number;
  /** Entries decoded so far (pushed-back ones not counted). */
  private filled = 0;
  /** Entries left of the current run, and its kind: a repeated value, or bit-packed from bit `bit` of the bytes. */
  private runLeft = 0;
  private packed = false;
  private value = 0;
  private bit = 0;
  /** Where the last run header read ends. */
  private readonly run = { end: 0 };
  /** Entries given back by unread(), read again first. */
  private back: Uint8Array = new Uint8Array(0);

  /** Levels (each at most `max`) of `count` entries in bytes[start, end). */
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly max: number,
    private readonly count: number,
    private readonly what: string,
  ) {
    this.width = bitWidthOf(max);
    this.pos = start;
    if (this.width > 8) throw new CorruptParquet(`bit width ${this.width} of ${what} levels is larger than 8`);
  }

  /** The next `n` levels into out[at, at + n); throws, as readLevels does, where the bytes do not hold them. */
  read(out: Uint8Array, at: number, n: number): void {
    const stop = at + n;
    if (this.back.length) {
      const k = Math.min(n, this.back.length);
      out.set(this.back.subarray(0, k), at);
      this.back = this.back.subarray(k);
      at += k;
    }
    if (this.filled + (stop - at) > this.count) throw new Error(`${stop - at} ${this.what} levels asked for past the page's ${this.count}`);
    while (at < stop) {
      if (this.runLeft === 0) {
        this.nextRun();
        continue;
      }
      const take = Math.min(this.runLeft, stop - at);
      if (this.packed) this.unpack(out, at, take);
      else out.fill(this.value, at, at + take);
      this.runLeft -= take;
      this.filled += take;
      at += take;
    }
    if (this.max !== 2 ** this.width - 1) {
      for (let i = stop - n; i < stop; i++) {
        if (out[i]! > this.max) throw new CorruptParquet(`${this.what} level ${out[i]} is above the maximum ${this.max}`);
      }
    }
  }

  /** Gives levels just read back to the cursor: the next read begins with them. */
  unread(levels: Uint8Array): void {
    const back = new Uint8Array(levels.length + this.back.length);
    back.set(levels);
    back.set(this.back, levels.length);
    this.back = back;
  }

  /** Reads the next run's header, as readRleHybrid does (a width of 0 is one endless run of zeros). */
  private nextRun(): void {
    const { bytes, end, width } = this;
    const want = this.count - this.filled;
    if (width === 0) {
      this.packed = false;
      this.value = 0;
      this.runLeft = want;
      return;
    }
    let pos = this.pos;
    if (pos >= end) throw new CorruptParquet(`encoded data ends after ${this.filled} of ${this.count} values`);
    const header = readRunHeader(bytes, pos, end, this.run);
    pos = this.run.end;
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2);
      const take = Math.min(groups * 8, want);
      if (pos + Math.ceil((take * width) / 8) > end) throw new CorruptParquet('bit-packed run ends past its page');
      this.packed = true;
      this.bit = pos * 8;
      this.runLeft = take;
      this.pos = Math.min(end, pos + groups * width);
    } else {
      const valueBytes = (width + 7) >> 3;
      if (pos + valueBytes > end) throw new CorruptParquet('RLE run ends past its page');
      const value = runValue(bytes, pos, valueBytes);
      this.packed = false;
      // As readRleHybrid stores it: into bytes, its low 8 bits.
      this.value = (value | 0) & 0xff;
      this.runLeft = Math.min(header / 2, want);
      this.pos = pos + valueBytes;
    }
  }

  /** `take` bit-packed values of the current run into out[at...]. */
  private unpack(out: Uint8Array, at: number, take: number): void {
    const { bytes, width } = this;
    const mask = (1 << width) - 1;
    let pos = this.bit >>> 3;
    let bits = -(this.bit & 7);
    let buffer = 0;
    for (let i = 0; i < take; i++) {
      while (bits < width) {
        buffer = bits < 0 ? bytes[pos++]! >>> -bits : buffer | (bytes[pos++]! << bits);
        bits += 8;
      }
      out[at + i] = buffer & mask;
      buffer >>>= width;
      bits -= width;
    }
    this.bit += take * width;
  }
}
