/**
 * What a Parquet footer says about the layout of the file: the codec most of
 * its column chunks use, the rows of the row groups a reader yields, and
 * whether decoding it on threads pays off.
 */
import type { CompressionCodec } from 'hyparquet';
import type { ParquetLayout } from '../dataset/dataset.js';
import type { Footer } from './footer.js';

/** The layout of a file whose non-empty row groups are `groups`. */
export function layoutOf(footer: Footer, groups: readonly number[]): ParquetLayout {
  return {
    codec: commonCodec(footer),
    rowGroupRows: groups.map((g) => footer.index.rows(g)),
  };
}

/** The row groups with rows, and the rows of all. */
export function nonEmptyGroups({ index }: Footer): { groups: number[]; rows: number } {
  const groups: number[] = [];
  let rows = 0;
  for (let g = 0; g < index.rowGroupCount; g++) {
    rows += index.rows(g);
    if (index.rows(g) > 0) groups.push(g);
  }
  return { groups, rows };
}

/** The codec most column chunks use (the first of those in a tie; SNAPPY for a file without chunks). */
function commonCodec(footer: Footer): CompressionCodec {
  const counts = new Map<CompressionCodec, number>();
  const { index } = footer;
  for (let g = 0; g < index.rowGroupCount; g++) {
    for (let leaf = 0; leaf < index.leaves; leaf++) {
      const codec = index.codec(g, leaf);
      if (codec) counts.set(codec, (counts.get(codec) ?? 0) + 1);
    }
  }
  let best: CompressionCodec = 'SNAPPY';
  let most = 0;
  for (const [codec, count] of counts) if (count > most) (best = codec), (most = count);
  return best;
}

/**
 * Threads pay off for several row groups and megabytes of data; with row
 * groups over 16 MB, the groups in flight would cost more memory than the
 * threads save time.
 */
export function worthThreads(footer: Footer): boolean {
  const { index } = footer;
  let bytes = 0;
  let largest = 0;
  for (let g = 0; g < index.rowGroupCount; g++) {
    bytes += index.compressedBytes(g);
    largest = Math.max(largest, index.byteSize(g));
  }
  return index.rowGroupCount > 1 && bytes >= 8 << 20 && largest <= 16 << 20;
}
