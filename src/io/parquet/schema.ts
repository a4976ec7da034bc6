/**
 * Parquet schema tree -> Arrow fields, plus the definition and repetition
 * levels at which each node of a column is present, which is what turns the
 * flat levels of the leaf columns back into nested Arrow data.
 *
 * Nesting rules (the Parquet spec's, including its backward-compatibility
 * rules for lists):
 * - a LIST group with one repeated child is a list; the repeated child is the
 *   element itself when it is primitive, has several fields, or is named
 *   `array` or `<list>_tuple` (legacy 2-level lists), else its one child is;
 * - a MAP group whose repeated child has exactly two fields is a map;
 * - any other repeated field is a non-null list of required elements;
 * - any other group is a struct.
 */
import { Field, List, Map_, Null, Struct, type DataType } from 'apache-arrow';
import type { SchemaElement, SchemaTree } from 'hyparquet';
import { annotationOf, leafArrowType } from './types.js';

interface NodeBase {
  readonly name: string;
  readonly element: SchemaElement;
  /** Whether the Arrow field is nullable (the element is OPTIONAL). */
  readonly nullable: boolean;
  /** The node holds a value (not null) where a leaf's definition level is >= this. */
  readonly def: number;
}

/** A primitive column: one column chunk per row group. */
export interface LeafNode extends NodeBase {
  readonly kind: 'leaf';
  /** Index of its column chunk in a row group (leaves in file order). */
  readonly leaf: number;
  readonly maxRep: number;
  readonly type: DataType;
}

/** A group of named fields. */
export interface StructNode extends NodeBase {
  readonly kind: 'struct';
  readonly children: readonly ReadNode[];
}

/** A list (or a map, whose item is the key/value struct). */
export interface ListNode extends NodeBase {
  readonly kind: 'list' | 'map';
  /** The list is non-empty where the definition level is >= this. */
  readonly elemDef: number;
  /** Repetition level that starts a new element of this list. */
  readonly rep: number;
  readonly item: ReadNode;
}

/** How one column (or a part of it) is assembled from its leaves. */
export type ReadNode = LeafNode | StructNode | ListNode;

/** A top-level column: how to read it, or why it cannot be read. */
export interface ColumnPlan {
  readonly name: string;
  readonly field: Field;
  /** Schema elements of the column: its own, then its descendants in file order. */
  readonly elements: readonly SchemaElement[];
  readonly node?: ReadNode | undefined;
  /** Set when the column cannot be read: names the unsupported type. */
  readonly unsupported?: string | undefined;
}

class Unsupported extends Error {}

const MAX_LEVEL = 255;

/** One plan per top-level column of the schema tree, in file order. */
export function planColumns(root: SchemaTree): ColumnPlan[] {
  const plans: ColumnPlan[] = [];
  let leafIndex = 0;
  for (const child of root.children) {
    // Leaves are numbered across the whole schema, so a column that cannot be read still takes its share.
    let next = leafIndex;
    leafIndex += countLeaves(child);
    const elements = flatten(child);
    try {
      const node = buildNode(child, 0, 0, false, () => next++);
      plans.push({ name: child.element.name, field: arrowField(node), elements, node });
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      const field = new Field(child.element.name, new Null(), true, new Map([['bn1d:unsupported', error.message]]));
      plans.push({ name: child.element.name, field, elements, unsupported: error.message });
    }
  }
  return plans;
}

/** The Arrow field of a read node. */
export function arrowField(node: ReadNode): Field {
  switch (node.kind) {
    case 'leaf':
      return new Field(node.name, node.type, node.nullable);
    case 'struct':
      return new Field(node.name, new Struct(node.children.map(arrowField)), node.nullable);
    case 'list':
      return new Field(node.name, new List(arrowField(node.item)), node.nullable);
    case 'map':
      return new Field(node.name, new Map_(arrowField(node.item) as Field<Struct>), node.nullable);
  }
}

function buildNode(tree: SchemaTree, parentDef: number, parentRep: number, asRequired: boolean, nextLeaf: () => number): ReadNode {
  const element = tree.element;
  const repetition = asRequired ? 'REQUIRED' : (element.repetition_type ?? 'REQUIRED');
  const name = element.name;
  if (repetition === 'REPEATED') {
    const elemDef = parentDef + 1;
    const rep = checkLevel(parentRep + 1);
    const item = buildNode(tree, elemDef, rep, true, nextLeaf);
    return { kind: 'list', name, element, nullable: false, def: parentDef, elemDef, rep, item };
  }
  const nullable = repetition === 'OPTIONAL';
  const def = checkLevel(nullable ? parentDef + 1 : parentDef);
  if (!tree.children.length) {
    if (element.type === undefined) throw new Unsupported(`group ${name} has no fields`);
    const type = leafArrowType(element);
    if (typeof type === 'string') throw new Unsupported(type);
    return { kind: 'leaf', name, element, nullable, def, leaf: nextLeaf(), maxRep: parentRep, type };
  }
  const annotation = annotationOf(element);
  const only = tree.children.length === 1 ? tree.children[0] : undefined;
  if (only && only.element.repetition_type === 'REPEATED') {
    const elemDef = checkLevel(def + 1);
    const rep = checkLevel(parentRep + 1);
    if (annotation === 'LIST') {
      const repeated = only;
      const isElement = !repeated.children.length || repeated.children.length > 1 ||
        repeated.element.name === 'array' || repeated.element.name === `${name}_tuple`;
      const item = isElement
        ? buildNode(repeated, elemDef, rep, true, nextLeaf)
        : buildNode(repeated.children[0]!, elemDef, rep, false, nextLeaf);
      return { kind: 'list', name, element, nullable, def, elemDef, rep, item };
    }
    if ((annotation === 'MAP' || annotation === 'MAP_KEY_VALUE') && only.children.length === 2) {
      const item = buildNode(only, elemDef, rep, true, nextLeaf);
      return { kind: 'map', name, element, nullable, def, elemDef, rep, item };
    }
  }
  const children = tree.children.map((child) => buildNode(child, def, parentRep, false, nextLeaf));
  return { kind: 'struct', name, element, nullable, def, children };
}

function checkLevel(level: number): number {
  if (level > MAX_LEVEL) throw new Unsupported(`nesting deeper than ${MAX_LEVEL} levels`);
  return level;
}

function countLeaves(tree: SchemaTree): number {
  if (!tree.children.length) return 1;
  let count = 0;
  for (const child of tree.children) count += countLeaves(child);
  return count;
}

function flatten(tree: SchemaTree, out: SchemaElement[] = []): SchemaElement[] {
  out.push(tree.element);
  for (const child of tree.children) flatten(child, out);
  return out;
}

/** Leaf nodes under a node, in file order. */
export function leavesOf(node: ReadNode, out: LeafNode[] = []): LeafNode[] {
  if (node.kind === 'leaf') out.push(node);
  else if (node.kind === 'struct') for (const child of node.children) leavesOf(child, out);
  else leavesOf(node.item, out);
  return out;
}
