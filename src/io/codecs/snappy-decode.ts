/**
 * Snappy decompression (the raw block format of Parquet's SNAPPY codec), in
 * bounded memory or into one buffer. A stream is the uncompressed length as
 * a varint, then elements: a literal (tag & 3 = 0: its length - 1 in the
 * tag's upper six bits, or in the 1 to 4 bytes after it when those bits say
 * 60 to 63, then its bytes) or a copy of earlier output (tags 1, 2, 3:
 * length and offset in 11 bits + 3, 6 bits + 2 bytes, or 6 bits + 4 bytes).
 *
 * A SnappyDecoder is fed the compressed bytes a block at a time, an element
 * cut by a block's end waiting for the next block (a literal's bytes are
 * taken as far as they go), and holds only `window` bytes of output besides
 * those not yet taken. Copies reach back at most 64 KiB in the output of
 * every encoder in use (the reference one and those after it compress 64
 * KiB fragments), so a 64 KiB window decodes their streams; a copy from
 * further back throws SnappyFarCopy, and the caller decodes the whole
 * stream at once instead. Decoding into one buffer (snappyDecompress) is
 * the same decoder with a window as long as the output, so that a stream
 * fails the same way whichever way it is read.
 */

/** A copy from further back than the decoder's window: the stream has to be decoded whole. */
export class SnappyFarCopy extends Error {}

/** The window every real encoder stays within: copies of 64 KiB fragments reach back at most 65,535 bytes. */
export const SNAPPY_WINDOW = 1 << 16;

/** `input`, a whole Snappy stream, decompressed: it must inflate to exactly `size` bytes. */
export function snappyDecompress(input: Uint8Array, size: number): Uint8Array {
  const decoder = new SnappyDecoder(size, size, size);
  const pos = decoder.decode(input, 0, input.length);
  decoder.finish(pos, input.length, true);
  return decoder.output();
}

/** A Snappy stream decompressed a block of input at a time, holding a window of its output. */
export class SnappyDecoder {
  /** Output bytes decoded so far. */
  produced = 0;
  /** Output held: [0, end) of `buffer`, [taken, end) not yet taken. */
  private readonly buffer: Uint8Array;
  private end = 0;
  private taken = 0;
  /** Bytes of a literal still to come, when its input or the buffer ran out in the middle of it. */
  private literal = 0;
  /** Whether the length at the stream's start has been read. */
  private started = false;

  /**
   * A decoder of a stream that inflates to `size` bytes, holding the last
   * `window` bytes of output and up to `capacity` bytes in all (at least
   * the window and one element more), in `memory` when it is given (and
   * long enough; see bufferBytes).
   */
  constructor(
    readonly size: number,
    private readonly window: number,
    capacity: number,
    memory?: ArrayBuffer,
  ) {
    const length = SnappyDecoder.bufferBytes(size, window, capacity);
    this.buffer = memory ? new Uint8Array(memory, 0, length) : new Uint8Array(length);
  }

  /** Bytes of the buffer of a decoder made with these arguments. */
  static bufferBytes(size: number, window: number, capacity: number): number {
    return Math.min(size, Math.max(capacity, window + 64));
  }

  /** Output bytes decoded and not yet taken. */
  get available(): number {
    return this.end - this.taken;
  }

  /** The whole output, once a decoder whose buffer holds all of it is done. */
  output(): Uint8Array {
    return this.buffer.subarray(0, this.end);
  }

  /** Copies up to `length` bytes of output not yet taken into target[at...]; returns how many. */
  take(target: Uint8Array, at: number, length: number): number {
    const n = Math.min(length, this.end - this.taken);
    target.set(this.buffer.subarray(this.taken, this.taken + n), at);
    this.taken += n;
    return n;
  }

  /** Forgets up to `length` bytes of output not yet taken; returns how many. */
  skip(length: number): number {
    const n = Math.min(length, this.end - this.taken);
    this.taken += n;
    return n;
  }

  /**
   * Decodes the elements of input[pos, end) while the buffer has room;
   * returns where it stopped: at `end`, or at an element that `end` cuts
   * (whose bytes must come again, with more after them, in the next call),
   * or where the buffer filled up with output not yet taken.
   */
  decode(input: Uint8Array, pos: number, end: number): number {
    if (!this.started) {
      const start = this.start(input, pos, end);
      if (start < 0) return pos;
      pos = start;
    }
    const buffer = this.buffer;
    const size = this.size;
    let out = this.end;
    let produced = this.produced;
    let literal = this.literal;
    try {
      for (;;) {
        if (literal > 0) {
          let room = buffer.length - out;
          if (room === 0) {
            out = this.compact(out);
            room = buffer.length - out;
          }
          const n = Math.min(literal, end - pos, room);
          if (n === 0) return pos;
          if (n > 32) buffer.set(input.subarray(pos, pos + n), out);
          else for (let i = 0; i < n; i++) buffer[out + i] = input[pos + i]!;
          pos += n;
          out += n;
          produced += n;
          literal -= n;
          continue;
        }
        if (pos >= end) return pos;
        const tag = input[pos]!;
        const kind = tag & 3;
        if (kind === 0) {
          let length = (tag >>> 2) + 1;
          let head = 1;
          if (length > 60) {
            head += length - 60;
            if (pos + head > end) return pos;
            length = 0;
            for (let i = head - 1; i >= 1; i--) length = length * 256 + input[pos + i]!;
            length += 1;
          }
          if (length > size - produced) throw new Error(`snappy literal of ${length} bytes runs past the ${size} bytes of its stream`);
          pos += head;
          literal = length;
          continue;
        }
        let length: number;
        let offset: number;
        let head: number;
        if (kind === 1) {
          head = 2;
          if (pos + 2 > end) return pos;
          length = ((tag >>> 2) & 7) + 4;
          offset = ((tag >>> 5) << 8) | input[pos + 1]!;
        } else if (kind === 2) {
          head = 3;
          if (pos + 3 > end) return pos;
          length = (tag >>> 2) + 1;
          offset = input[pos + 1]! | (input[pos + 2]! << 8);
        } else {
          head = 5;
          if (pos + 5 > end) return pos;
          length = (tag >>> 2) + 1;
          offset = (input[pos + 1]! | (input[pos + 2]! << 8) | (input[pos + 3]! << 16) | (input[pos + 4]! << 24)) >>> 0;
        }
        if (offset === 0 || offset > produced) throw new Error(`snappy copy from ${offset} bytes back, after ${produced} bytes of output`);
        if (length > size - produced) throw new Error(`snappy copy of ${length} bytes runs past the ${size} bytes of its stream`);
        if (buffer.length - out < length) {
          out = this.compact(out);
          if (buffer.length - out < length) return pos;
        }
        let from = out - offset;
        if (from < 0) throw new SnappyFarCopy(`snappy copy from ${offset} bytes back, beyond a window of ${this.window} bytes`);
        if (offset >= length && length > 16) {
          buffer.copyWithin(out, from, from + length);
          out += length;
        } else {
          const stop = out + length;
          while (out < stop) buffer[out++] = buffer[from++]!;
        }
        produced += length;
        pos += head;
      }
    } finally {
      this.end = out;
      this.produced = produced;
      this.literal = literal;
    }
  }

  /**
   * Checks the stream's end, once decode() has stopped at input position
   * `pos` of an input that ends at `end`: with `last` (no more input
   * comes), every byte of input must be decoded and every byte of output
   * there.
   */
  finish(pos: number, end: number, last: boolean): void {
    if (!last) return;
    if (!this.started) throw new Error('snappy stream ends before its length');
    if (this.produced < this.size) throw new Error(`snappy stream ends after ${this.produced} of its ${this.size} bytes`);
    if (pos < end) throw new Error(`snappy stream goes on past its ${this.size} bytes`);
  }

  /** Reads the length at the stream's start; returns the position after it, or -1 when input[pos, end) cuts it. */
  private start(input: Uint8Array, pos: number, end: number): number {
    let length = 0;
    for (let i = 0; ; i++) {
      if (pos + i >= end) return -1;
      const byte = input[pos + i]!;
      if (i === 4 && byte > 15) throw new Error('snappy stream length is over 32 bits');
      length += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) {
        if (length !== this.size) throw new Error(`snappy stream of ${length} bytes where ${this.size} were expected`);
        this.started = true;
        return pos + i + 1;
      }
    }
  }

  /** Moves the window and the bytes not yet taken to the buffer's start, to make room; returns the new end. */
  private compact(end: number): number {
    const keep = Math.min(this.taken, Math.max(0, end - this.window));
    if (keep === 0) return end;
    this.buffer.copyWithin(0, keep, end);
    this.taken -= keep;
    this.end = end - keep;
    return this.end;
  }
}
