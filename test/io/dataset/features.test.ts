import {
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int64,
  Int8,
  LargeList,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Uint16,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { checkColumnNames } from '../../../src/pipeline/options.js';
import { flagSpelling } from '../../../src/cli/spelling.js';
import { columnData, featureShape, makeFeature, outputSchema, replaceFeatures } from '../../../src/io/dataset/features.js';
import { defaultFeatureNames, resolveFeatures } from '../../../src/io/dataset/select-features.js';

function batchOf(columns: Record<string, Vector>): RecordBatch {
  const fields = Object.entries(columns).map(([name, v]) => new Field(name, v.type, true));
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length: Object.values(columns)[0]!.length, nullCount: 0, children: Object.values(columns).map((v) => v.data[0]!) });
  return new RecordBatch(schema, data);
}

describe('feature selection', () => {
  const batch = batchOf({
    id: vectorFromArray([1n, 2n], new Int64()) as Vector,
    name: vectorFromArray(['a', 'b'], new Utf8()) as Vector,
    x: vectorFromArray([1.5, 2.5], new Float64()) as Vector,
    l: vectorFromArray([[1, 2], [3]], new List(new Field('item', new Float32(), true))),
  });

  test('defaults to every numeric and list-of-numeric column, minus --exclude', () => {
    expect(defaultFeatureNames(batch.schema, [], 'in.arrow')).toEqual(['id', 'x', 'l']);
    expect(defaultFeatureNames(batch.schema, ['id'], 'in.arrow')).toEqual(['x', 'l']);
  });

  test('refuses unknown, non-numeric and ambiguous columns with the file and the columns it has', () => {
    expect(() => resolveFeatures(batch.schema, ['nope'], 'in.arrow')).toThrow('in.arrow has no column "nope"; its columns are: id, name, x, l');
    expect(() => resolveFeatures(batch.schema, ['name'], 'in.arrow')).toThrow(/column "name" of in.arrow has type Utf8: features must be integer, floating-point or decimal/);
    // The command line checks the names of -c and -x before the selection, naming the flag.
    expect(() => checkColumnNames(batch.schema, ['zz'], 'in.arrow', 'exclude', flagSpelling)).toThrow(/--exclude: in.arrow has no column "zz"/);
    const twice = new Schema([new Field('a', new Float64()), new Field('a', new Float64())]);
    expect(() => resolveFeatures(twice, ['a'], 'in.arrow')).toThrow(/2 columns named "a"/);
    const none = new Schema([new Field('s', new Utf8())]);
    expect(() => defaultFeatureNames(none, [], 'in.arrow')).toThrow('in.arrow has no numeric columns to normalize; its columns are: s');
  });

  test('outputs float64 for float64 input and float32 for the rest, unless --dtype says', () => {
    expect(resolveFeatures(batch.schema, ['id', 'x', 'l'], 'in').map((f) => f.dtype)).toEqual(['float32', 'float64', 'float32']);
    expect(resolveFeatures(batch.schema, ['x'], 'in', 'float32')[0]!.dtype).toBe('float32');
    expect(featureShape(new FixedSizeList(3, new Field('v', new Int8())))).toBe('fixed-list');
    expect(featureShape(new List(new Field('v', new Utf8())))).toBeNull();
  });
});

describe('columnData', () => {
  test('reads nulls, sliced bitmaps and int64 exactly into float64', () => {
    const v = vectorFromArray([1n, null, 3n, 2n ** 53n + 1n], new Int64());
    const sliced = v.data[0]!.slice(1, 3);
    const schema = new Schema([new Field('a', new Int64(), true)]);
    const col = columnData(sliced, makeFeature(schema, 0));
    expect(Array.from(col.values.subarray(1))).toEqual([3, 2 ** 53]);
    expect(Array.from(col.valid!)).toEqual([0, 1, 1]);
  });

  test('decodes float16 bits', () => {
    const data = makeData({ type: new Float16(), length: 2, data: Uint16Array.from([0x3c00, 0xc000]) });
    const schema = new Schema([new Field('h', new Float16())]);
    expect(Array.from(columnData(data, makeFeature(schema, 0)).values)).toEqual([1, -2]);
  });

  test('takes a list column\'s elements, masking elements of null rows', () => {
    const type = new List(new Field('item', new Float64(), true));
    const v = vectorFromArray([[1, 2], null, [3, null, 5]], type);
    const schema = new Schema([new Field('l', type, true)]);
    const col = columnData(v.data[0]!, makeFeature(schema, 0));
    expect(Array.from(col.values).filter((_, i) => col.valid![i])).toEqual([1, 2, 3, 5]);
    expect(Array.from(col.offsets!)).toEqual([0, 2, 2, 5]);
  });

  test('masks the slots of null rows in fixed-size lists', () => {
    const child = makeData({ type: new Float64(), length: 6, data: Float64Array.from([1, 2, 99, 99, 5, 6]) });
    const type = new FixedSizeList(2, new Field('v', new Float64()));
    const data = makeData({ type, length: 3, nullCount: 1, nullBitmap: Uint8Array.from([0b101]), child });
    const col = columnData(data, makeFeature(new Schema([new Field('f', type, true)]), 0));
    expect(col.listSize).toBe(2);
    expect(Array.from(col.valid!)).toEqual([1, 1, 0, 0, 1, 1]);
  });
});

describe('replaceFeatures', () => {
  test('replaces features in place and keeps other columns, nulls and list structure', () => {
    const listType = new LargeList(new Field('el', new Int8(), true));
    const batch = batchOf({
      s: vectorFromArray(['p', null, 'r'], new Utf8()) as Vector,
      x: vectorFromArray([1, null, 3], new Float64()) as Vector,
      u: vectorFromArray([1, 2, 3], new Uint16()) as Vector,
      l: vectorFromArray([[1], null, [2, 3]], listType),
    });
    const schema = batch.schema;
    const features = resolveFeatures(schema, ['x', 'u', 'l'], 'in');
    const out = outputSchema(schema, features);
    expect(out.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['s:Utf8', 'x:Float64', 'u:Float32', 'l:LargeList<Float32>']);
    const outputs = [Float64Array.from([10, 0, 30]), Float32Array.from([0.5, 1.5, 2.5]), Float32Array.from([7, 8, 9])];
    const result = replaceFeatures(batch, out, features, outputs);
    expect(result.getChild('s')!.toArray()).toEqual(['p', null, 'r']);
    expect(result.getChild('x')!.toArray()).toEqual(Float64Array.from([10, 0, 30]));
    expect(result.getChild('x')!.get(1)).toBeNull();
    expect(result.getChild('u')!.toArray()).toEqual(Float32Array.from([0.5, 1.5, 2.5]));
    expect(result.getChild('l')!.toJSON().map((r) => (r === null ? null : Array.from(r as ArrayLike<number>)))).toEqual([[7], null, [8, 9]]);
  });
});
