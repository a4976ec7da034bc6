/** Several files read as one table: in order, each checked against the first, every one closed. */
import { type RecordBatch, Table, tableFromArrays, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import type { DatasetReader } from '../../../src/io/dataset/dataset.js';
import { FileSequence } from '../../../src/io/dataset/file-sequence.js';

/** Readers of in-memory tables, by path, recording which are open. */
function files(tables: Record<string, () => Table>, known = true) {
  const open = new Set<string>();
  const reader = async (path: string): Promise<DatasetReader> => {
    const table = tables[path]!();
    open.add(path);
    return {
      name: path,
      format: 'arrow',
      schema: table.schema,
      numRows: known ? table.numRows : undefined,
      async *batches(): AsyncGenerator<RecordBatch> {
        yield* table.batches;
      },
      async close() {
        open.delete(path);
      },
    };
  };
  return { open, reader };
}

const ints = (...x: number[]) => () => tableFromArrays({ x: Int32Array.from(x) });
const strings = (...x: string[]) => () => new Table({ x: vectorFromArray(x, new Utf8()) });

async function rows(sequence: FileSequence): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of sequence.batches()) out.push(...(batch.getChild('x')!.toArray() as Int32Array));
  return out;
}

describe('FileSequence', () => {
  test('reads the files in order as one table, and names the file of a row', async () => {
    const { open, reader } = files({ 'a.arrow': ints(1, 2), 'b.arrow': ints(3), 'c.arrow': ints(4, 5, 6) });
    const sequence = await FileSequence.open(['a.arrow', 'b.arrow', 'c.arrow'], 'data/', reader);
    expect([sequence.name, sequence.numRows, String(sequence.schema.fields[0]!.type)]).toEqual(['data/', 6, 'Int32']);
    expect([...open]).toEqual(['a.arrow']);
    expect(await rows(sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([sequence.describeRow(0), sequence.describeRow(2), sequence.describeRow(5)]).toEqual(['row 0 of a.arrow', 'row 0 of b.arrow', 'row 2 of c.arrow']);
    await sequence.close();
    expect(open.size).toBe(0);
  });

  test('does not know its rows when a file does not', async () => {
    const sequence = await FileSequence.open(['a', 'b'], 'd', files({ a: ints(1), b: ints(2) }, false).reader);
    expect(sequence.numRows).toBeUndefined();
    await sequence.close();
  });

  test('refuses a file that differs from the first when it opens, closing every file', async () => {
    const { open, reader } = files({ a: ints(1), b: ints(2), c: strings('x') });
    await expect(FileSequence.open(['a', 'b', 'c'], 'data/', reader)).rejects.toThrow(
      'column "x" is Utf8 in c but Int32 in a: the files of data/ are read as one table, so each needs the columns and types of the first',
    );
    expect(open.size).toBe(0);
  });

  test('refuses a file that changed since it was checked, when it is read', async () => {
    let opened = 0;
    const { open, reader } = files({ a: ints(1), b: () => (opened++ === 0 ? ints(2)() : strings('y')()) });
    const sequence = await FileSequence.open(['a', 'b'], 'data/', reader);
    await expect(rows(sequence)).rejects.toThrow('column "x" is Utf8 in b but Int32 in a');
    await sequence.close();
    expect(open.size).toBe(0);
  });
});
