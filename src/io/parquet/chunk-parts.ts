/**
 * A row group gathered from several record batches holds each column in
 * parts; a column chunk is written from them joined: values end to end (one
 * typed array when every part is one of the same kind) and validity bits
 * into one bitmap. A single part is returned as it is, without a copy.
 */
import type { Data } from 'apache-arrow';

/** The arrays end to end: a typed array of the parts' kind when they share one, else a plain array. */
export function joinArrays<T extends ArrayLike<unknown>>(parts: readonly T[]): T {
  if (parts.length === 1) return parts[0]!;
  const kind = parts[0]?.constructor as (new (n: number) => T & { set(a: T, at: number): void }) | undefined;
  const total = parts.reduce((n, part) => n + part.length, 0);
  if (kind && ArrayBuffer.isView(parts[0]) && parts.every((part) => part.constructor === kind)) {
    const out = new kind(total);
    let at = 0;
    for (const part of parts) out.set(part, (at += part.length) - part.length);
    return out;
  }
  const out = new Array<unknown>(total);
  let at = 0;
  for (const part of parts) for (let i = 0; i < part.length; i++) out[at++] = part[i];
  return out as unknown as T;
}

/** A validity bitmap and the bit where its first slot is. */
export interface Validity {
  readonly bitmap: Uint8Array;
  readonly offset: number;
}

/** One part's validity: `length` slots from slot `from` of `data` (all valid when it has no nulls). */
export interface ValidityPart {
  readonly data: Data;
  readonly from: number;
  readonly length: number;
}

/** The validity of the parts end to end, or undefined when no slot is null. */
export function joinValidity(parts: readonly ValidityPart[]): Validity | undefined {
  if (!parts.some(({ data }) => data.nullBitmap && data.nullCount > 0)) return undefined;
  if (parts.length === 1) return { bitmap: parts[0]!.data.nullBitmap!, offset: parts[0]!.data.offset + parts[0]!.from };
  const total = parts.reduce((n, part) => n + part.length, 0);
  const bitmap = new Uint8Array((total + 7) >> 3);
  let at = 0;
  for (const { data, from, length } of parts) {
    const bits = data.nullBitmap && data.nullCount > 0 ? data.nullBitmap : undefined;
    for (let i = 0; i < length; i++, at++) {
      const bit = data.offset + from + i;
      if (!bits || (bits[bit >> 3]! >> (bit & 7)) & 1) bitmap[at >> 3]! |= 1 << (at & 7);
    }
  }
  return { bitmap, offset: 0 };
}
