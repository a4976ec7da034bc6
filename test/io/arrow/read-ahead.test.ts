/**
 * An Arrow IPC file's record batches are read one ahead of the one in use:
 * each still comes once and in order, and a reader closed with the next
 * batch's read in flight leaves no unhandled rejection (which fails a run).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Float64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Field, Struct } from 'apache-arrow';
import { expect, test } from 'vitest';
import { openArrowFile } from '../../../src/io/arrow/read.js';
import { scratch } from '../../helpers/cli.js';

const dir = scratch();

/** An Arrow IPC file of `batches` record batches of one float64 column, batch b holding b, b, b (apache-arrow's writer). */
function writeFile(name: string, batches: number): string {
  const schema = new Schema([new Field('x', new Float64(), false)]);
  const writer = new RecordBatchFileWriter();
  writer.reset(undefined, schema);
  for (let b = 0; b < batches; b++) {
    const x = makeData({ type: new Float64(), data: Float64Array.of(b, b, b) });
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 3, nullCount: 0, children: [x] })));
  }
  writer.finish();
  const path = join(dir, name);
  writeFileSync(path, writer.toUint8Array(true));
  return path;
}

test('every batch comes once and in order, and closing mid-way with a read in flight raises nothing', async () => {
  const path = writeFile('ten.arrow', 10);
  const reader = await openArrowFile(path, 'ten.arrow');
  const seen: number[] = [];
  for await (const batch of reader.batches()) seen.push(batch.getChild('x')!.get(0) as number);
  expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for await (const _ of reader.batches()) {
    await reader.close(); // the second batch is being read now
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
});
