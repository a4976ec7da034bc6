/**
 * Arrow data of one column -> the definition and repetition levels and the
 * physical values of each of its leaves (the Dremel encoding). The column is
 * walked level by level: every "entry" is either still open (an index into
 * the current node's data) or closed at the definition level where a null
 * or an empty list ended it.
 */
import { type Data, type FixedSizeList, Type } from 'apache-arrow';
import type { DecodedArray } from 'hyparquet';
import { DataError } from '../../core/errors.js';
import { joinArrays } from './chunk-parts.js';
import { physicalValues } from './physical.js';
import type { LeafNode, ReadNode } from './schema.js';

/** The levels and values of one leaf's chunk, as column-write.ts writes them. */
export interface LeafPageData {
  readonly leaf: LeafNode;
  /** One value per level entry: null where the entry is not a value. */
  readonly values: DecodedArray;
  readonly definitionLevels: number[];
  readonly repetitionLevels: number[];
}

interface Entries {
  /** Index into the node's data, or -1 once the entry is closed. */
  readonly index: Int32Array;
  /** Definition level of closed entries. */
  readonly def: Uint8Array;
  readonly rep: Uint8Array;
}

/** Levels and values of every leaf of a column (`column` names it in errors). */
export function encodeColumn(node: ReadNode, data: Data, column: string): LeafPageData[] {
  const out: LeafPageData[] = [];
  const rows = data.length;
  if (node.kind === 'leaf' && node.maxRep === 0) {
    out.push(flatLeaf(node, data, column));
    return out;
  }
  const index = new Int32Array(rows);
  for (let i = 0; i < rows; i++) index[i] = i;
  visit(node, data, { index, def: new Uint8Array(rows), rep: new Uint8Array(rows) }, column, out);
  return out;
}

/** The same for a column given in parts (the batches of one row group), joined end to end per leaf. */
export function encodeParts(node: ReadNode, parts: readonly Data[], column: string): LeafPageData[] {
  const encoded = parts.map((data) => encodeColumn(node, data, column));
  return encoded[0]!.map((first, p) => ({
    leaf: first.leaf,
    values: joinArrays(encoded.map((leaves) => leaves[p]!.values)),
    definitionLevels: joinArrays(encoded.map((leaves) => leaves[p]!.definitionLevels)),
    repetitionLevels: joinArrays(encoded.map((leaves) => leaves[p]!.repetitionLevels)),
  }));
}

/** Whether any slot is null: a Null-typed column has no bitmap, and every slot is null. */
function hasNulls(data: Data): boolean {
  if (data.typeId === Type.Null) return data.length > 0;
  return data.nullCount > 0 && Boolean(data.nullBitmap);
}

function isValid(data: Data, i: number): boolean {
  if (data.typeId === Type.Null) return false;
  const bitmap = data.nullBitmap;
  if (!bitmap || data.nullCount === 0) return true;
  const bit = data.offset + i;
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

function flatLeaf(leaf: LeafNode, data: Data, column: string): LeafPageData {
  const physical = data.typeId === Type.Null ? [] : physicalValues(leaf.element, data, column);
  if (!hasNulls(data)) {
    const definitionLevels = leaf.def ? (new Uint8Array(data.length).fill(leaf.def) as unknown as number[]) : [];
    return { leaf, values: physical, definitionLevels, repetitionLevels: [] };
  }
  if (!leaf.nullable) throw nullInRequired(column);
  const values = new Array<unknown>(data.length);
  const definitionLevels = new Array<number>(data.length);
  for (let i = 0; i < data.length; i++) {
    const valid = isValid(data, i);
    values[i] = valid ? physical[i] : null;
    definitionLevels[i] = valid ? 1 : 0;
  }
  return { leaf, values: values as DecodedArray, definitionLevels, repetitionLevels: [] };
}

function nullInRequired(column: string): DataError {
  return new DataError(`column "${column}" holds a null where its Parquet schema requires a value`);
}

/** Closes the open entries whose value is null; returns the entries afterwards. */
function closeNulls(node: ReadNode, data: Data, entries: Entries, column: string): Entries {
  if (!hasNulls(data)) return entries;
  const index = entries.index.slice();
  const def = entries.def.slice();
  for (let k = 0; k < index.length; k++) {
    const i = index[k]!;
    if (i < 0 || isValid(data, i)) continue;
    if (!node.nullable) throw nullInRequired(column);
    index[k] = -1;
    def[k] = node.def - 1;
  }
  return { index, def, rep: entries.rep };
}

function visit(node: ReadNode, data: Data, input: Entries, column: string, out: LeafPageData[]): void {
  const entries = closeNulls(node, data, input, column);
  if (node.kind === 'leaf') {
    const physical = data.typeId === Type.Null ? [] : physicalValues(node.element, data, column);
    const n = entries.index.length;
    const values = new Array<unknown>(n);
    const definitionLevels = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const i = entries.index[k]!;
      values[k] = i < 0 ? null : physical[i];
      definitionLevels[k] = i < 0 ? entries.def[k]! : node.def;
    }
    const repetitionLevels = node.maxRep ? Array.from(entries.rep) : [];
    out.push({ leaf: node, values: values as DecodedArray, definitionLevels: node.def ? definitionLevels : [], repetitionLevels });
    return;
  }
  if (node.kind === 'struct') {
    node.children.forEach((child, c) => visit(child, data.children[c]!, entries, column, out));
    return;
  }
  const [bounds, child] = listBounds(data);
  const index: number[] = [];
  const def: number[] = [];
  const rep: number[] = [];
  for (let k = 0; k < entries.index.length; k++) {
    const i = entries.index[k]!;
    const [start, end] = i < 0 ? [0, 0] : bounds(i);
    if (i < 0 || start === end) {
      index.push(-1);
      def.push(i < 0 ? entries.def[k]! : node.def);
      rep.push(entries.rep[k]!);
      continue;
    }
    for (let c = start; c < end; c++) {
      index.push(c);
      def.push(0);
      rep.push(c === start ? entries.rep[k]! : node.rep);
    }
  }
  const next = { index: Int32Array.from(index), def: Uint8Array.from(def), rep: Uint8Array.from(rep) };
  visit(node.item, child, next, column, out);
}

/** Element range of slot i of a List, LargeList, FixedSizeList or Map, and the child data. */
function listBounds(data: Data): [(i: number) => [number, number], Data] {
  const child = data.children[0]!;
  if (data.type.typeId === Type.FixedSizeList) {
    const size = (data.type as FixedSizeList).listSize;
    return [(i) => [i * size, (i + 1) * size], child];
  }
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  return [(i) => [Number(offsets[i]!), Number(offsets[i + 1]!)], child];
}
