/**
 * Buffers that the pieces of a reader's columns are read into, given back
 * to be read into again. A fresh ArrayBuffer per piece is garbage that V8
 * frees only after a collection: its external memory grows by tens of MB
 * before one comes (BENCHMARKS.md, "Reading a column chunk in pieces"), in
 * every thread. A buffer is given back once nothing is a view of it: the
 * blocks and window of a page read in parts when the page is done, the
 * arrays of a piece (values, levels) once the caller is done with the piece
 * (when it said it would be: PieceOptions.recycle).
 */

/** Free buffers kept, at most; and bytes of them. */
const KEEP = 24;
const KEEP_BYTES = 16 << 20;

/** Buffers are taken in multiples of this (from it on): parts of a list differ by a few entries. */
const GRAIN = 64 << 10;

/** Free buffers, taken by size. */
export class PartPool {
  private readonly free: ArrayBuffer[] = [];

  /** A buffer of at least `bytes` bytes (and not much more): a free one, or a new one. */
  take(bytes: number): ArrayBuffer {
    const free = this.free;
    for (let i = free.length - 1; i >= 0; i--) {
      const length = free[i]!.byteLength;
      if (length >= bytes && length <= 2 * bytes + GRAIN) return free.splice(i, 1)[0]!;
    }
    return new ArrayBuffer(bytes < GRAIN ? bytes : Math.ceil(bytes / GRAIN) * GRAIN);
  }

  /** Gives `buffer` back: nothing may be a view of it any more. */
  give(buffer: ArrayBuffer): void {
    const free = this.free;
    if (free.includes(buffer)) return;
    free.push(buffer);
    let bytes = 0;
    for (const b of free) bytes += b.byteLength;
    while (free.length > KEEP || (bytes > KEEP_BYTES && free.length > 1)) bytes -= free.shift()!.byteLength;
  }
}

/** A typed array class. */
export type TypedArrayClass<T> = { new (buffer: ArrayBuffer, offset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number };

/** Where arrays of a piece are made: buffers of at least the bytes asked for; absent, fresh arrays. */
export type Memory = (bytes: number) => ArrayBuffer;

/** `count` elements of a typed array class, in a buffer of `memory` when there is one. */
export function typed<T>(Ctor: TypedArrayClass<T>, count: number, memory: Memory | undefined): T {
  return memory ? new Ctor(memory(count * Ctor.BYTES_PER_ELEMENT), 0, count) : new Ctor(count);
}

/** Memory from `pool` whose buffers are added to `owned` (none without a pool). */
export function poolMemory(pool: PartPool | undefined, owned: ArrayBuffer[]): Memory | undefined {
  return pool && ((bytes) => {
    const buffer = pool.take(bytes);
    owned.push(buffer);
    return buffer;
  });
}

/** `count` elements of a typed array class, from `pool` when there is one (the buffer added to `owned`). */
export function allocate<T>(Ctor: TypedArrayClass<T>, count: number, pool: PartPool | undefined, owned: ArrayBuffer[]): T {
  return typed(Ctor, count, poolMemory(pool, owned));
}
