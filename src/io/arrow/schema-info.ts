/**
 * Reading and checking an Arrow IPC Schema table: byte order, supported
 * types, sane parameters and bounded size. The result describes each
 * column's buffer layout for the record-batch checks, and holds the
 * apache-arrow schema the batches are built with (schema-types.ts).
 */
import { type DataType, Field, Schema } from 'apache-arrow';
import type { FbTable } from './flatbuffer.js';
import { ArrowFormatError } from './format-error.js';
import { arrowType, dictionaryType } from './schema-types.js';
import { checkMetadata, metadataMap, typeWidth, TYPE_NAMES, TypeId } from './types.js';

/** The layout of one field of a schema, as record batches encode it. */
export interface FieldInfo {
  /** Dotted path of the field from its top-level column, for messages. */
  readonly path: string;
  readonly typeId: number;
  /** Bytes per value of the data buffer; 0 when there is none, -1 for bits (Bool). */
  readonly width: number;
  readonly children: readonly FieldInfo[];
  /** FixedSizeList: values per row. */
  readonly listSize: number;
  /** Union: 0 sparse, 1 dense. */
  readonly unionMode: number;
  /** Union: the type id of each child. */
  readonly typeIds: readonly number[];
  /** Set when the column holds dictionary indices rather than values. */
  readonly dictionary: { readonly id: number; readonly indexWidth: number } | null;
  /** The apache-arrow type of what the layout holds: the Dictionary type for indices, the values' type in `dictionaries`. */
  readonly type: DataType;
}

/** What the record-batch checks need to know of a schema. */
export interface SchemaInfo {
  /** The schema as apache-arrow types it. */
  readonly schema: Schema;
  readonly fields: readonly FieldInfo[];
  /** The value field of each dictionary id (the layout of its dictionary batches). */
  readonly dictionaries: ReadonlyMap<number, FieldInfo>;
  /** The dictionary ids used inside each dictionary's values (they must arrive first). */
  readonly dependencies: ReadonlyMap<number, readonly number[]>;
  /** Whether a ListView or LargeListView field is anywhere (see list-views.ts). */
  readonly listViews: boolean;
}

const MAX_FIELDS = 100_000;
const MAX_DEPTH = 64;

/** Reads and checks a Schema table; throws ArrowFormatError naming what is wrong or unsupported. */
export function readSchemaInfo(schema: FbTable): SchemaInfo {
  if (schema.int16(0) !== 0) throw new ArrowFormatError('big-endian Arrow IPC is not supported');
  checkMetadata(schema.tables(2));
  const state: ParseState = { count: 0, dictionaries: new Map(), signatures: new Map(), dependencies: new Map(), valueTypes: new Map(), listViews: false };
  const parsed = schema.tables(1).map((f) => readField(f, '', 0, state, []));
  const arrow = new Schema(parsed.map((p) => p.field), metadataMap(schema.tables(2)), state.valueTypes);
  const fields = parsed.map((p) => p.info);
  return { schema: arrow, fields, dictionaries: state.dictionaries, dependencies: state.dependencies, listViews: state.listViews };
}

interface ParseState {
  count: number;
  dictionaries: Map<number, FieldInfo>;
  /** The value type of each dictionary id, to check that columns sharing one agree. */
  signatures: Map<number, string>;
  dependencies: Map<number, number[]>;
  /** The value type of each dictionary id: the first column's, shared by the others (as apache-arrow does). */
  valueTypes: Map<number, DataType>;
  listViews: boolean;
}

interface ParsedField {
  readonly info: FieldInfo;
  readonly signature: string;
  readonly field: Field;
}

function readField(f: FbTable, parent: string, depth: number, state: ParseState, enclosing: number[][]): ParsedField {
  const name = f.string(0) ?? '';
  const path = parent ? `${parent}.${name}` : name;
  if (++state.count > MAX_FIELDS) throw new ArrowFormatError(`schema has more than ${MAX_FIELDS} fields`);
  if (depth >= MAX_DEPTH) throw new ArrowFormatError(`column "${path}" is nested more than ${MAX_DEPTH} levels deep`);
  const typeId = f.uint8(2);
  if (typeId === TypeId.ListView || typeId === TypeId.LargeListView) state.listViews = true;
  const type = f.table(3);
  checkMetadata(f.tables(6));
  const encoding = f.table(4);
  const used: number[] = [];
  const children = f.tables(5).map((c) => readField(c, path, depth + 1, state, [...enclosing, used]));
  const childInfos = children.map((c) => c.info);
  const layout = shape(typeId, type, path, childInfos);
  const values = arrowType(typeId, type, children.map((c) => c.field));
  const info: FieldInfo = { path, typeId, ...layout, children: childInfos, dictionary: null, type: values };
  const valueType = `${typeId}${type ? typeSignature(typeId, type) : ''}{${children.map((c) => c.signature).join(',')}}`;
  const head = `${JSON.stringify(name)}${f.bool(1) ? '?' : '!'}${metadataSignature(f.tables(6))}`;
  const field = (t: DataType): Field => new Field(name, t, f.bool(1), metadataMap(f.tables(6)));
  if (!encoding) return { info, signature: head + valueType, field: field(values) };
  const id = Number(encoding.int64(0));
  if (!Number.isSafeInteger(id) || id < 0) throw new ArrowFormatError(`column "${path}" has an invalid dictionary id`);
  const index = encoding.table(1);
  const indexWidth = index ? index.int32(0) / 8 : 4;
  if (![1, 2, 4, 8].includes(indexWidth)) throw new ArrowFormatError(`column "${path}" has an invalid dictionary index type`);
  const known = state.signatures.get(id);
  if (known === undefined) {
    state.signatures.set(id, valueType);
    state.dictionaries.set(id, info);
    state.dependencies.set(id, used);
    state.valueTypes.set(id, values);
  } else if (known !== valueType) {
    throw new ArrowFormatError(`column "${path}" shares dictionary ${id} with a column of another type`);
  }
  for (const list of enclosing) list.push(id);
  const indices = `#${id}:${index?.bool(1) === false ? 'u' : 'i'}${indexWidth * 8}${encoding.bool(2) ? 'o' : ''}`;
  const dictionary = dictionaryType(state.valueTypes.get(id)!, id, encoding);
  return { info: { ...info, dictionary: { id, indexWidth }, type: dictionary }, signature: head + valueType + indices, field: field(dictionary) };
}

/** Width, list size and union mode of a type, after checking its parameters and child count. */
function shape(typeId: number, type: FbTable | null, path: string, children: readonly FieldInfo[]) {
  const fail = (what: string): never => {
    throw new ArrowFormatError(`column "${path}" has an invalid ${TYPE_NAMES[typeId] ?? 'Arrow'} type (${what})`);
  };
  if (typeId === TypeId.RunEndEncoded) {
    throw new ArrowFormatError(`unsupported Arrow type ${TYPE_NAMES[typeId]} in column "${path}"`);
  }
  if (typeId === TypeId.NONE || typeId > TypeId.LargeListView) {
    throw new ArrowFormatError(`unknown Arrow type id ${typeId} in column "${path}"`);
  }
  const lists: readonly number[] = [TypeId.List, TypeId.LargeList, TypeId.FixedSizeList, TypeId.Map, TypeId.ListView, TypeId.LargeListView];
  const nested: readonly number[] = [...lists, TypeId.Struct, TypeId.Union];
  const wantChildren = lists.includes(typeId) ? 1 : undefined;
  if (!nested.includes(typeId) && children.length > 0) fail('children on a non-nested type');
  if (wantChildren !== undefined && children.length !== wantChildren) fail(`${children.length} children`);
  if (typeId === TypeId.Map && (children[0]!.typeId !== TypeId.Struct || children[0]!.children.length !== 2)) {
    fail('entries are not a struct of key and value');
  }
  const width = typeWidth(typeId, type, fail);
  let listSize = 0;
  let unionMode = 0;
  let typeIds: number[] = [];
  if (typeId === TypeId.FixedSizeList) {
    listSize = type?.int32(0) ?? -1;
    if (listSize < 0) fail('negative list size');
  }
  if (typeId === TypeId.Union) {
    unionMode = type?.int16(0) ?? -1;
    if (unionMode !== 0 && unionMode !== 1) fail('unknown mode');
    typeIds = type!.int32s(1);
    if (children.length > 0 && typeIds.length !== children.length) fail('type ids do not match the children');
    if (typeIds.some((id) => id < 0 || id > 127) || new Set(typeIds).size !== typeIds.length) fail('bad type ids');
  }
  return { width, listSize, unionMode, typeIds };
}

function typeSignature(typeId: number, type: FbTable): string {
  switch (typeId) {
    case TypeId.Timestamp:
      return `[${type.int16(0)},${JSON.stringify(type.string(1))}]`;
    case TypeId.Union:
      return `[${type.int16(0)},${type.int32s(1).join(',')}]`;
    case TypeId.Decimal:
      return `[${type.int32(0)},${type.int32(1)},${type.int32(2, 128)}]`;
    case TypeId.Time:
      return `[${type.int16(0, 1)},${type.int32(1, 32)}]`;
    case TypeId.Int:
      return `[${type.int32(0)},${type.bool(1)}]`;
    case TypeId.Date:
    case TypeId.Duration:
      return `[${type.int16(0, 1)}]`;
    case TypeId.FloatingPoint:
    case TypeId.Interval:
      return `[${type.int16(0)}]`;
    case TypeId.FixedSizeBinary:
    case TypeId.FixedSizeList:
      return `[${type.int32(0)}]`;
    case TypeId.Map:
      return `[${type.bool(0)}]`;
    default:
      return '';
  }
}

function metadataSignature(entries: FbTable[]): string {
  return entries.length ? JSON.stringify(entries.map((e) => [e.string(0), e.string(1)])) : '';
}
