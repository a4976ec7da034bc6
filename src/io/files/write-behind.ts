/**
 * Writes into a file that run while the next bytes are made: bytes are
 * copied into one of two buffers of BUFFER_BYTES, and a full buffer is
 * written in the background while the other fills, so that neither the
 * caller's bytes nor a new buffer per write is kept. A write's error comes
 * out of the next call.
 */
import type { FileHandle } from 'node:fs/promises';

/** Bytes copied before a write to the file. */
export const BUFFER_BYTES = 1 << 20;

export class WriteBehind {
  private filling = new Uint8Array(BUFFER_BYTES);
  private writing = new Uint8Array(BUFFER_BYTES);
  private used = 0;
  private last: Promise<void> = Promise.resolve();

  /** `write` writes every byte it is given to the file (and throws the error to report). */
  constructor(private readonly write: (bytes: Uint8Array) => Promise<void>) {}

  /** Copies `bytes`, writing each buffer it fills; the caller may change them once this resolves. */
  async add(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(bytes.length - at, this.filling.length - this.used);
      this.filling.set(bytes.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
      if (this.used === this.filling.length) await this.flush();
    }
  }

  /** Starts writing what is buffered, once the write before is done (whose error it throws). */
  async flush(): Promise<void> {
    if (!this.used) return;
    await this.last;
    const full = this.filling.subarray(0, this.used);
    [this.filling, this.writing] = [this.writing, this.filling];
    this.used = 0;
    this.last = this.write(full);
    this.last.catch(() => undefined); // thrown by the next flush or by done()
  }

  /** Writes what is buffered and waits for every write; throws the error of one. */
  async done(): Promise<void> {
    await this.flush();
    await this.last;
  }
}

/** Writes every byte of `bytes` at the file's position: a write(2) may write only part of them, and FileHandle.write does not retry. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}
