/**
 * Nested Arrow data from the flat levels of a column's leaves (the Dremel
 * encoding, undone). Each node of a column is a run of "slots"; for every
 * leaf under the node, a slot is the index of the level entry where it
 * starts. A node holds a value at a slot when the leaf's definition level
 * there reaches the node's own; a list's elements start at its slot and at
 * each later entry whose repetition level is the list's, up to the first
 * entry that repeats an outer level. Null and empty lists, null structs and
 * null elements therefore all come out exactly as they were written.
 */
import { type Data, Field, List, makeData, Map_, Struct } from 'apache-arrow';
import type { LeafChunk } from './decode.js';
import { CorruptParquet } from './faults.js';
import { buildLeaf, type Present, validity } from './leaf.js';
import { type Memory, typed } from './part-pool.js';
import { arrowField, leavesOf, type ListNode, type ReadNode } from './schema.js';

/** Slot positions per leaf (by leaf index); undefined means slot i is entry i. */
type Slots = ReadonlyMap<number, Int32Array | undefined>;

/**
 * Arrow data of a top-level column over one row group; `chunks` are indexed
 * by leaf. Its arrays (and those it needs on the way) are made in `memory`
 * when given.
 */
export function assembleColumn(node: ReadNode, chunks: ReadonlyMap<number, LeafChunk>, rows: number, memory?: Memory): Data {
  const slots = new Map<number, Int32Array | undefined>();
  for (const leaf of leavesOf(node)) {
    const chunk = chunks.get(leaf.leaf)!;
    let positions: Int32Array | undefined;
    if (chunk.rep) {
      if (chunk.length && chunk.rep[0] !== 0) throw new CorruptParquet('the first repetition level is not 0');
      positions = typed(Int32Array, rows, memory);
      let row = 0;
      for (let i = 0; i < chunk.length; i++) {
        if (chunk.rep[i] !== 0) continue;
        if (row === rows) throw new CorruptParquet(`column ${leaf.name} has more rows than its row group (${rows})`);
        positions[row++] = i;
      }
      if (row !== rows) throw new CorruptParquet(`column ${leaf.name} has ${row} rows, its row group ${rows}`);
    } else if (chunk.length !== rows) {
      throw new CorruptParquet(`column ${leaf.name} has ${chunk.length} rows, its row group ${rows}`);
    }
    slots.set(leaf.leaf, positions);
  }
  return build(node, chunks, slots, rows, memory);
}

function build(node: ReadNode, chunks: ReadonlyMap<number, LeafChunk>, slots: Slots, count: number, memory: Memory | undefined): Data {
  const present = presence(node, chunks, slots, count, memory);
  switch (node.kind) {
    case 'leaf':
      return buildLeaf(node.type, chunks.get(node.leaf)!.values, present, count, memory);
    case 'struct': {
      const children = node.children.map((child) => build(child, chunks, slots, count, memory));
      const type = new Struct(node.children.map(arrowField));
      return makeData({ type, length: count, ...validity(present, count), children });
    }
    default: {
      const childSlots = new Map<number, Int32Array | undefined>();
      let offsets: Int32Array | undefined;
      for (const leaf of leavesOf(node)) {
        const chunk = chunks.get(leaf.leaf)!;
        // A list of a leaf with no null element needs no element positions: its values are in order.
        const dense = node.item === leaf && isDenseList(node, chunk);
        const [positions, leafOffsets] = elements(node, chunk, slots.get(leaf.leaf), count, !dense, memory);
        if (!offsets) offsets = leafOffsets;
        else if (!sameOffsets(offsets, leafOffsets)) throw new CorruptParquet(`the leaves of ${node.name} disagree on list lengths`);
        childSlots.set(leaf.leaf, positions);
      }
      const child = build(node.item, chunks, childSlots, offsets![count]!, memory);
      const itemField = arrowField(node.item);
      const base = { length: count, ...validity(present, count), valueOffsets: offsets!, child };
      if (node.kind === 'map') return makeData({ ...base, type: new Map_(itemField as Field<Struct>) });
      return makeData({ ...base, type: new List(itemField) });
    }
  }
}

/** Which slots of the node hold a value, read from its first leaf. */
function presence(node: ReadNode, chunks: ReadonlyMap<number, LeafChunk>, slots: Slots, count: number, memory: Memory | undefined): Present {
  if (node.def === 0) return undefined;
  const leaf = node.kind === 'leaf' ? node : leavesOf(node)[0]!;
  const chunk = chunks.get(leaf.leaf)!;
  const positions = slots.get(leaf.leaf);
  // Only a leaf's own slots can reach its maximum level: if all of them do, none is null.
  if (node === leaf && chunk.full === count) return undefined;
  const def = chunk.def!;
  // Most columns have no null: find that out before allocating anything.
  let k = 0;
  while (k < count && def[positions ? positions[k]! : k]! >= node.def) k++;
  if (k === count) return undefined;
  const present = typed(Uint8Array, count, memory).fill(1, 0, k);
  for (; k < count; k++) present[k] = def[positions ? positions[k]! : k]! >= node.def ? 1 : 0;
  return present;
}

/** Whether every element of the list is a value of its leaf: no element level entry is below the leaf's level. */
function isDenseList(node: ListNode, chunk: LeafChunk): boolean {
  const def = chunk.def!;
  const leafDef = (node.item as { def: number }).def;
  for (let i = 0; i < chunk.length; i++) {
    const d = def[i]!;
    if (d >= node.elemDef && d < leafDef) return false;
  }
  return true;
}

/**
 * The list offsets, and the element slots of a list for one leaf (when
 * `withPositions`; else undefined, and the child's slot i is its value i).
 */
function elements(
  node: ListNode, chunk: LeafChunk, positions: Int32Array | undefined, count: number, withPositions: boolean, memory: Memory | undefined,
): [Int32Array | undefined, Int32Array] {
  const def = chunk.def!;
  const rep = chunk.rep!;
  const n = chunk.length;
  const offsets = typed(Int32Array, count + 1, memory);
  offsets[0] = 0;
  // At most one element per level entry: no growing needed.
  const out = withPositions ? typed(Int32Array, n, memory) : undefined;
  let size = 0;
  for (let k = 0; k < count; k++) {
    const p = positions ? positions[k]! : k;
    let j = p + 1;
    if (def[p]! >= node.elemDef) {
      if (out) out[size] = p;
      size++;
      for (; j < n && rep[j]! >= node.rep; j++) {
        if (rep[j] === node.rep) {
          if (out) out[size] = j;
          size++;
        }
      }
    } else {
      // DuckDB writes a null fixed-size array as one level entry per slot, all below the list's
      // element level: DuckDB and Polars read the row as null, and so does this reader.
      for (; j < n && rep[j]! >= node.rep; j++) {
        if (def[j]! >= node.elemDef) throw new CorruptParquet(`a null or empty list of ${node.name} has an element at level entry ${j}`);
      }
    }
    offsets[k + 1] = size;
  }
  return [out?.subarray(0, size), offsets];
}

function sameOffsets(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
