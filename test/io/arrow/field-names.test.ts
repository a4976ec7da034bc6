/** Names apache-arrow's encoder is given stand-ins for (empty, repeated at the top level), and put back in the written schema. */
import {
  Dictionary, Field, Float64, Int32, List, makeData, Message, RecordBatch, RecordBatchReader, Schema, Struct, Utf8, vectorFromArray,
} from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { encodeSchemaMessage, encoderSchema, restoreNames } from '../../../src/io/arrow/field-names.js';
import { writeBatches } from './ipc-bytes.js';

const inner = new Struct([new Field('', new Int32(), true), new Field('x', new Int32(), true)]);
const list = new List(new Field('', new Int32(), true));
const dictionary = new Dictionary(new Utf8(), new Int32(), 5);
const schema = new Schema([
  new Field('a', new Float64(), true),
  new Field('', new Int32(), true),
  new Field('a', new Int32(), true),
  new Field('', new Float64(), true),
  new Field('a\u00000', new Int32(), true), // what a stand-in of the second "a" would look like
  new Field('s', inner, true),
  new Field('l', list, true),
  new Field('d', dictionary, true),
]);

const int32 = (values: number[]) => vectorFromArray(values, new Int32()).data[0]!;
const float64 = (values: number[]) => vectorFromArray(values, new Float64()).data[0]!;
const batch = new RecordBatch(schema, makeData({
  type: new Struct(schema.fields),
  length: 2,
  children: [
    float64([1.5, 2.5]),
    int32([1, 2]),
    int32([3, 4]),
    float64([5.5, 6.5]),
    int32([7, 8]),
    makeData({ type: inner, length: 2, nullCount: 0, children: [int32([9, 10]), int32([11, 12])] }),
    makeData({ type: list, length: 2, nullCount: 0, valueOffsets: Int32Array.of(0, 1, 3), child: int32([13, 14, 15]) }),
    makeData({ type: dictionary, length: 2, nullCount: 0, data: Int32Array.of(1, 0), dictionary: vectorFromArray(['p', 'q'], new Utf8()) }),
  ],
}));

/** Every field's name, nested ones after their parent's, exactly as read (null for none). */
const names = (s: Schema): unknown[] => s.fields.map((f) => [f.name, ...(f.type.children ?? []).map((c: Field) => c.name)]);

describe('names the encoder cannot take', () => {
  test('the encoder gets only strings, unique at the top level, each starting with its name', () => {
    const encoded = encoderSchema(schema);
    const top = encoded.fields.map((f) => f.name);
    expect(top.every((name) => typeof name === 'string' && name !== '')).toBe(true);
    expect(new Set(top).size).toBe(top.length);
    top.forEach((name, i) => expect(name.startsWith(schema.fields[i]!.name)).toBe(true));
    expect(top.slice(0, 2)).toEqual(['a', '\u00000']);
    expect((encoded.fields[5]!.type.children[0] as Field).name).not.toBe('');
    expect(encoderSchema(new Schema([new Field('a', new Int32())]))).toBeInstanceOf(Schema);
    const plain = new Schema([new Field('a', new Int32()), new Field('b', new Int32())]);
    expect(encoderSchema(plain)).toBe(plain);
  });

  test.each(['file', 'stream'] as const)('a %s holds every name as it was, and each column its own values', async (kind) => {
    const bytes = await writeBatches(schema, [batch], kind);
    const reader = RecordBatchReader.from(bytes).open() as RecordBatchReader & IterableIterator<RecordBatch>;
    expect(reader.isFile()).toBe(kind === 'file');
    // The reader's schema (its batches' own are merged by name, as apache-arrow builds them), taken before it ends.
    const read = reader.schema;
    const [first] = [...reader] as RecordBatch[];
    expect(names(read)).toEqual([['a'], [''], ['a'], [''], ['a\u00000'], ['s', '', 'x'], ['l', ''], ['d']]);
    expect(read.fields.map((f) => String(f.type))).toEqual(schema.fields.map((f) => String(f.type)));
    const columns = schema.fields.map((_, i) => JSON.parse(JSON.stringify(first!.getChildAt(i)!.toJSON())));
    expect(columns).toEqual([[1.5, 2.5], [1, 2], [3, 4], [5.5, 6.5], [7, 8], [{ '': 9, x: 11 }, { '': 10, x: 12 }], [[13], [14, 15]], ['q', 'p']]);
  });

  test('a schema message on its own (as ARROW:schema holds one) has every name', () => {
    const decoded = Message.decode(encodeSchemaMessage(schema)).header() as Schema;
    expect(names(decoded)).toEqual([['a'], [''], ['a'], [''], ['a\u00000'], ['s', '', 'x'], ['l', ''], ['d']]);
    expect(decoded.fields.map((f) => String(f.type))).toEqual(schema.fields.map((f) => String(f.type)));
  });

  test('a name the message holds that is no stand-in of the field is refused', () => {
    const other = new Schema([new Field('b', new Int32(), true), new Field('b', new Int32(), true)]);
    const message = Message.encode(Message.from(encoderSchema(other)));
    expect(() => restoreNames(message, new Schema([new Field('c', new Int32(), true), new Field('b', new Int32(), true)]))).toThrow(
      'field "c" has another name in the schema message',
    );
    expect(() => restoreNames(message, new Schema([new Field('b', new Int32(), true)]))).toThrow('does not have the fields of the schema');
  });
});
