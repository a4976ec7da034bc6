/** The Arrow writer checks every message it produces: a batch whose buffers do not hold together fails before any byte is written. */
import { Field, Float64, List, makeData, RecordBatch, Schema, Struct, Utf8View, vectorFromArray } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { createArrowWriter } from '../../../src/io/arrow/write.js';
import { memorySink } from '../../helpers/memory-sink.js';

/** A batch of one column holding `data`. */
function batchOf(name: string, data: ReturnType<typeof makeData>): RecordBatch {
  const schema = new Schema([new Field(name, data.type, true)]);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: data.length, children: [data] }));
}

/** A view of `size` bytes at `offset` in data buffer 0, after a valid inline one. */
function views(size: number, offset: number): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  view.setInt32(0, 2, true);
  out.set([104, 105], 4);
  view.setInt32(16, size, true);
  out.set([120, 120, 120, 120], 20);
  view.setInt32(28, offset, true);
  return out;
}

describe('the Arrow writer check', () => {
  test.each([
    // The buffer holds fewer bytes than the view says: compaction leaves it for the check.
    ['a view past the end of its data buffer', views(40, 0), 'column "s": view 1 points outside its data buffers'],
    ['a view that starts outside its data buffer', views(20, 100), 'column "s": view 1 points outside its data buffers'],
  ])('refuses %s before writing anything', async (_, viewBytes, reason) => {
    const data = makeData({ type: new Utf8View(), length: 2, views: viewBytes, variadicBuffers: [new Uint8Array(30).fill(120)] });
    for (const kind of ['file', 'stream'] as const) {
      const sink = memorySink();
      const writer = createArrowWriter(sink, batchOf('s', data).schema, kind);
      const failure = writer.write(batchOf('s', data));
      await expect(failure).rejects.toThrow(DataError);
      await expect(failure).rejects.toThrow(`internal error: the Arrow writer produced an invalid batch: ${reason} (please report it)`);
      expect(sink.bytes().length).toBe(0);
    }
  });

  test('refuses list offsets past the end of the values', async () => {
    const item = vectorFromArray([1.5, 2.5, 3.5], new Float64()).data[0]!;
    const type = new List(new Field('item', new Float64(), true));
    const list = makeData({ type, length: 2, nullCount: 0, valueOffsets: Int32Array.from([0, 2, 9]), child: item });
    const sink = memorySink();
    const writer = createArrowWriter(sink, batchOf('l', list).schema, 'stream');
    await expect(writer.write(batchOf('l', list))).rejects.toThrow(/^internal error: the Arrow writer produced an invalid batch: column "l\.item": data buffer of \d+ bytes, 72 needed/);
    expect(sink.bytes().length).toBe(0);
  });
});
