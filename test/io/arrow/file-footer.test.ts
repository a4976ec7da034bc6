/**
 * Arrow IPC files as bn1d frames them around apache-arrow's stream writer:
 * the footer's blocks are the places of the messages, the footer's schema is
 * the schema message's, and other readers find every batch through it.
 */
import {
  Dictionary, Field, Float32, Float64, Int32, makeData, RecordBatch, RecordBatchFileReader, RecordBatchStreamReader, Schema, Struct, Utf8, vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { FbTable } from '../../../src/io/arrow/flatbuffer.js';
import { MessageType } from '../../../src/io/arrow/message.js';
import { polarsRead, polarsValues } from '../../helpers/polars.js';
import { describeSchema, messages, writeBatches } from './ipc-bytes.js';

/** The blocks of a file's footer ([offset, metadata length, body length] each) and its version. */
function footerOf(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(Buffer.from(bytes.subarray(bytes.length - 6)).toString()).toBe('ARROW1');
  const length = view.getInt32(bytes.length - 10, true);
  const start = bytes.length - 10 - length;
  expect(start % 8).toBe(0);
  // The end-of-stream marker comes right before the footer.
  expect([view.getInt32(start - 8, true), view.getInt32(start - 4, true)]).toEqual([-1, 0]);
  const footer = FbTable.root(bytes.subarray(start, start + length));
  const blocks = (field: number) => {
    const { at, count } = footer.structs(field, 24);
    return Array.from({ length: count }, (_, i) => [Number(footer.int64At(at + 24 * i)), footer.int32At(at + 24 * i + 8), Number(footer.int64At(at + 24 * i + 16))]);
  };
  return { version: footer.int16(0), schema: footer.table(1)!, dictionaries: blocks(2), batches: blocks(3) };
}

/** The blocks of the messages of a file's stream, found by walking it from the magic on. */
function walked(bytes: Uint8Array, type: number) {
  return messages(bytes)
    .filter((m) => m.meta.type === type)
    .map((m) => [m.metadataAt - 8, m.bodyAt - (m.metadataAt - 8), m.meta.bodyLength]);
}

const type = new Dictionary(new Utf8(), new Int32(), 0);
const schema = new Schema([new Field('x', new Float64(), true), new Field('d', type, true), new Field('f', new Float32(), false)]);

/** A batch of rows x = i / 2 (every fifth null), d from `dictionary`, f = -i - 0.25. */
function batchOf(from: number, rows: number, dictionary: Vector<Utf8>): RecordBatch {
  const index = Array.from({ length: rows }, (_, i) => from + i);
  const children = [
    vectorFromArray(index.map((i) => (i % 5 === 0 ? null : i / 2)), new Float64()).data[0]!,
    makeData({ type, length: rows, nullCount: 0, data: Int32Array.from(index, (i) => i % dictionary.length), dictionary }),
    makeData({ type: new Float32(), length: rows, nullCount: 0, data: Float32Array.from(index, (i) => -i - 0.25) }),
  ];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, children }));
}

const first = vectorFromArray(['red', 'green'], new Utf8());
const grown = first.concat(vectorFromArray(['a rather longer value'], new Utf8()));
const batches = [batchOf(0, 7, first), batchOf(7, 1, first), batchOf(8, 0, first), batchOf(8, 12, grown)];
const rowsOf = (list: readonly RecordBatch[]) => list.flatMap((b) => b.toArray().map((r) => r.toJSON()));

describe('the footer of an Arrow IPC file', () => {
  test('its blocks are the dictionary and record batch messages of the file, in order', async () => {
    const bytes = await writeBatches(schema, batches, 'file');
    const footer = footerOf(bytes);
    expect(footer.batches).toEqual(walked(bytes, MessageType.RecordBatch));
    expect(footer.dictionaries).toEqual(walked(bytes, MessageType.DictionaryBatch));
    expect([footer.batches.length, footer.dictionaries.length]).toEqual([4, 2]);
    for (const [offset, metadataLength] of [...footer.batches, ...footer.dictionaries]) expect([offset! % 8, metadataLength! % 8]).toEqual([0, 0]);
    expect(footer.version).toBe(4); // V5
  });

  test("its schema is the schema message's, after the magic", async () => {
    const bytes = await writeBatches(schema, batches, 'file');
    const [head] = messages(bytes);
    expect(head!.meta.type).toBe(MessageType.Schema);
    expect(head!.metadataAt).toBe(16);
    const inFooter = footerOf(bytes).schema;
    const names = (s: FbTable) => s.tables(1).map((f) => [f.string(0), f.uint8(2), f.table(4)?.int64(0)]);
    expect(names(inFooter)).toEqual(names(head!.meta.schema!));
    expect(names(inFooter)).toEqual([['x', 3, undefined], ['d', 5, 0n], ['f', 3, undefined]]);
  });

  test("apache-arrow's file reader finds each batch through the footer, in any order", async () => {
    const bytes = await writeBatches(schema, batches, 'file');
    const reader = RecordBatchFileReader.from(bytes);
    reader.open();
    expect(describeSchema(reader.schema)).toBe(describeSchema(schema));
    expect([reader.numRecordBatches, reader.numDictionaries]).toEqual([4, 2]);
    // The last batch first: its dictionary (with the delta) comes from the footer's dictionary blocks.
    for (const i of [3, 0, 2, 1]) expect(rowsOf([reader.readRecordBatch(i) as RecordBatch])).toEqual(rowsOf([batches[i]!]));
  });

  test('Polars reads every row of the file, and of the stream', async () => {
    // Polars refuses delta dictionaries ("delta dictionary batches not supported"): one dictionary throughout.
    const one = vectorFromArray(['red', 'green', 'a rather longer value'], new Utf8());
    const same = [batchOf(0, 7, one), batchOf(7, 1, one), batchOf(8, 0, one), batchOf(8, 12, one)];
    for (const kind of ['file', 'stream'] as const) {
      const frame = polarsRead(await writeBatches(schema, same, kind));
      expect(frame.height).toBe(20);
      const expected = rowsOf(same);
      for (const name of ['x', 'd', 'f']) expect(polarsValues(frame, name), `${kind} ${name}`).toEqual(expected.map((r) => r[name]));
    }
  });

  test.each(['file', 'stream'] as const)('a %s without batches: the schema, and no rows, for every reader', async (kind) => {
    const bytes = await writeBatches(schema, [], kind);
    const reader = kind === 'file' ? RecordBatchFileReader.from(bytes) : RecordBatchStreamReader.from(bytes);
    reader.open();
    expect(describeSchema(reader.schema)).toBe(describeSchema(schema));
    if (kind === 'file') {
      expect(footerOf(bytes)).toMatchObject({ dictionaries: [], batches: [] });
      expect(reader.numRecordBatches).toBe(0);
    }
    const frame = polarsRead(bytes);
    expect([frame.height, frame.columns]).toEqual([0, ['x', 'd', 'f']]);
  });
});

describe('the bytes of each batch', () => {
  test.each(['file', 'stream'] as const)('two columns of one buffer are written twice (%s)', async (kind) => {
    // apache-arrow's toUint8Array(true) joins views of the same memory into one: the second copy would be lost.
    const shared = makeData({ type: new Float32(), length: 4, nullCount: 0, data: Float32Array.of(1, 2, 3, 4) });
    const twice = new Schema([new Field('a', new Float32(), false), new Field('b', new Float32(), false)]);
    const batch = new RecordBatch(twice, makeData({ type: new Struct(twice.fields), length: 4, children: [shared, shared] }));
    const frame = polarsRead(await writeBatches(twice, [batch], kind));
    expect([polarsValues(frame, 'a'), polarsValues(frame, 'b')]).toEqual([[1, 2, 3, 4], [1, 2, 3, 4]]);
  });
});
