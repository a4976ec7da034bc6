/** What the library reads: paths, a Table, an array of record batches, or an iterator of them, each as sources that open to readers. */
import { type RecordBatch, tableFromArrays } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DataError, UsageError } from '../../src/core/errors.js';
import { resolveSources } from '../../src/pipeline/sources.js';

const table = tableFromArrays({ x: Float64Array.from([1, 2, 3, 4, 5]), y: Int32Array.from([5, 4, 3, 2, 1]) });
const batches = [table.batches[0]!.slice(0, 2), table.batches[0]!.slice(2)];

async function rows(read: AsyncIterable<RecordBatch>): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of read) out.push(...(batch.getChild('x')!.toArray() as Float64Array));
  return out;
}

async function* once(list: readonly RecordBatch[]): AsyncGenerator<RecordBatch> {
  yield* list;
}

describe('sources', () => {
  test('a Table and an array are read as often as asked, with random access by batch', async () => {
    for (const input of [table, batches]) {
      const { sources, names } = await resolveSources(input);
      expect(names).toEqual([input === table ? 'table' : 'record batches']);
      const reader = await sources[0]!.open(true);
      expect(reader.numRows).toBe(5);
      expect(await rows(reader.batches())).toEqual([1, 2, 3, 4, 5]);
      expect(await rows(reader.batches(['x']))).toEqual([1, 2, 3, 4, 5]);
      const projected = await reader.readChunk!(reader.chunkCount! - 1, ['y']);
      expect(projected.schema.fields.map((f) => f.name)).toEqual(['y']);
    }
  });

  test('an iterator is read once; opening or reading it again is a usage error, not a silent empty pass', async () => {
    const { sources } = await resolveSources(once(batches));
    const reader = await sources[0]!.open(false);
    expect(reader.schema.fields.map((f) => f.name)).toEqual(['x', 'y']);
    expect(await rows(reader.batches())).toEqual([1, 2, 3, 4, 5]);
    await expect(rows(reader.batches())).rejects.toThrow(UsageError);
    await expect(sources[0]!.open(false)).rejects.toThrow(/can be read once/);
  });

  test('batches with other columns than the first are refused, naming the batch', async () => {
    const other = tableFromArrays({ x: Float64Array.from([1]) }).batches[0]!;
    const { sources } = await resolveSources(once([batches[0]!, other]));
    const reader = await sources[0]!.open(false);
    await expect(rows(reader.batches())).rejects.toThrow(DataError);
    await expect(resolveSources([batches[0]!, other]).then((s) => s.sources[0]!.open(false))).rejects.toThrow(/record batch 2 has other columns than the first/);
  });

  test('mixing a Table with paths, no inputs, or stdin twice are usage errors', async () => {
    await expect(resolveSources([])).rejects.toThrow(/no inputs/);
    await expect(resolveSources(['-', '-'])).rejects.toThrow(/stdin \('-'\) can be given only once/);
    await expect(resolveSources(42 as never)).rejects.toThrow(/cannot read number/);
  });
});
