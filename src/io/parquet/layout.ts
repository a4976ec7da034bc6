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
    rowGroupRows: groups.map((g) => Number(footer.metadata.row_groups[g]!.num_rows)),
  };
}

/** The codec most column chunks use (the first of those in a tie; SNAPPY for a file without chunks). */
function commonCodec(footer: Footer): CompressionCodec {
  const counts = new Map<CompressionCodec, number>();
  for (const group of footer.metadata.row_groups) {
    for (const chunk of group.columns) counts.set(chunk.meta_data!.codec, (counts.get(chunk.meta_data!.codec) ?? 0) + 1);
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
  const groups = footer.metadata.row_groups;
  const bytes = groups.reduce((sum, group) => sum + Number(group.total_compressed_size ?? group.total_byte_size ?? 0), 0);
  const largest = Math.max(...groups.map((group) => Number(group.total_byte_size ?? 0)));
  return groups.length > 1 && bytes >= 8 << 20 && largest <= 16 << 20;
}
