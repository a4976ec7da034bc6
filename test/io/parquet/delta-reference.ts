/** A reference DELTA_BINARY_PACKED encoder for the decoder's tests (BigInt arithmetic, one value at a time), and readers of what it writes. */
import { readDeltaBinaryPacked } from '../../../src/io/parquet/delta.js';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

export interface Layout {
  blockSize: number;
  miniblocks: number;
  /** INT32 deltas taken in 64 bits, not wrapped to 32 (widths up to 33). */
  wideDeltas?: boolean;
  /** Extra bits over the narrowest width, per miniblock (up to 64 in all). */
  extraBits?: (miniblock: number) => number;
  /** The width byte of miniblocks past the last one with values (any value is allowed). */
  unusedWidth?: number;
}

/** The reference encoder: DELTA_BINARY_PACKED of `values` as `bits`-bit integers. */
export function encode(values: readonly bigint[], bits: 32 | 64, layout: Layout): Uint8Array {
  const out: number[] = [];
  const uleb = (n: bigint) => {
    do {
      const low = Number(n & 0x7fn);
      n >>= 7n;
      out.push(n ? low | 0x80 : low);
    } while (n);
  };
  const zigzag = (n: bigint) => uleb(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  uleb(BigInt(layout.blockSize));
  uleb(BigInt(layout.miniblocks));
  uleb(BigInt(values.length));
  zigzag(values[0] ?? 0n);
  const deltas: bigint[] = [];
  for (let i = 1; i < values.length; i++) {
    const d = values[i]! - values[i - 1]!;
    deltas.push(layout.wideDeltas ? d : BigInt.asIntN(bits, d));
  }
  const perMiniblock = layout.blockSize / layout.miniblocks;
  for (let b = 0; b < deltas.length; b += layout.blockSize) {
    const block = deltas.slice(b, b + layout.blockSize);
    const min = block.reduce((m, d) => (d < m ? d : m));
    zigzag(min);
    const used = Math.ceil(block.length / perMiniblock);
    const widths: number[] = [];
    for (let m = 0; m < layout.miniblocks; m++) {
      if (m >= used) {
        widths.push(layout.unusedWidth ?? 0);
        continue;
      }
      const packed = block.slice(m * perMiniblock, (m + 1) * perMiniblock).map((d) => d - min);
      const narrowest = packed.reduce((w, p) => Math.max(w, p.toString(2).length - (p === 0n ? 1 : 0)), 0);
      widths.push(Math.min(64, narrowest + (layout.extraBits?.(m) ?? 0)));
    }
    out.push(...widths);
    for (let m = 0; m < used; m++) {
      const width = BigInt(widths[m]!);
      let acc = 0n;
      let held = 0n;
      for (let k = 0; k < perMiniblock; k++) {
        // Padding after the last value: zeros, up to the miniblock's full size.
        acc |= (block[m * perMiniblock + k] !== undefined ? block[m * perMiniblock + k]! - min : 0n) << held;
        held += width;
        for (; held >= 8n; held -= 8n, acc >>= 8n) out.push(Number(acc & 0xffn));
      }
    }
  }
  return Uint8Array.from(out);
}

/** Decodes `count` values of bytes[0, end) with the decoder under test, as BigInts, and where it says the data ends. */
export function decode(bytes: Uint8Array, count: number, bits: 32 | 64, end = bytes.length): { values: bigint[]; end: number } {
  const out = bits === 32 ? new Int32Array(count) : new BigInt64Array(count);
  const stop = readDeltaBinaryPacked(bytes, 0, end, out);
  return { values: Array.from(out as ArrayLike<number | bigint>, (v) => BigInt(v)), end: stop };
}

/** The values as `bits`-bit signed integers. */
export const asBits = (values: readonly bigint[], bits: 32 | 64) => values.map((v) => BigInt.asIntN(bits, v));

/** The header of DELTA_BINARY_PACKED data and the widths of its first block's miniblocks (read by hand). */
export function deltaHeader(page: Uint8Array): { count: number; widths: number[] } {
  let pos = 0;
  const uleb = () => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = page[pos++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  uleb();
  const miniblocks = Number(uleb());
  const count = Number(uleb());
  uleb();
  uleb();
  return { count, widths: Array.from(page.subarray(pos, pos + miniblocks)) };
}

export const firstBlockWidths = (page: Uint8Array) => deltaHeader(page).widths;
