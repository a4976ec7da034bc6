/** When the files of one input can be written as one table, and the first difference when they cannot. */
import { Field, Float64, Int32, List, Schema, Struct, Utf8 } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { schemaDifference } from '../../../src/io/dataset/schema-difference.js';

const field = (name: string, type: Field['type'], nullable = true) => new Field(name, type, nullable);
const schema = (...fields: Field[]) => new Schema(fields);
const first = schema(field('x', new Float64()), field('tags', new List(field('item', new Utf8()))), field('id', new Int32(), false));
const differs = (other: Schema) => schemaDifference(first, 'a.parquet', other, 'b.parquet');

describe('schemaDifference', () => {
  test('is undefined for the same schema, and for one that holds nulls in fewer places', () => {
    expect(differs(first)).toBeUndefined();
    expect(differs(schema(field('x', new Float64(), false), field('tags', new List(field('item', new Utf8(), false)), false), field('id', new Int32(), false)))).toBeUndefined();
  });

  test.each([
    [schema(field('x', new Float64()), field('tags', new List(field('item', new Utf8())))), 'b.parquet has no column "id" (column 3 of a.parquet)'],
    [schema(...first.fields, field('extra', new Utf8())), 'b.parquet has a column "extra" that a.parquet has not'],
    [schema(first.fields[1]!, first.fields[0]!, first.fields[2]!), 'column 1 is "tags" in b.parquet but "x" in a.parquet'],
    [schema(field('x', new Int32()), first.fields[1]!, first.fields[2]!), 'column "x" is Int32 in b.parquet but Float64 in a.parquet'],
    [schema(first.fields[0]!, field('tags', new List(field('element', new Utf8()))), first.fields[2]!), 'column "tags" is List<Utf8> with other nested fields in b.parquet but List<Utf8> in a.parquet'],
    [schema(first.fields[0]!, field('tags', new Struct([field('item', new Utf8())])), first.fields[2]!), 'column "tags" is Struct<{item:Utf8}> in b.parquet but List<Utf8> in a.parquet'],
    [schema(first.fields[0]!, first.fields[1]!, field('id', new Int32())), 'column "id" may hold nulls in b.parquet but not in a.parquet'],
  ])('names the first difference: %#', (other, message) => {
    expect(differs(other)).toBe(message);
  });

  test('nulls nested where the first file has none are a difference too', () => {
    const strict = schema(field('tags', new List(field('item', new Utf8(), false))));
    expect(schemaDifference(strict, 'a', schema(field('tags', new List(field('item', new Utf8())))), 'b')).toBe('column "tags" may hold nulls in b but not in a');
  });
});
