/**
 * One dictionary per dictionary-typed column of a Parquet input, for the
 * whole input: the distinct strings (or byte strings) of the column in the
 * order they first appear, gathered over every row group before the first
 * batch. Every batch then shares the same dictionary, which an Arrow IPC
 * file requires (it cannot replace a dictionary) and Polars needs (it reads
 * no delta dictionaries). Indices keep the stored index type.
 */
import { type Data, type Dictionary, Int, makeData, makeVector, Utf8, Binary, Type, type Vector } from 'apache-arrow';
import { CorruptParquet, UnsupportedParquet } from './faults.js';

/** The distinct values of one column, and the indices of its batches into them. */
export class DictionaryValues {
  private readonly positions = new Map<string, number>();
  private readonly values: Uint8Array[] = [];
  private built: Vector | undefined;

  constructor(private readonly type: Dictionary) {}

  /** Adds the values of a Utf8 or Binary Data that are not in the dictionary yet. */
  add(data: Data): void {
    if (this.built) throw new Error('the dictionary is complete');
    eachValue(data, (key, bytes) => {
      if (!this.positions.has(key)) {
        this.positions.set(key, this.values.length);
        this.values.push(bytes);
      }
    });
  }

  /** The dictionary (of the stored value type) once every value was added; `restore` re-encodes Utf8 or Binary data into it. */
  vector(restore: (data: Data) => Data): Vector {
    if (this.built) return this.built;
    const { indices } = this.type;
    const capacity = 2 ** (indices.bitWidth - (indices.isSigned ? 1 : 0));
    if (this.values.length > capacity) {
      throw new UnsupportedParquet(`column of ${this.values.length} distinct values stored as a dictionary with ${String(indices)} indices`);
    }
    const plain = joinValues(this.values, isString(this.type) ? new Utf8() : new Binary());
    this.built = makeVector(restore(plain));
    return this.built;
  }

  /** The dictionary indices of a Utf8 or Binary Data (0 in null slots). */
  indices(data: Data): ArrayLike<number | bigint> {
    const out = new (this.type.indices as Int).ArrayType(data.length);
    const wide = out instanceof BigInt64Array || out instanceof BigUint64Array;
    eachValue(data, (key, _bytes, i) => {
      const position = this.positions.get(key);
      if (position === undefined) throw new CorruptParquet('a value changed between two reads of the column');
      out[i] = (wide ? BigInt(position) : position) as never;
    });
    return out;
  }
}

function isString(type: Dictionary): boolean {
  return [Type.Utf8, Type.LargeUtf8, Type.Utf8View].includes(type.dictionary.typeId);
}

/** Calls `f` with a key, the bytes and the slot of every valid slot of a Utf8 or Binary Data. */
function eachValue(data: Data, f: (key: string, bytes: Uint8Array, slot: number) => void): void {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const value = bytes.subarray(offsets[data.offset + i]!, offsets[data.offset + i + 1]!);
    f(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'), value, i);
  }
}

/** Utf8 or Binary data of `values`, none null. */
function joinValues(values: readonly Uint8Array[], type: Utf8 | Binary): Data {
  const valueOffsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((value, i) => (valueOffsets[i + 1] = total += value.length));
  const data = new Uint8Array(total);
  values.forEach((value, i) => data.set(value, valueOffsets[i]!));
  return makeData({ type, length: values.length, nullCount: 0, valueOffsets, data } as never);
}
