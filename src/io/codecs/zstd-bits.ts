/**
 * The bit streams of zstd's entropy coders (RFC 8878, 4.1 and 4.2.2): bits
 * are appended little-endian, the first bit written being the lowest bit of
 * the first byte, and decoders read them backward from the end, which a
 * final 1 bit marks. Also the forward bit field of FSE table descriptions.
 */

export class BitWriter {
  private acc = 0;
  private count = 0;
  at = 0;
  bytes: Uint8Array = new Uint8Array(0);

  /** Starts a stream at `bytes[at]`. */
  start(bytes: Uint8Array, at: number): void {
    this.bytes = bytes;
    this.at = at;
    this.acc = 0;
    this.count = 0;
  }

  /** Appends the low `n` bits of `value` (n ≤ 24). */
  add(value: number, n: number): void {
    this.acc |= (value & ((1 << n) - 1)) << this.count;
    this.count += n;
    while (this.count >= 8) {
      this.bytes[this.at++] = this.acc;
      this.acc >>>= 8;
      this.count -= 8;
    }
  }

  /** Pads the bits written to a whole byte (forward fields); returns the end offset. */
  pad(): number {
    if (this.count > 0) this.bytes[this.at++] = this.acc;
    this.acc = 0;
    this.count = 0;
    return this.at;
  }

  /** Ends a backward-read stream with its final 1 bit; returns the end offset. */
  close(): number {
    this.add(1, 1);
    return this.pad();
  }
}
