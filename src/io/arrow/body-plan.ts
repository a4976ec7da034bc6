/**
 * Which bytes of a data message's body to read when only some of its
 * buffers are wanted (a projection of an Arrow IPC file to a few columns):
 * the wanted buffers' byte ranges, joined where they lie close together, and
 * where each lands in a partial body of its own. Each range keeps its
 * position modulo 8, so that a buffer is aligned in the partial body exactly
 * when it is in the file, and the buffers' checks and alignment rules
 * (body.ts, batch-check.ts) apply to the partial body as to the whole one.
 * Buffers not wanted get an empty region, even where their bytes are read
 * along with the others', so that nothing looks at them.
 */
import type { Region } from './body.js';

/**
 * Two ranges at most this many bytes apart are read as one, and a body whose
 * wanted ranges leave at most this many bytes out is read whole (so is any
 * body this small). One more read call costs about what reading 128 KiB
 * more does when the file is not in the page cache. Measured with
 * bench/arrow-columns.mjs (ext4 on a virtio disk, Node 20; three runs, each
 * figure a median of 15 to 41 trials): two reads of 4 or 64 KiB, g bytes
 * apart, against one read of both and the gap. From disk, one read is
 * faster up to g = 64-128 KiB and two are from 128-256 KiB on (64 KiB
 * reads 256 KiB apart: 0.58 ms as two, 0.77 ms as one; 1 MiB apart: 1.1 ms
 * against 2.4 ms). From the page cache one read is faster up to
 * g = 512 KiB, but by 10-30 µs only (two reads take 30-60 µs), so the
 * figure from disk decides.
 */
export const READ_GAP = 128 * 1024;

/** A range [from, to) of the body, read to `at` in the partial body. */
export interface BodyRead {
  readonly from: number;
  readonly to: number;
  readonly at: number;
}

/** The reads that fill a partial body, its size, and every buffer's region in it. */
export interface BodyPlan {
  readonly size: number;
  readonly reads: readonly BodyRead[];
  readonly buffers: readonly Region[];
}

const EMPTY: Region = { offset: 0, length: 0 };

/** The plan that reads the buffers `wanted` (indices into `buffers`, the regions of a body of `bodyLength` bytes). */
export function planBody(buffers: readonly Region[], wanted: readonly number[], bodyLength: number, gap = READ_GAP): BodyPlan {
  const chosen = [...new Set(wanted)].filter((i) => buffers[i]!.length > 0).sort((a, b) => buffers[a]!.offset - buffers[b]!.offset);
  const ranges: { from: number; to: number }[] = [];
  for (const i of chosen) {
    const { offset, length } = buffers[i]!;
    const last = ranges[ranges.length - 1];
    if (last && offset <= last.to + gap) last.to = Math.max(last.to, offset + length);
    else ranges.push({ from: offset, to: offset + length });
  }
  const covered = ranges.reduce((sum, r) => sum + r.to - r.from, 0);
  if (bodyLength - covered <= gap) ranges.splice(0, ranges.length, { from: 0, to: bodyLength });
  let size = 0;
  const reads = ranges.map(({ from, to }) => {
    const at = Math.ceil(size / 8) * 8 + (from % 8);
    size = at + to - from;
    return { from, to, at };
  });
  const regions = buffers.map(() => EMPTY);
  let k = 0;
  for (const i of chosen) {
    const { offset, length } = buffers[i]!;
    while (offset >= reads[k]!.to) k++;
    regions[i] = { offset: reads[k]!.at + offset - reads[k]!.from, length };
  }
  return { size, reads, buffers: regions };
}
