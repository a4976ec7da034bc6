/**
 * The generated table of a writer as an apache-arrow Table: ROWS rows in
 * record batches of BATCH_ROWS, every column with its nulls. Fixed-width
 * temporal, decimal and interval values are stored as given; the rest go
 * through apache-arrow's builders.
 */
import {
  type Data, DataType, type DenseUnion, Field, type Interval, makeData, RecordBatch, Schema, type SparseUnion, Struct, Table, Type, UnionMode, vectorFromArray,
} from 'apache-arrow';
import { BATCH_ROWS, isNull, ROWS, type TableColumn, type TableKind, tableColumns } from './columns.js';

/** The words of a two's complement integer, least significant first. */
function words(value: bigint, count: number): number[] {
  return Array.from({ length: count }, (_, w) => Number(BigInt.asUintN(32, value >> BigInt(32 * w))));
}

/** A column of stored values: numbers, bigints, decimal bigints or interval words per slot. */
function rawData(type: DataType, values: unknown[]): Data {
  const length = values.length;
  const stride = DataType.isDecimal(type) ? type.bitWidth / 32 : type.typeId === Type.Interval ? [1, 2, 4][(type as Interval).unit]! : 1;
  const buffer = new (type.ArrayType as new (n: number) => ArrayLike<unknown> & Record<number, unknown>)(length * stride);
  const wide = buffer instanceof BigInt64Array || buffer instanceof BigUint64Array;
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  values.forEach((value, i) => {
    if (value === null) return void nullCount++;
    bitmap[i >> 3]! |= 1 << (i & 7);
    const slot = DataType.isDecimal(type) ? words(value as bigint, stride) : Array.isArray(value) ? value : [value];
    slot.forEach((v, w) => (buffer[i * stride + w] = wide ? BigInt(v as number | bigint) : Number(v)));
  });
  return makeData({ type, length, nullCount, nullBitmap: bitmap, data: buffer } as never);
}

/** A union of numbers (child 0) and strings or nulls (child 1), laid out by hand: apache-arrow's builder leaves sparse children short. */
function unionData(type: DenseUnion | SparseUnion, values: unknown[]): Data {
  const typeIds = Int8Array.from(values, (v) => (typeof v === 'number' ? 0 : 1));
  const pick = (child: number) => (v: unknown, i: number) => (typeIds[i] === child ? v : undefined);
  const dense = type.mode === UnionMode.Dense;
  const childValues = [0, 1].map((c) => values.map(pick(c)).filter((v, i) => !dense || typeIds[i] === c).map((v) => v ?? null));
  const children = childValues.map((v, c) => vectorFromArray(v as never[], type.children[c]!.type).data[0]!);
  const counts = [0, 0];
  const valueOffsets = dense ? Int32Array.from(typeIds, (id) => counts[id]!++) : undefined;
  return makeData({ type, length: values.length, nullCount: 0, typeIds, valueOffsets, children } as never);
}

function built(type: DataType, values: unknown[]): Data {
  if (DataType.isUnion(type)) return unionData(type as DenseUnion | SparseUnion, values);
  return vectorFromArray(values as never[], type).data[0]!;
}

function columnData(column: TableColumn, k: number, from: number, length: number): Data {
  const values = Array.from({ length }, (_, r) => (isNull(from + r, k) ? null : column.value(from + r)));
  const type = column.type();
  return column.raw ? rawData(type, values) : built(type, values);
}

/**
 * The generated table of a kind ('polars' is the Arrow table Polars reads
 * its frame from). Each batch is built on its own, except dictionaries, which
 * are slices of one column so that every batch shares one dictionary (an IPC
 * file has no replacement dictionaries). apache-arrow writes a slice of a Null
 * column with a null count of -1.
 */
export function generatedTable(kind: TableKind): Table {
  const columns = tableColumns(kind);
  const whole = columns.map((c, k) => (DataType.isDictionary(c.type()) ? columnData(c, k, 0, ROWS) : null));
  const batches: Data[][] = [];
  for (let at = 0; at < ROWS; at += BATCH_ROWS) {
    const length = Math.min(BATCH_ROWS, ROWS - at);
    batches.push(columns.map((c, k) => whole[k]?.slice(at, length) ?? columnData(c, k, at, length)));
  }
  const fields = columns.map((c, k) => new Field(c.name, batches[0]![k]!.type, true, c.metadata ? new Map(Object.entries(c.metadata)) : null));
  const schema = new Schema(fields);
  return new Table(batches.map((children) => new RecordBatch(schema, makeData({ type: new Struct(fields), length: children[0]!.length, nullCount: 0, children }))));
}
