/**
 * Field names that apache-arrow's IPC encoder cannot be handed as they are.
 * An empty name, which Parquet allows and DuckDB writes (a UNION becomes a
 * struct whose tag field is named ""): the encoder leaves out a falsy name,
 * and readers such as Polars refuse a field without one ("every field in IPC
 * must have a name"). And top-level names that repeat: `new RecordBatch(schema,
 * data)` merges a schema's fields by name, which swaps the types of
 * same-named columns.
 *
 * The writer's encoder gets a schema in which each such name is a stand-in,
 * unique among the top-level names, made of the name, a NUL and a number
 * (`encoderSchema`). Its bytes start with the name's, so once the schema
 * message is encoded the name is put back in place (`restoreNames`): the
 * string's length is cut to the name's and a NUL terminator written after it.
 */
import { type DataType, Dictionary, Field, Message, Schema, Type } from 'apache-arrow';
import { FbTable } from './flatbuffer.js';
import { withChildren } from './nested-types.js';

const utf8 = new TextEncoder();

/** Whether a field or anything inside its type has an empty name. */
function hasEmptyName(field: Field): boolean {
  return field.name === '' || typeHasEmptyName(field.type);
}

function typeHasEmptyName(type: DataType): boolean {
  if (type.typeId === Type.Dictionary) return typeHasEmptyName((type as Dictionary).dictionary);
  return (type.children ?? []).some(hasEmptyName);
}

/** `schema` with stand-ins for its empty and repeated top-level names, and for empty names inside; `schema` itself when it has none. */
export function encoderSchema(schema: Schema): Schema {
  const taken = new Set(schema.fields.map((f) => f.name));
  const seen = new Set<string>();
  let count = 0;
  const standIn = (name: string): string => {
    let candidate: string;
    do candidate = `${name}\u0000${count++}`;
    while (taken.has(candidate));
    taken.add(candidate);
    return candidate;
  };
  let changed = false;
  const fields = schema.fields.map((field) => {
    const repeated = seen.has(field.name);
    seen.add(field.name);
    if (!repeated && !hasEmptyName(field)) return field;
    changed = true;
    const name = repeated || field.name === '' ? standIn(field.name) : field.name;
    return new Field(name, encoderType(field.type, standIn), field.nullable, field.metadata);
  });
  return changed ? new Schema(fields, schema.metadata, undefined, schema.metadataVersion) : schema;
}

function encoderType(type: DataType, standIn: (name: string) => string): DataType {
  if (!typeHasEmptyName(type)) return type;
  if (type.typeId === Type.Dictionary) {
    const dictionary = type as Dictionary;
    return new Dictionary(encoderType(dictionary.dictionary, standIn), dictionary.indices, dictionary.id, dictionary.isOrdered);
  }
  const children = (type.children ?? []).map((field: Field) =>
    hasEmptyName(field) ? new Field(field.name === '' ? standIn('') : field.name, encoderType(field.type, standIn), field.nullable, field.metadata) : field,
  );
  return withChildren(type, children);
}

/**
 * Puts the names of `schema` back in a schema message's flatbuffer encoded
 * from `encoderSchema(schema)`, in place. Throws when a field's stored name
 * is neither its name nor a stand-in for it (a bug, never the data's fault).
 */
export function restoreNames(message: Uint8Array, schema: Schema): void {
  const header = FbTable.root(message).table(2);
  if (!header) throw new Error('the schema message has no schema');
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const visit = (tables: FbTable[], fields: readonly Field[]): void => {
    if (tables.length !== fields.length) throw new Error('the schema message does not have the fields of the schema');
    tables.forEach((table, i) => {
      const field = fields[i]!;
      visit(table.tables(5), field.type.children ?? []);
      const name = utf8.encode(field.name);
      const at = table.stringPosition(0);
      const stored = at === 0 ? -1 : view.getUint32(at, true);
      if (stored === name.length && equalAt(message, at + 4, name)) return;
      if (stored <= name.length || !equalAt(message, at + 4, name) || message[at + 4 + name.length] !== 0) {
        throw new Error(`field ${JSON.stringify(field.name)} has another name in the schema message`);
      }
      view.setUint32(at, name.length, true);
    });
  };
  visit(header.tables(1), schema.fields);
}

function equalAt(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  return expected.every((byte, i) => bytes[at + i] === byte);
}

/** The Schema message flatbuffer of `schema` (Message.encode), with every name as it is. */
export function encodeSchemaMessage(schema: Schema): Uint8Array {
  const message = Message.encode(Message.from(encoderSchema(schema)));
  restoreNames(message, schema);
  return message;
}

