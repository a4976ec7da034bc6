/**
 * Fields with an empty name, which Parquet allows and DuckDB writes (a
 * UNION becomes a struct whose tag field is named ""). apache-arrow's IPC
 * encoder leaves out the name of a field whose name is falsy, and readers
 * such as Polars refuse a field without a name ("every field in IPC must have
 * a name"). A String object holding "" is truthy and encodes as the empty
 * name, so the schema handed to the encoder carries such objects; the
 * schema the rest of bn1d works with keeps plain strings.
 */
import { type DataType, Dictionary, Field, Schema, Type } from 'apache-arrow';
import { withChildren } from './arrow-nested-types.js';

/** Whether a field or anything inside its type has an empty name. */
function hasEmptyName(field: Field): boolean {
  return field.name === '' || typeHasEmptyName(field.type);
}

function typeHasEmptyName(type: DataType): boolean {
  if (type.typeId === Type.Dictionary) return typeHasEmptyName((type as Dictionary).dictionary);
  return (type.children ?? []).some(hasEmptyName);
}

/** `schema` as apache-arrow's encoder must see it to write every empty name; `schema` itself when it has none. */
export function encodableSchema(schema: Schema): Schema {
  if (!schema.fields.some(hasEmptyName)) return schema;
  return new Schema(schema.fields.map(encodable), schema.metadata);
}

function encodable(field: Field): Field {
  if (!hasEmptyName(field)) return field;
  // A wrapper object on purpose: an empty name that is truthy.
  const name = field.name === '' ? (new String('') as unknown as string) : field.name;
  return new Field(name, encodableType(field.type), field.nullable, field.metadata);
}

function encodableType(type: DataType): DataType {
  if (!typeHasEmptyName(type)) return type;
  if (type.typeId === Type.Dictionary) {
    const dictionary = type as Dictionary;
    return new Dictionary(encodableType(dictionary.dictionary), dictionary.indices, dictionary.id, dictionary.isOrdered);
  }
  return withChildren(type, (type.children ?? []).map(encodable));
}
