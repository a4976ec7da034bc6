/**
 * Feature columns between Arrow and the core: which columns are features,
 * their values as float64 ColumnData, and the normalized columns that
 * replace them in the output (same name, position, nullability and list
 * structure; float32 or float64 values).
 */
import {
  type Data,
  DataType,
  type Decimal,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  LargeList,
  List,
  makeData,
  Precision,
  RecordBatch,
  Schema,
  Struct,
} from 'apache-arrow';
import type { Chunk } from '../../core/batcher.js';
import type { ColumnData, FloatArray } from '../../core/column.js';
import { decimalsToFloat64 } from '../../core/decimal.js';
import { firstInexact, type NumericArray, toFloat64 } from '../../core/to-float64.js';
import { bitmapToBytes, sliceBitmap } from '../arrow/bitmap.js';
import { withNormalizedPandas } from '../parquet/pandas-metadata.js';

/** The float type a normalized column is written as. */
export type FeatureDtype = 'float32' | 'float64';

/** A feature column of an input: where it is, how its values are laid out, and its output type. */
export interface Feature {
  readonly name: string;
  /** Position in the schema. */
  readonly index: number;
  readonly shape: 'scalar' | 'list' | 'large-list' | 'fixed-list';
  /** The values are IEEE half-precision bits. */
  readonly float16: boolean;
  readonly dtype: FeatureDtype;
}

/** Whether a type is integer, floating point or decimal. */
function isNumeric(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
}

/** The feature shape of a column type, or null when it is not numeric or a list of numbers. */
export function featureShape(type: DataType): Feature['shape'] | null {
  if (isNumeric(type)) return 'scalar';
  const child = (type as DataType & { children?: Field[] }).children?.[0]?.type;
  if (!child || !isNumeric(child)) return null;
  if (DataType.isList(type)) return 'list';
  if (DataType.isLargeList(type)) return 'large-list';
  if (DataType.isFixedSizeList(type)) return 'fixed-list';
  return null;
}

/** The numeric type of the values: the column's own, or its list elements'. */
export function leafType(type: DataType): DataType {
  return isNumeric(type) ? type : (type as DataType & { children: Field[] }).children[0]!.type;
}

/** A feature for schema field `index`, with the output dtype (default: float64 for float64 input, else float32). */
export function makeFeature(schema: Schema, index: number, dtype?: FeatureDtype): Feature {
  const field = schema.fields[index]!;
  const shape = featureShape(field.type);
  if (!shape) throw new Error(`column ${field.name} is not numeric`);
  const leaf = leafType(field.type);
  const float = DataType.isFloat(leaf) ? (leaf as { precision: Precision }).precision : null;
  return {
    name: field.name,
    index,
    shape,
    float16: float === Precision.HALF,
    dtype: dtype ?? (float === Precision.DOUBLE ? 'float64' : 'float32'),
  };
}

/** The values of a numeric Data (scalar, or a list's child range): float32 and float64 as they are, others widened. */
function numbers(data: Data, float16: boolean, from: number, to: number): FloatArray {
  if (DataType.isDecimal(data.type)) {
    const { bitWidth, scale } = data.type as Decimal;
    const stride = bitWidth / 32;
    return decimalsToFloat64((data.values as Uint32Array).subarray(from * stride, to * stride), to - from, bitWidth, scale);
  }
  const values = (data.values as NumericArray).subarray(from, to);
  return values instanceof Float32Array ? values : toFloat64(values, { float16 });
}

/** Marks the values of null rows of a list column as invalid, so that they stay out of the statistics. */
function maskNullRows(list: Data, valid: Uint8Array | undefined, rowStart: (r: number) => number, size: number): Uint8Array | undefined {
  if (list.nullCount === 0) return valid;
  const out = valid ?? new Uint8Array(size).fill(1);
  const rows = bitmapToBytes(list.nullBitmap!, list.offset, list.length);
  for (let r = 0; r < list.length; r++) {
    if (!rows[r]) out.fill(0, rowStart(r), rowStart(r + 1));
  }
  return out;
}

/** 64-bit list offsets as 32-bit ones (a feature's elements are counted in 32 bits), in a plain loop. */
function smallOffsets(offsets: BigInt64Array, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Number(offsets[i]!);
  return out;
}

/** A feature column of one batch as the core's ColumnData. */
export function columnData(data: Data, feature: Feature): ColumnData {
  if (feature.shape === 'scalar') {
    const valid = data.nullCount > 0 ? bitmapToBytes(data.nullBitmap!, data.offset, data.length) : undefined;
    return { values: numbers(data, feature.float16, 0, data.length), valid };
  }
  const child = data.children[0]!;
  if (feature.shape === 'fixed-list') {
    const size = (data.type as FixedSizeList).listSize;
    const n = data.length * size;
    const own = child.nullCount > 0 ? bitmapToBytes(child.nullBitmap!, child.offset, n) : undefined;
    const valid = maskNullRows(data, own, (r) => r * size, n);
    return { values: numbers(child, feature.float16, 0, n), valid, listSize: size };
  }
  const raw = data.valueOffsets as Int32Array | BigInt64Array;
  const offsets = raw instanceof Int32Array ? raw.subarray(0, data.length + 1) : smallOffsets(raw, data.length + 1);
  const from = offsets[0]!;
  const to = offsets[data.length]!;
  const own = child.nullCount > 0 ? bitmapToBytes(child.nullBitmap!, child.offset + from, to - from) : undefined;
  const valid = maskNullRows(data, own, (r) => offsets[r]! - from, to - from);
  return { values: numbers(child, feature.float16, from, to), valid, offsets };
}

/** The feature columns of a batch, in feature order. */
export function featureChunk(batch: RecordBatch, features: readonly Feature[]): Chunk {
  return { rows: batch.numRows, columns: features.map((f) => columnData(batch.data.children[f.index]!, f)) };
}

/**
 * Features of a batch holding 64-bit integers beyond 2^53, which float64
 * rounds (as torch's .double() does): the first such value of each.
 */
export function inexactIntegers(batch: RecordBatch, features: readonly Feature[]): { feature: Feature; value: bigint }[] {
  const found: { feature: Feature; value: bigint }[] = [];
  for (const feature of features) {
    let data = batch.data.children[feature.index]!;
    if (feature.shape !== 'scalar') data = data.children[0]!;
    const values = data.values;
    if (!(values instanceof BigInt64Array || values instanceof BigUint64Array)) continue;
    const i = firstInexact(values);
    if (i >= 0) found.push({ feature, value: values[i]! });
  }
  return found;
}

/** An output array for a feature column's values: at the start of `room` when it is long enough, else new. */
export function outputArray(column: ColumnData, feature: Feature, room?: ArrayBuffer): Float32Array | Float64Array {
  const n = column.values.length;
  const Out = feature.dtype === 'float64' ? Float64Array : Float32Array;
  return room && room.byteLength >= n * Out.BYTES_PER_ELEMENT ? new Out(room, 0, n) : new Out(n);
}

function floatType(dtype: FeatureDtype): Float32 | Float64 {
  return dtype === 'float64' ? new Float64() : new Float32();
}

/** The output type of a feature column: same structure, float values. */
function outputType(field: Field, feature: Feature): DataType {
  const value = floatType(feature.dtype);
  if (feature.shape === 'scalar') return value;
  const child = (field.type as DataType & { children: Field[] }).children[0]!;
  const item = new Field(child.name, value, child.nullable, child.metadata);
  if (feature.shape === 'list') return new List(item);
  if (feature.shape === 'large-list') return new LargeList(item);
  return new FixedSizeList((field.type as FixedSizeList).listSize, item);
}

/** The output schema: features replaced by their float columns (and so typed in pandas metadata), everything else as it was. */
export function outputSchema(schema: Schema, features: readonly Feature[]): Schema {
  const byIndex = new Map(features.map((f) => [f.index, f]));
  const fields = schema.fields.map((field, i) => {
    const feature = byIndex.get(i);
    return feature ? new Field(field.name, outputType(field, feature), field.nullable, field.metadata) : field;
  });
  const normalized = features.map((f) => ({ name: f.name, dtype: f.dtype, list: f.shape !== 'scalar' }));
  return new Schema(fields, withNormalizedPandas(schema.metadata, normalized));
}

/** The normalized Data of a feature column: the input's validity and list structure, `values` as its numbers. */
function featureData(data: Data, feature: Feature, type: DataType, values: Float32Array | Float64Array): Data {
  const nullBitmap = data.nullCount > 0 ? sliceBitmap(data.nullBitmap!, data.offset, data.length) : undefined;
  const base = { length: data.length, nullCount: data.nullCount, nullBitmap };
  if (feature.shape === 'scalar') return makeData({ type: type as Float64, data: values as Float64Array, ...base });
  const child = data.children[0]!;
  const childType = (type as DataType & { children: Field[] }).children[0]!.type as Float64;
  if (feature.shape === 'fixed-list') {
    const size = (data.type as FixedSizeList).listSize;
    const childBits = child.nullCount > 0 ? sliceBitmap(child.nullBitmap!, child.offset, data.length * size) : undefined;
    const item = makeData({ type: childType, length: values.length, nullCount: child.nullCount > 0 ? -1 : 0, nullBitmap: childBits, data: values as Float64Array });
    return makeData({ type: type as FixedSizeList, child: item, ...base });
  }
  const raw = data.valueOffsets as Int32Array | BigInt64Array;
  const first = raw[0]!;
  const childBits = child.nullCount > 0 ? sliceBitmap(child.nullBitmap!, child.offset + Number(first), values.length) : undefined;
  const item = makeData({ type: childType, length: values.length, nullCount: childBits ? -1 : 0, nullBitmap: childBits, data: values as Float64Array });
  // Offsets from the first row's: as they are when they start at 0 (a piece of pages, a batch of its own).
  if (raw instanceof BigInt64Array) {
    const valueOffsets = first === 0n ? raw.subarray(0, data.length + 1) : raw.subarray(0, data.length + 1).map((o) => o - (first as bigint));
    return makeData({ type: type as LargeList, child: item, valueOffsets, ...base });
  }
  const valueOffsets = first === 0 ? raw.subarray(0, data.length + 1) : raw.subarray(0, data.length + 1).map((o) => o - (first as number));
  return makeData({ type: type as List, child: item, valueOffsets, ...base });
}

/** The output batch: feature columns replaced by `outputs` (one values array per feature), the rest untouched. */
export function replaceFeatures(batch: RecordBatch, schema: Schema, features: readonly Feature[], outputs: readonly (Float32Array | Float64Array)[]): RecordBatch {
  const children = [...batch.data.children];
  features.forEach((feature, k) => {
    children[feature.index] = featureData(children[feature.index]!, feature, schema.fields[feature.index]!.type, outputs[k]!);
  });
  const data = makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(schema, data);
}
