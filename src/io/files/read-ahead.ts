/**
 * A FileRange that can be told which bytes will be read next. prefetch()
 * starts reading them at once; a later read that lies inside a prefetched
 * range is served from it (a copy: the caller's buffer is its own), any
 * other goes to the file. So the reader of column chunk after column chunk
 * reads the next one while it decodes this one, instead of waiting on each
 * read in turn. At most `keep` ranges are held, the oldest dropped first,
 * and their buffers are read into again (never while a read is copying out
 * of one). A prefetch that fails is forgotten: the read it would have
 * served goes to the file and meets the error itself.
 */
import type { FileRange } from './file-range.js';

/** A FileRange with read-ahead. */
export interface ReadAhead extends FileRange {
  /** Starts reading bytes [start, end) of the file (clamped to it), to serve the reads that fall inside them. */
  prefetch(start: number, end: number): void;
}

interface Ahead {
  readonly start: number;
  readonly end: number;
  /** The bytes, a view of `full`, the buffer given back when the range is dropped. */
  readonly buffer: Uint8Array;
  readonly full: Uint8Array;
  /** Resolves to whether the bytes were read. */
  readonly done: Promise<boolean>;
  /** Reads waiting on it or copying out of it; its buffer is not reused before they are done. */
  users: number;
  dropped: boolean;
}

/** `file` with read-ahead of up to `keep` ranges. */
export function readAhead(file: FileRange, keep = 2): ReadAhead {
  let held: Ahead[] = [];
  let free: Uint8Array[] = [];
  const release = (ahead: Ahead) => {
    if (ahead.dropped && ahead.users === 0) free.push(ahead.full);
  };
  const drop = (ahead: Ahead) => {
    held = held.filter((a) => a !== ahead);
    ahead.dropped = true;
    release(ahead);
  };
  /** Calls `use` with bytes [start, end) from a prefetched range, or returns undefined when none holds them. */
  async function fromAhead<T>(start: number, end: number, use: (bytes: Uint8Array) => T): Promise<T | undefined> {
    const ahead = held.find((a) => a.start <= start && end <= a.end);
    if (!ahead) return undefined;
    ahead.users++;
    try {
      return (await ahead.done) ? use(ahead.buffer.subarray(start - ahead.start, end - ahead.start)) : undefined;
    } finally {
      ahead.users--;
      release(ahead);
    }
  }
  return {
    get byteLength() {
      return file.byteLength;
    },
    prefetch(start, end) {
      const from = Math.max(0, Math.min(start, file.byteLength));
      const to = Math.max(from, Math.min(end, file.byteLength));
      if (to === from || held.some((a) => a.start <= from && to <= a.end)) return;
      while (held.length >= keep) drop(held[0]!);
      const size = to - from;
      const reuse = free.findIndex((b) => b.length >= size);
      const full = reuse >= 0 ? free.splice(reuse, 1)[0]! : new Uint8Array(size);
      const buffer = full.subarray(0, size);
      const read = file.readInto(buffer, from).then((n) => n === size, () => false);
      const ahead: Ahead = { start: from, end: to, buffer, full, users: 0, dropped: false, done: read.then((ok) => (ok || drop(ahead), ok)) };
      held.push(ahead);
    },
    async read(start, end) {
      return (await fromAhead(start, end, (bytes) => bytes.slice())) ?? file.read(start, end);
    },
    async readInto(target, position) {
      const n = await fromAhead(position, position + target.length, (bytes) => (target.set(bytes), bytes.length));
      return n ?? file.readInto(target, position);
    },
    async slice(start, end = file.byteLength) {
      return (await fromAhead(start, end, (bytes) => bytes.slice().buffer as ArrayBuffer)) ?? file.slice(start, end);
    },
    async close() {
      held = [];
      free = [];
      await file.close();
    },
  };
}
