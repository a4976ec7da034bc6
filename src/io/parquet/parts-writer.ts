/**
 * A Writer whose bytes are taken a run at a time, into a buffer used again
 * for every run, so that writing pages allocates nothing once the buffer
 * has grown to a run: bytes are copied into it, except bytes given with
 * appendShared (a copied column chunk), which are kept as they are when
 * they are long. take() hands over what was written since the last take,
 * in order, as views that are valid until the next write.
 */
import { ByteWriter } from 'hyparquet-writer';

/** appendShared keeps bytes this long or longer by reference. */
export const SHARED_BYTES = 64 << 10;
/** Size of the buffer at first, and that it is brought back to after a run much longer than most. */
const START_BYTES = 64 << 10;
const KEEP_BYTES = 16 << 20;

export class PartsWriter extends ByteWriter {
  /** Bytes kept by reference, each after the buffer's bytes [from, to) that come before it. */
  private shared: { from: number; to: number; bytes: Uint8Array }[] = [];
  /** Where the buffer's bytes after the last shared bytes start. */
  private from = 0;

  /** A writer whose first byte is at position `offset` (its `offset` is the position of the next byte). */
  constructor(offset = 0) {
    super(START_BYTES);
    this.offset = offset;
  }

  /** Appends bytes that will not change until they are taken and written: long ones are kept, not copied. */
  appendShared(value: Uint8Array): void {
    if (value.length < SHARED_BYTES) return this.appendBytes(value);
    this.shared.push({ from: this.from, to: this.index, bytes: value });
    this.from = this.index;
    this.offset += value.length;
  }

  /** Starts again at position 0, dropping what was not taken (its buffer is kept). */
  restart(): void {
    this.take();
    this.offset = 0;
  }

  /** Bytes written and not taken yet. */
  get pending(): number {
    return this.index + this.shared.reduce((n, part) => n + part.bytes.length, 0);
  }

  /** The bytes written since the last take, in order: views valid until the next write. */
  take(): Uint8Array[] {
    const bytes = new Uint8Array(this.buffer);
    const parts: Uint8Array[] = [];
    for (const { from, to, bytes: kept } of this.shared) {
      if (to > from) parts.push(bytes.subarray(from, to));
      parts.push(kept);
    }
    if (this.index > this.from) parts.push(bytes.subarray(this.from, this.index));
    this.shared = [];
    this.from = 0;
    this.index = 0;
    if (this.buffer.byteLength > KEEP_BYTES) {
      // Handed over; the next run starts small again.
      this.buffer = new ArrayBuffer(START_BYTES);
      this.view = new DataView(this.buffer);
    }
    return parts;
  }

  /** The bytes written since the last take, copied into one buffer: `into` when it is long enough, else a new one. */
  takeJoined(into?: Uint8Array): Uint8Array {
    const parts = this.take();
    const length = parts.reduce((n, part) => n + part.length, 0);
    const out = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
