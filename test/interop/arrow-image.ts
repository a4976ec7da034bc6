/**
 * Exact text images of apache-arrow types and values, for comparing what
 * apache-arrow reads from an input and from an output: a field's full type
 * (children, nullability, metadata), and each slot's exact value: the
 * integers of fixed-width values (the bits of floats), the text of strings
 * and the bytes of binaries (views decoded by apache-arrow), a dictionary's
 * value, a union's type id and value, nested brackets for lists, maps and
 * structs.
 */
import { type Data, DataType, type Dictionary, type Field, Type, type Union, UnionMode, Vector } from 'apache-arrow';

/** A field as text: name, nullability, full type and metadata. */
export function fieldImage(field: Field): string {
  const metadata = field.metadata.size ? ` ${JSON.stringify([...field.metadata].sort())}` : '';
  return `${field.name}${field.nullable ? '' : ' not null'}: ${typeImage(field.type)}${metadata}`;
}

/** A type as text, with its children's fields (String() leaves out their names and nullability). */
export function typeImage(type: DataType): string {
  if (DataType.isDictionary(type)) {
    const dictionary = type as Dictionary;
    return `Dictionary<${dictionary.indices}, ${typeImage(dictionary.dictionary)}${dictionary.isOrdered ? ', ordered' : ''}>`;
  }
  if (!type.children?.length) return String(type);
  const head = String(type).split('<')[0];
  const mode = DataType.isUnion(type) ? `[${Type[type.typeId]} ${(type as Union).mode} ${(type as Union).typeIds.join(',')}]` : '';
  const sorted = DataType.isMap(type) && type.keysSorted ? '[sorted]' : '';
  return `${head}${mode}${sorted}<${type.children.map(fieldImage).join(', ')}>`;
}

/** Whether each slot is valid, or null when all are. */
function validity(data: Data): ((i: number) => boolean) | null {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return null;
  return (i) => ((bitmap[(data.offset + i) >> 3]! >> ((data.offset + i) & 7)) & 1) === 1;
}

/** A fixed-width buffer as integers of the slot width: float bits as integers. */
function words(values: ArrayBufferView & ArrayLike<number | bigint>): ArrayLike<number | bigint> {
  if (values instanceof Float64Array) return new BigInt64Array(values.buffer, values.byteOffset, values.length);
  if (values instanceof Float32Array) return new Int32Array(values.buffer, values.byteOffset, values.length);
  return values;
}

/** A slot's image: null, a fixed-width slot's integer (compared without making text), or text. */
export type Image = string | number | bigint | null;

const joined = (items: Image[]) => items.map(String).join(',');

/** The image of every valid slot, before nulls are marked. */
function valueImages(data: Data): (i: number) => Image {
  const type = data.type;
  switch (type.typeId) {
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return (i) => (((bits[(data.offset + i) >> 3]! >> ((data.offset + i) & 7)) & 1) === 1 ? 'true' : 'false');
    }
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      // Strings as their text, binaries as latin1 (one character a byte): exact either way.
      const encoding = type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8 ? 'utf8' : 'latin1';
      const values = data.values as Uint8Array;
      const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      return (i) => JSON.stringify(bytes.toString(encoding, Number(offsets[i]!), Number(offsets[i + 1]!)));
    }
    case Type.Utf8View:
    case Type.BinaryView: {
      const vector = new Vector([data]);
      return (i) => {
        const value = vector.get(i) as string | Uint8Array;
        return JSON.stringify(typeof value === 'string' ? value : Buffer.from(value).toString('latin1'));
      };
    }
    case Type.Dictionary: {
      const dictionary = data.dictionary!.data.flatMap((d) => dataImage(d));
      const indices = data.values as ArrayLike<number | bigint>;
      return (i) => dictionary[Number(indices[i]!)] ?? `<index ${indices[i]} out of range>`;
    }
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const items = dataImage(data.children[0]!);
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      return (i) => `[${joined(items.slice(Number(offsets[i]!), Number(offsets[i + 1]!)))}]`;
    }
    case Type.FixedSizeList: {
      const items = dataImage(data.children[0]!);
      const size = (type as DataType & { listSize: number }).listSize;
      return (i) => `[${joined(items.slice(i * size, (i + 1) * size))}]`;
    }
    case Type.Struct: {
      const fields = data.children.map((child, c) => [type.children[c]!.name, dataImage(child)] as const);
      return (i) => `{${fields.map(([name, image]) => `${name}:${image[i]}`).join(',')}}`;
    }
    case Type.Union: {
      const union = type as Union;
      const children = data.children.map((child) => dataImage(child));
      const dense = union.mode === UnionMode.Dense;
      return (i) => {
        const id = data.typeIds[i]!;
        return `${id}:${children[union.typeIdToChildIndex[id]!]![dense ? Number(data.valueOffsets[i]!) : i]}`;
      };
    }
    default: {
      // Fixed width: the slot's integers, several for decimals, intervals and fixed-size binaries.
      const w = words(data.values as ArrayBufferView & ArrayLike<number | bigint>);
      const stride = data.stride;
      if (stride === 1) return (i) => w[i]!;
      return (i) => {
        let text = String(w[i * stride]);
        for (let k = 1; k < stride; k++) text += `:${w[i * stride + k]}`;
        return text;
      };
    }
  }
}

/** Exact image of every slot of `data`: null, or the slot's value. */
export function dataImage(data: Data): Image[] {
  if (data.type.typeId === Type.Null) return new Array<Image>(data.length).fill(null);
  const valid = validity(data);
  const image = valueImages(data);
  return Array.from({ length: data.length }, (_, i) => (valid && !valid(i) ? null : image(i)));
}

/** Every slot image of a column across its Data. */
export function columnImage(vector: Vector): Image[] {
  return vector.data.flatMap((data) => dataImage(data));
}

function sameBytes(a: ArrayBufferView | undefined, b: ArrayBufferView | undefined, bytes?: number): boolean {
  if (!a || !b) return !a === !b;
  const x = Buffer.from(a.buffer, a.byteOffset, bytes ?? a.byteLength);
  const y = Buffer.from(b.buffer, b.byteOffset, bytes ?? b.byteLength);
  return (bytes === undefined || (a.byteLength >= bytes && b.byteLength >= bytes)) && x.equals(y);
}

/**
 * Whether two Data hold the same bytes in every buffer, children and
 * dictionaries included: then their values are equal, without making
 * images (a pass-through column usually keeps its buffers). False says
 * nothing: bytes under nulls may differ.
 */
export function sameData(a: Data, b: Data): boolean {
  if (a.length !== b.length || a.offset !== 0 || b.offset !== 0 || typeImage(a.type) !== typeImage(b.type)) return false;
  if (a.nullCount !== b.nullCount) return false;
  if (a.nullCount > 0 && !sameBytes(a.nullBitmap, b.nullBitmap, a.length >> 3)) return false;
  const tail = a.length & 7;
  if (a.nullCount > 0 && tail && ((a.nullBitmap![a.length >> 3]! ^ b.nullBitmap![a.length >> 3]!) & ((1 << tail) - 1)) !== 0) return false;
  if (a.type.typeId === Type.Null) return true;
  if (a.type.typeId === Type.Utf8View || a.type.typeId === Type.BinaryView) return false;
  const fixed = a.type.typeId !== Type.Bool && !a.valueOffsets && a.values && a.children.length === 0 && !DataType.isDictionary(a.type);
  const valueBytes = fixed ? a.length * a.stride * (a.values as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : undefined;
  if (a.type.typeId !== Type.Bool && !sameBytes(a.values, b.values, valueBytes)) return false;
  if (a.type.typeId === Type.Bool && !sameBytes(a.values, b.values, Math.ceil(a.length / 8))) return false;
  if (!sameBytes(a.valueOffsets, b.valueOffsets) || !sameBytes(a.typeIds, b.typeIds)) return false;
  if (a.children.length !== b.children.length || a.children.some((child, c) => !sameData(child, b.children[c]!))) return false;
  if (!a.dictionary) return !b.dictionary;
  return !!b.dictionary && a.dictionary.data.length === b.dictionary.data.length && a.dictionary.data.every((d, k) => sameData(d, b.dictionary!.data[k]!));
}

/** Whether two columns are chunked alike and every chunk holds the same bytes. */
export function sameColumn(a: Vector, b: Vector): boolean {
  return a.data.length === b.data.length && a.data.every((d, k) => sameData(d, b.data[k]!));
}
