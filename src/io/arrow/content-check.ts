/**
 * Per-value checks of the columns whose values point into other buffers:
 * binary/string views (buffer index, offset, size), list views (offset and
 * size in the child) and unions (type ids and dense offsets). apache-arrow follows these pointers unchecked when a value
 * is read, so a corrupt one must be refused up front. Numeric columns are
 * never looked at value by value.
 */
import type { Region } from './body.js';
import { ArrowFormatError } from './format-error.js';

/** Whether slot i is null, by a validity bitmap (null: no nulls). */
function isNull(view: DataView, validity: Region | null, i: number): boolean {
  return validity !== null && ((view.getUint8(validity.offset + (i >> 3)) >> (i & 7)) & 1) === 0;
}

/** Every non-null view must be inline (up to 12 bytes) or lie inside one of the variadic buffers. */
export function checkViews(view: DataView, views: Region, buffers: readonly Region[], length: number, validity: Region | null, path: string): void {
  for (let i = 0; i < length; i++) {
    if (isNull(view, validity, i)) continue;
    const at = views.offset + 16 * i;
    const size = view.getInt32(at, true);
    if (size <= 12 && size >= 0) continue;
    const buffer = buffers[view.getInt32(at + 8, true)];
    const offset = view.getInt32(at + 12, true);
    if (size < 0 || !buffer || offset < 0 || offset + size > buffer.length) {
      throw new ArrowFormatError(`column "${path}": view ${i} points outside its data buffers`);
    }
  }
}

/** Every non-null list view (offset and size, `width` bytes each) must lie inside the child's `childLength` values. */
export function checkListViews(
  view: DataView,
  offsets: Region,
  sizes: Region,
  width: number,
  length: number,
  validity: Region | null,
  childLength: number,
  path: string,
): void {
  const read = (region: Region, i: number): number =>
    width === 8 ? Number(view.getBigInt64(region.offset + 8 * i, true)) : view.getInt32(region.offset + 4 * i, true);
  for (let i = 0; i < length; i++) {
    if (isNull(view, validity, i)) continue;
    const offset = read(offsets, i);
    const size = read(sizes, i);
    if (offset < 0 || size < 0 || offset + size > childLength) throw new ArrowFormatError(`column "${path}": list view ${i} lies outside its values`);
  }
}

/** Every type id must name a child, and (dense) every offset must lie inside that child. */
export function checkUnion(
  view: DataView,
  typeIds: Region,
  offsets: Region | null,
  length: number,
  ids: readonly number[],
  childLengths: readonly number[],
  path: string,
): void {
  const childOf = new Map(ids.map((id, k) => [id, k]));
  for (let i = 0; i < length; i++) {
    const child = childOf.get(view.getInt8(typeIds.offset + i));
    if (child === undefined) throw new ArrowFormatError(`column "${path}": unknown union type id at row ${i}`);
    if (offsets) {
      const offset = view.getInt32(offsets.offset + 4 * i, true);
      if (offset < 0 || offset >= childLengths[child]!) throw new ArrowFormatError(`column "${path}": union offset out of range at row ${i}`);
    }
  }
}
