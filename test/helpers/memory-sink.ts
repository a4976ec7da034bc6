/** A ByteSink that keeps the bytes in memory, for tests of writers. */
import type { ByteSink } from '../../src/io/dataset/dataset.js';

export interface MemorySink extends ByteSink {
  /** Everything written so far, concatenated. */
  bytes(): Uint8Array;
  /** Whether end() was called. */
  readonly ended: boolean;
}

export function memorySink(): MemorySink {
  const parts: Uint8Array[] = [];
  let ended = false;
  return {
    async write(bytes) {
      if (ended) throw new Error('write after end');
      parts.push(bytes.slice());
    },
    async end() {
      ended = true;
    },
    bytes() {
      return Buffer.concat(parts);
    },
    get ended() {
      return ended;
    },
  };
}
