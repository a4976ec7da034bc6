import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dictionary, Field, Float64, Int32, makeData, Null, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { openArrowFile, openArrowStream } from '../../../src/io/arrow/read.js';
import { createArrowWriter } from '../../../src/io/arrow/write.js';
import type { ByteSink } from '../../../src/io/dataset/dataset.js';
import { memorySink } from '../../helpers/memory-sink.js';
import { compareToGolden, readGolden } from './golden.js';
import { describeSchema, independentRead, writeBatches } from './ipc-bytes.js';
import { INTEGRATION, once, READ_DATASETS, readAll, scratchDir } from './testdata.js';

const dir = scratchDir();

describe('round trip of the arrow-testing datasets', () => {
  test.each(READ_DATASETS.flatMap((d) => (['file', 'stream'] as const).map((k) => [d, k] as const)))('%s, written as a %s', async (dataset, kind) => {
    const reader = await openArrowFile(join(INTEGRATION, `${dataset}.arrow_file`), 'in.arrow');
    const schema = reader.schema;
    // The file variant writes batches rebuilt by apache-arrow, whose own schema may differ (duplicate names).
    const batches = (await readAll(reader)).map((b) => (kind === 'file' ? new RecordBatch(schema, b.data) : b));
    const bytes = await writeBatches(schema, batches, kind);
    const golden = readGolden(join(INTEGRATION, `${dataset}.json.gz`));

    const independent = independentRead(bytes);
    expect(describeSchema(independent.schema)).toBe(describeSchema(schema));
    expect(compareToGolden(independent.batches, golden)).toEqual([]);

    const path = join(dir, `${dataset.replace('/', '-')}.${kind}`);
    writeFileSync(path, bytes);
    const again = kind === 'file' ? await openArrowFile(path, 'out') : await openArrowStream(once(bytes), 'out');
    expect(describeSchema(again.schema)).toBe(describeSchema(schema));
    expect(compareToGolden(await readAll(again), golden)).toEqual([]);
  });
});

describe('arrow writer', () => {
  const schema = new Schema([new Field('x', new Float64(), true), new Field('n', new Int32(), false)]);
  const batch = new RecordBatch(schema, makeData({
    type: new Struct(schema.fields),
    length: 2,
    children: [vectorFromArray([1.5, null], new Float64()).data[0]!, vectorFromArray([7, 8], new Int32()).data[0]!],
  }));

  test.each(['file', 'stream'] as const)('writes a complete %s without any batch', async (kind) => {
    const bytes = await writeBatches(schema, [], kind);
    expect(describeSchema(independentRead(bytes).schema)).toBe(describeSchema(schema));
    const path = join(dir, `empty.${kind}`);
    writeFileSync(path, bytes);
    const reader = kind === 'file' ? await openArrowFile(path, 'e') : await openArrowStream(once(bytes), 'e');
    expect(reader.numRows).toBe(kind === 'file' ? 0 : undefined);
    expect(await readAll(reader)).toEqual([]);
  });

  test('a file repeats the schema after the magic, as the format says', async () => {
    const bytes = await writeBatches(schema, [batch], 'file');
    expect(Buffer.from(bytes.subarray(0, 6)).toString()).toBe('ARROW1');
    const embedded = await openArrowStream(once(bytes.subarray(8)), 'embedded');
    expect(describeSchema(embedded.schema)).toBe(describeSchema(schema));
    expect((await readAll(embedded)).map((b) => b.toArray().map((r) => r.toJSON()))).toEqual([[{ x: 1.5, n: 7 }, { x: null, n: 8 }]]);
  });

  test.each(['file', 'stream'] as const)('a sliced Null column is written with its null count (%s)', async (kind) => {
    // apache-arrow's slice leaves a Null column's null count unknown (-1), which its writer would write as it is.
    const nulls = new Schema([new Field('none', new Null(), true), new Field('n', new Int32(), false)]);
    const whole = new RecordBatch(nulls, makeData({
      type: new Struct(nulls.fields),
      length: 6,
      children: [makeData({ type: new Null(), length: 6 }), vectorFromArray([1, 2, 3, 4, 5, 6], new Int32()).data[0]!],
    }));
    const bytes = await writeBatches(nulls, [whole.slice(0, 4), whole.slice(4, 6)], kind);
    const read = independentRead(bytes);
    expect(read.batches.map((b) => [b.numRows, b.getChild('none')!.nullCount, b.getChild('n')!.toArray().join()])).toEqual([[4, 4, '1,2,3,4'], [2, 2, '5,6']]);
  });

  test('write() waits until the sink has taken the bytes', async () => {
    const pending: (() => void)[] = [];
    let written = 0;
    const sink: ByteSink = {
      write: (bytes) => {
        written += bytes.length;
        return new Promise((resolve) => pending.push(resolve));
      },
      end: async () => undefined,
    };
    const writer = createArrowWriter(sink, schema, 'stream');
    let done = false;
    const writing = writer.write(batch).then(() => (done = true));
    let waits = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (done) break;
      // Not done: a sink write is pending, and the batch's bytes were handed over.
      expect(pending).toHaveLength(1);
      expect(written).toBeGreaterThan(0);
      waits++;
      pending.shift()!();
    }
    await writing;
    expect(waits).toBeGreaterThan(0);
  });

  test('finish() ends the sink once, and the writer takes no more batches', async () => {
    let ends = 0;
    const sink: ByteSink = { write: async () => undefined, end: async () => void ends++ };
    const writer = createArrowWriter(sink, schema, 'stream');
    await writer.finish();
    await writer.finish();
    expect(ends).toBe(1);
    await expect(writer.write(batch)).rejects.toThrow('write after finish');
  });

  test('refuses a batch whose columns do not match the schema', async () => {
    const other = new Schema([new Field('x', new Int32(), true), new Field('n', new Int32(), false)]);
    const writer = createArrowWriter(memorySink(), other, 'stream');
    await expect(writer.write(batch)).rejects.toThrow('the batch does not match the schema');
  });
});

describe('slices', () => {
  test('a slice of a batch is written as just its rows', async () => {
    const type = new Dictionary(new Utf8(), new Int32());
    const columns = {
      f: vectorFromArray([1.5, null, 3.5, 4.5, null], new Float64()),
      s: vectorFromArray(['a', 'bb', null, 'dddd', 'e'], new Utf8()),
      d: vectorFromArray(['x', 'y', 'x', null, 'y'], type),
    };
    const schema = new Schema(Object.entries(columns).map(([name, v]) => new Field(name, v.type, true)));
    const whole = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 5, children: Object.values(columns).map((v) => v.data[0]!) }));
    const rows = (batches: RecordBatch[]) => batches.flatMap((b) => b.toArray().map((r) => r.toJSON()));
    for (const kind of ['file', 'stream'] as const) {
      const { batches } = independentRead(await writeBatches(schema, [whole.slice(1, 4), whole.slice(4, 5)], kind));
      expect(batches.map((b) => b.numRows)).toEqual([3, 1]);
      expect(rows(batches)).toEqual(rows([whole]).slice(1));
    }
  });
});
