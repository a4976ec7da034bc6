import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dictionary, Field, Int32, makeData, RecordBatch, RecordBatchStreamWriter, Schema, Struct, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { openArrowFile, openArrowStream } from '../../../src/io/arrow/read.js';
import { createArrowWriter } from '../../../src/io/arrow/write.js';
import { memorySink } from '../../helpers/memory-sink.js';
import { independentRead, messagesOf, writeBatches } from './ipc-bytes.js';
import { once, readAll, scratchDir } from './testdata.js';

const dir = scratchDir();

describe('dictionaries', () => {
  const type = new Dictionary(new Utf8(), new Int32(), 3);
  const schema = new Schema([new Field('d', type, true)]);
  const batchOf = (indices: number[], dictionary: Vector<Utf8>) =>
    new RecordBatch(schema, makeData({
      type: new Struct(schema.fields),
      length: indices.length,
      children: [makeData({ type, length: indices.length, nullCount: 0, data: Int32Array.from(indices), dictionary })],
    }));
  const first = vectorFromArray(['a', 'b'], new Utf8());
  const values = (batches: RecordBatch[]) => batches.map((b) => [...b.getChild('d')!]);

  /** How many dictionary messages a stream holds, and how many of them are deltas. */
  const dictionaryMessages = (bytes: Uint8Array) => {
    const dictionaries = messagesOf(bytes).filter((m) => m.dictionary);
    return [dictionaries.length, dictionaries.filter((m) => m.dictionary!.isDelta).length];
  };

  test('reads dictionary deltas and writes them back as deltas', async () => {
    const grown = first.concat(vectorFromArray(['c'], new Utf8()));
    const input = RecordBatchStreamWriter.writeAll([batchOf([0, 1, 0], first), batchOf([2, 1], grown)]).toUint8Array(true);
    expect(dictionaryMessages(input)).toEqual([2, 1]);
    const reader = await openArrowStream(once(input), 'deltas');
    const batches = await readAll(reader);
    expect(values(batches)).toEqual([['a', 'b', 'a'], ['c', 'b']]);
    const stream = await writeBatches(reader.schema, batches, 'stream');
    expect(dictionaryMessages(stream)).toEqual([2, 1]);
    expect(values(independentRead(stream).batches)).toEqual([['a', 'b', 'a'], ['c', 'b']]);
    const file = await writeBatches(reader.schema, batches, 'file');
    expect(values(independentRead(file).batches)).toEqual([['a', 'b', 'a'], ['c', 'b']]);
    const path = join(dir, 'deltas.arrow');
    writeFileSync(path, file);
    expect(values(await readAll(await openArrowFile(path, 'deltas.arrow')))).toEqual([['a', 'b', 'a'], ['c', 'b']]);
  });

  test('reads a replaced dictionary; only a stream can hold it again', async () => {
    const input = RecordBatchStreamWriter.writeAll([batchOf([0, 1, 0], first), batchOf([1, 0], vectorFromArray(['x', 'y'], new Utf8()))]).toUint8Array(true);
    expect(dictionaryMessages(input)).toEqual([2, 0]);
    const reader = await openArrowStream(once(input), 'replaced');
    const batches = await readAll(reader);
    expect(values(batches)).toEqual([['a', 'b', 'a'], ['y', 'x']]);
    expect(values(independentRead(await writeBatches(reader.schema, batches, 'stream')).batches)).toEqual([['a', 'b', 'a'], ['y', 'x']]);
    const writer = createArrowWriter(memorySink(), reader.schema, 'file');
    await writer.write(batches[0]!);
    const error = await writer.write(batches[1]!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/^an Arrow IPC file cannot hold a dictionary that is replaced between batches/);
  });
});
