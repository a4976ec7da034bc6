/** A Parquet file that repeats a column name: each column is decoded from its own column chunk, by position. */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { openParquet } from '../../../src/io/parquet/read.js';
import { scratch } from '../../helpers/cli.js';
import { writeRepeatedNameParquet } from '../../helpers/duckdb.js';

test('both columns named qa keep their own type and values, read in full and by row group', async () => {
  const path = join(scratch(), 'repeated.parquet');
  await writeRepeatedNameParquet(path);
  const reader = await openParquet(path, 'repeated.parquet');
  try {
    expect(reader.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['x:Float64', 'qa:Int32', 'qa:Utf8']);
    const check = (children: { type: unknown; values: unknown }[], get: (c: number, row: number) => unknown) => {
      expect(children.map((c) => String(c.type))).toEqual(['Float64', 'Int32', 'Utf8']);
      expect([get(1, 3), get(2, 3)]).toEqual([30, 'row 3']);
    };
    for await (const batch of reader.batches()) check(batch.data.children, (c, row) => batch.getChildAt(c)!.get(row));
    const chunk = await reader.readChunk(0);
    check(chunk.data.children, (c, row) => chunk.getChildAt(c)!.get(row));
  } finally {
    await reader.close();
  }
});
