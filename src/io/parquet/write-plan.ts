/**
 * The Parquet schema a writer writes: for each Arrow column, the schema
 * elements of the input column when the column still has the type it was
 * read with (so Parquet -> Arrow -> Parquet is lossless), the same elements
 * with FLOAT/DOUBLE leaves when only its numbers became floats (a normalized
 * feature column), and otherwise elements mapped from the Arrow type. A
 * column read under its stored Arrow type (a dictionary, a fixed-size list,
 * a timezone...) still has the type it was read with.
 */
import { type DataType, type Field, type Schema, Type } from 'apache-arrow';
import type { SchemaElement, SchemaTree } from 'hyparquet';
import { DataError } from '../../core/errors.js';
import { elementsForField, sameArrowType } from './arrow-types.js';
import { planColumns, type ReadNode } from './schema.js';
import { restoreLeaf } from './stored-types.js';

/** One column as it will be written. */
export interface WriteColumn {
  readonly name: string;
  readonly elements: readonly SchemaElement[];
  /** How the column's levels are laid out (shared with the reader). */
  readonly node: ReadNode;
  /** Root-to-leaf elements of each leaf, in file order (the root is a placeholder). */
  readonly leafPaths: readonly SchemaElement[][];
}

/** The columns of `schema` as they will be written. */
export function planWrite(schema: Schema, parquetColumns?: ReadonlyMap<string, readonly SchemaElement[]>): WriteColumn[] {
  const seen = new Set<string>();
  return schema.fields.map((field) => {
    if (seen.has(field.name)) throw new DataError(`column name "${field.name}" appears twice, which Parquet cannot hold`);
    seen.add(field.name);
    const original = parquetColumns?.get(field.name);
    const matched = original && matchOriginal(original, field);
    const elements = matched ?? elementsForField(field);
    const node = nodeOf(elements);
    if (typeof node === 'string') {
      throw new DataError(`column "${field.name}" cannot be written to Parquet (${node})`, { hint: 'arrow-output' });
    }
    return { name: field.name, elements, node, leafPaths: leafPathsOf(elements) };
  });
}

/**
 * The file's schema elements: a root, then every column's elements. INTEGER
 * logical types are written as their equivalent converted type (INT_8 ...
 * UINT_64), which every reader understands, as bn1d's outputs always had
 * them. A DECIMAL logical type gets its converted type beside it, as the
 * format asks of writers.
 */
export function fileSchema(columns: readonly WriteColumn[]): SchemaElement[] {
  const elements = columns.flatMap((column) => column.elements.map((element) => withConvertedDecimal(withoutIntegerLogicalType(element))));
  return [{ name: 'schema', num_children: columns.length }, ...elements];
}

function withConvertedDecimal(element: SchemaElement): SchemaElement {
  const logical = element.logical_type;
  if (logical?.type !== 'DECIMAL' || element.converted_type) return element;
  return { ...element, converted_type: 'DECIMAL', precision: logical.precision, scale: logical.scale };
}

function withoutIntegerLogicalType(element: SchemaElement): SchemaElement {
  const logical = element.logical_type;
  if (logical?.type !== 'INTEGER') return element;
  const converted_type = `${logical.isSigned ? 'INT' : 'UINT'}_${logical.bitWidth}` as SchemaElement['converted_type'];
  const { logical_type: _, ...rest } = element;
  return { ...rest, converted_type };
}

/** The tree of one column's elements (depth first, each group followed by its num_children children) under a placeholder root. */
function treeOf(elements: readonly SchemaElement[]): SchemaTree {
  let next = 0;
  const node = (path: string[]): SchemaTree => {
    const element = elements[next++];
    if (!element) throw new Error('the schema elements end inside a group');
    const here = [...path, element.name];
    const children: SchemaTree[] = [];
    for (let c = 0; c < (element.num_children ?? 0); c++) children.push(node(here));
    return { element, children, count: 1 + children.reduce((n, child) => n + child.count, 0), path: here };
  };
  const column = node([]);
  return { element: { name: 'schema', num_children: 1 }, children: [column], count: 1 + column.count, path: [] };
}

function leafPathsOf(elements: readonly SchemaElement[]): SchemaElement[][] {
  const paths: SchemaElement[][] = [];
  const walk = (tree: SchemaTree, path: SchemaElement[]): void => {
    const here = [...path, tree.element];
    if (!tree.children.length) paths.push(here);
    for (const child of tree.children) walk(child, here);
  };
  walk(treeOf(elements), []);
  return paths;
}

/** The read plan of one column's elements, or why it has none. */
function nodeOf(elements: readonly SchemaElement[]): ReadNode | string {
  try {
    const [plan] = planColumns(treeOf(elements));
    return plan?.node ?? plan?.unsupported ?? 'no column';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The input elements if they still fit the field (with float leaves where it has them), else undefined. */
function matchOriginal(original: readonly SchemaElement[], field: Field): SchemaElement[] | undefined {
  const node = nodeOf(original);
  if (typeof node === 'string') return undefined;
  const replace = new Map<SchemaElement, SchemaElement>();
  if (!match(node, field.type, replace)) return undefined;
  return original.map((element) => replace.get(element) ?? element);
}

const LIST_TYPES = new Set([Type.List, Type.LargeList, Type.FixedSizeList]);

function match(node: ReadNode, type: DataType, replace: Map<SchemaElement, SchemaElement>): boolean {
  switch (node.kind) {
    case 'leaf': {
      if (sameArrowType(node.type, type) || restoreLeaf(node.type, type)) return true;
      if (type.typeId !== Type.Float || !isNumeric(node.type)) return false;
      const precision = (type as DataType & { precision: number }).precision;
      if (precision === 0) return false;
      const { name, repetition_type, field_id } = node.element;
      replace.set(node.element, { name, repetition_type, field_id, type: precision === 1 ? 'FLOAT' : 'DOUBLE' });
      return true;
    }
    case 'struct': {
      const children = type.typeId === Type.Struct ? type.children : [];
      return children.length === node.children.length && node.children.every((child, i) => match(child, children[i]!.type, replace));
    }
    case 'list':
      return LIST_TYPES.has(type.typeId) && match(node.item, type.children[0]!.type, replace);
    case 'map':
      return type.typeId === Type.Map && match(node.item, type.children[0]!.type, replace);
  }
}

function isNumeric(type: DataType): boolean {
  return type.typeId === Type.Int || type.typeId === Type.Float || type.typeId === Type.Decimal;
}
