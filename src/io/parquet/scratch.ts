/**
 * Typed arrays that page writers borrow for a column chunk and give back
 * at its end (flat-pages.ts, list-pages.ts), so that the page-sized
 * buffers of a chunk are not made again for every chunk: on row groups of
 * 131,072 rows, a new 1 MiB buffer per chunk was most of what V8 had to
 * collect. Each thread has its own; an array borrowed is nobody else's
 * until it is given back.
 */

type Scratch = Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;
type ScratchOf<T extends Scratch> = new (length: number) => T;

/** Arrays kept per kind at most. */
const KEPT = 4;
const free = new Map<ScratchOf<Scratch>, Scratch[]>();

/** An array of kind `kind` of at least `length` elements (its contents are anything). */
export function borrow<T extends Scratch>(kind: ScratchOf<T>, length: number): T {
  const kept = free.get(kind as ScratchOf<Scratch>);
  const k = kept ? kept.findIndex((array) => array.length >= length) : -1;
  return k < 0 ? new kind(length) : (kept!.splice(k, 1)[0] as T);
}

/** Gives arrays back for the next borrow (undefined ones are skipped). */
export function giveBack(...arrays: (Scratch | undefined)[]): void {
  for (const array of arrays) {
    if (!array?.length) continue;
    const kind = array.constructor as ScratchOf<Scratch>;
    let kept = free.get(kind);
    if (!kept) free.set(kind, (kept = []));
    if (kept.length < KEPT) kept.push(array);
  }
}
