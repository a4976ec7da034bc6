/**
 * A column chunk's footer Statistics: min and max encoded as the format
 * stores them (PLAIN, without a byte array's length prefix; a DECIMAL as its
 * unscaled value in the leaf's physical type, big-endian in byte arrays),
 * the null count, and for floats the NaN count.
 *
 * A byte-array bound longer than 64 bytes is cut and marked inexact: a
 * minimum to a prefix, a maximum to a prefix whose last byte (last code
 * point for strings, so that the bound stays UTF-8) is incremented, which is
 * still at least the maximum. A maximum of only 0xFF bytes has no shorter
 * bound and stays whole, as do DECIMAL, JSON and BSON values, whose prefixes
 * are not values of their type.
 */
import type { SchemaElement } from 'hyparquet';
import type { StatisticsOut } from './footer-write.js';
import type { MinMax } from './statistics.js';
import { annotationOf, isDecimal } from './types.js';

/** Longest min/max of a byte array in the footer. */
export const STATISTICS_BYTES = 64;

/** The Statistics of a chunk of leaf `element` with `nulls` nulls, min/max from `minMax` (none when undefined). */
export function chunkStatistics(element: SchemaElement, minMax: MinMax | undefined, nulls: number): StatisticsOut {
  const out: StatisticsOut = { null_count: BigInt(nulls) };
  if (!minMax) return out;
  const { min_value, max_value, nan_count } = minMax.statistics();
  if (min_value !== undefined && max_value !== undefined) {
    const max = bound(element, max_value, true);
    const min = bound(element, min_value, false);
    out.max_value = max.bytes;
    out.min_value = min.bytes;
    if (!max.exact) out.is_max_value_exact = false;
    if (!min.exact) out.is_min_value_exact = false;
  }
  if (nan_count !== undefined) out.nan_count = nan_count;
  return out;
}

/** A min or max as footer bytes (a copy: the value may be a view of a large buffer), and whether it is exact. */
function bound(element: SchemaElement, value: unknown, isMax: boolean): { bytes: Uint8Array; exact: boolean } {
  const view = new DataView(new ArrayBuffer(8));
  switch (element.type) {
    case 'BOOLEAN':
      return { bytes: Uint8Array.of(value ? 1 : 0), exact: true };
    case 'INT32':
      view.setInt32(0, Number(value), true);
      return { bytes: new Uint8Array(view.buffer, 0, 4), exact: true };
    case 'INT64':
      view.setBigInt64(0, BigInt(value as bigint), true);
      return { bytes: new Uint8Array(view.buffer), exact: true };
    case 'FLOAT':
      view.setFloat32(0, value as number, true);
      return { bytes: new Uint8Array(view.buffer, 0, 4), exact: true };
    case 'DOUBLE':
      view.setFloat64(0, value as number, true);
      return { bytes: new Uint8Array(view.buffer), exact: true };
    default: {
      if (typeof value === 'bigint') return { bytes: bigEndian(value, element.type === 'FIXED_LEN_BYTE_ARRAY' ? element.type_length : undefined), exact: true };
      const bytes = value as Uint8Array;
      if (bytes.length <= STATISTICS_BYTES || !truncatable(element)) return { bytes: bytes.slice(), exact: true };
      const cut = isUtf8(element) ? cutUtf8(bytes, isMax) : cutBytes(bytes, isMax);
      return cut ? { bytes: cut, exact: false } : { bytes: bytes.slice(), exact: true };
    }
  }
}

/** A DECIMAL's unscaled value, big-endian two's complement: in `width` bytes, or the fewest that hold it. */
function bigEndian(value: bigint, width: number | undefined): Uint8Array {
  let n = width ?? 1;
  if (width === undefined) while (value < -(1n << BigInt(8 * n - 1)) || value >= 1n << BigInt(8 * n - 1)) n++;
  const out = new Uint8Array(n);
  let rest = BigInt.asUintN(8 * n, value);
  for (let i = n - 1; i >= 0; i--, rest >>= 8n) out[i] = Number(rest & 0xffn);
  return out;
}

function truncatable(element: SchemaElement): boolean {
  if (element.type !== 'BYTE_ARRAY' || isDecimal(element)) return false;
  const kinds = [annotationOf(element), element.converted_type];
  return !kinds.includes('JSON') && !kinds.includes('BSON');
}

function isUtf8(element: SchemaElement): boolean {
  return [annotationOf(element), element.converted_type].some((kind) => kind === 'STRING' || kind === 'UTF8' || kind === 'ENUM');
}

/** A bound of at most STATISTICS_BYTES bytes, or undefined when a maximum has none. */
function cutBytes(bytes: Uint8Array, isMax: boolean): Uint8Array | undefined {
  const prefix = bytes.slice(0, STATISTICS_BYTES);
  if (!isMax) return prefix;
  let last = prefix.length - 1;
  while (last >= 0 && prefix[last] === 0xff) last--;
  if (last < 0) return undefined;
  prefix[last]!++;
  return prefix.slice(0, last + 1);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();

/** The same on code points: the cut falls between characters, and a maximum's last character that can grow grows. */
function cutUtf8(bytes: Uint8Array, isMax: boolean): Uint8Array | undefined {
  let end = STATISTICS_BYTES;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // bytes[end] continues a character: cut before it
  let text: string;
  try {
    text = strictUtf8.decode(bytes.subarray(0, end));
  } catch {
    return cutBytes(bytes, isMax);
  }
  if (!isMax) return bytes.slice(0, end);
  const chars = Array.from(text);
  for (let i = chars.length - 1; i >= 0; i--) {
    const code = chars[i]!.codePointAt(0)!;
    if (code === 0x10ffff) continue;
    const next = code === 0xd7ff ? 0xe000 : code + 1; // skip the surrogates, which are not characters
    const head = utf8.encode(chars.slice(0, i).join(''));
    const tail = utf8.encode(String.fromCodePoint(next));
    if (head.length + tail.length > STATISTICS_BYTES) continue;
    const out = new Uint8Array(head.length + tail.length);
    out.set(head);
    out.set(tail, head.length);
    return out;
  }
  return undefined;
}
