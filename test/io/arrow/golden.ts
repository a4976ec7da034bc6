/**
 * Checks decoded Arrow data against the integration-test JSON that comes with
 * each arrow-testing file: validity, every value of every valid slot (64-bit
 * integers exactly), offsets, type ids and dictionaries, recursively. The
 * values are read from the raw buffers, not through apache-arrow's getters.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Data, RecordBatch } from 'apache-arrow';

/** Parsed JSON of the golden files. */
type Json = any;

/** A golden file, with integers beyond 2^53 kept as strings. */
export function readGolden(path: string): Json {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  return JSON.parse(text.replace(/(?<=[:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '"$1"'));
}

/** Every difference between the batches and the golden's batches, as readable lines ([] when equal). */
export function compareToGolden(batches: readonly RecordBatch[], golden: Json): string[] {
  const out: string[] = [];
  const dictionaries = new Map<number, Json>((golden.dictionaries ?? []).map((d: Json) => [d.id, d.data.columns[0]]));
  const expected = golden.batches as Json[];
  if (batches.length !== expected.length) out.push(`${batches.length} batches, ${expected.length} expected`);
  batches.forEach((batch, b) => {
    if (!expected[b]) return;
    if (batch.numRows !== expected[b].count) out.push(`batch ${b}: ${batch.numRows} rows, ${expected[b].count} expected`);
    golden.schema.fields.forEach((field: Json, c: number) => {
      const data = batch.data.children[c];
      if (!data) out.push(`batch ${b}: column ${c} missing`);
      else compareColumn(data, expected[b].columns[c], field, `batch ${b} ${field.name}`, dictionaries, out);
    });
  });
  return out;
}

function compareColumn(data: Data, column: Json, field: Json, at: string, dictionaries: Map<number, Json>, out: string[]): void {
  if (data.length !== column.count) {
    out.push(`${at}: length ${data.length}, ${column.count} expected`);
    return;
  }
  const valid = (i: number): boolean => (column.VALIDITY ? column.VALIDITY[i] === 1 : true);
  if (column.VALIDITY && field.type.name !== 'union') {
    for (let i = 0; i < data.length; i++) {
      if (data.getValid(i) !== valid(i)) out.push(`${at}[${i}]: validity ${data.getValid(i)}, ${valid(i)} expected`);
    }
  }
  if (field.dictionary) {
    const width = field.dictionary.indexType.bitWidth / 8;
    compareValues(data, column.DATA.map(normalize), valid, width, (bytes) => int(bytes, field.dictionary.indexType.isSigned), at, out);
    const chunks = (data.dictionary as Json)?.data as Data[] | undefined;
    if (chunks?.length !== 1) out.push(`${at}: dictionary in ${chunks?.length} chunks`);
    else compareColumn(chunks[0]!, dictionaries.get(field.dictionary.id), { ...field, dictionary: undefined }, `${at} dictionary`, dictionaries, out);
    return;
  }
  const type = field.type;
  const children = (list: readonly Data[]): void =>
    field.children.forEach((child: Json, k: number) => compareColumn(list[k]!, column.children[k], child, `${at}.${child.name}`, dictionaries, out));
  switch (type.name) {
    case 'null':
      return;
    case 'bool':
      for (let i = 0; i < data.length; i++) {
        const bit = ((data.values[(data.offset + i) >> 3] >> ((data.offset + i) & 7)) & 1) === 1;
        if (valid(i) && bit !== column.DATA[i]) out.push(`${at}[${i}]: ${bit}, ${column.DATA[i]} expected`);
      }
      return;
    case 'utf8':
    case 'largeutf8':
    case 'binary':
    case 'largebinary':
      compareOffsets(data.valueOffsets, column.OFFSET, data.offset, at, out);
      for (let i = 0; i < data.length; i++) {
        const bytes = (data.values as Uint8Array).subarray(Number(data.valueOffsets[i]), Number(data.valueOffsets[i + 1]));
        const value = type.name.endsWith('utf8') ? new TextDecoder().decode(bytes) : hex(bytes);
        if (valid(i) && value !== column.DATA[i]) out.push(`${at}[${i}]: ${value}, ${column.DATA[i]} expected`);
      }
      return;
    case 'binaryview':
    case 'utf8view':
      return compareViews(data, column, valid, type.name === 'utf8view', at, out);
    case 'listview':
    case 'largelistview':
      return compareListViews(data, column, field, valid, at, dictionaries, out);
    case 'list':
    case 'largelist':
    case 'map':
      compareOffsets(data.valueOffsets, column.OFFSET, data.offset, at, out);
      return children(data.children);
    case 'fixedsizelist':
    case 'struct':
      return children(data.children);
    case 'union':
      compareInts(data.typeIds.subarray(data.offset, data.offset + data.length), column.TYPE_ID, at, out);
      if (type.mode === 'DENSE') compareInts(data.valueOffsets.subarray(data.offset, data.offset + data.length), column.OFFSET, at, out);
      return children(data.children);
    default: {
      const [width, decode, expect] = scalar(type);
      compareValues(data, column.DATA.map(expect), valid, width, decode, at, out);
    }
  }
}

/**
 * A list view read as a list: each valid row has its size, and every value
 * of the list's child is the golden child's value it came from (the child
 * is the file's own when the offsets match, else gathered, for flat children).
 */
function compareListViews(data: Data, column: Json, field: Json, valid: (i: number) => boolean, at: string, dictionaries: Map<number, Json>, out: string[]): void {
  const child = data.children[0]!;
  const source = Array.from({ length: child.length }, (_, j) => j);
  for (let i = 0; i < data.length; i++) {
    const from = Number(data.valueOffsets[data.offset + i]);
    const size = Number(data.valueOffsets[data.offset + i + 1]) - from;
    const want = Number(column.SIZE[i]);
    if (valid(i) && size !== want) out.push(`${at}[${i}]: ${size} values, ${want} expected`);
    if (size === want) for (let k = 0; k < size; k++) source[from + k] = Number(column.OFFSET[i]) + k;
  }
  const golden = column.children[0];
  const same = source.every((s, j) => s === j);
  if (!same && golden.children?.length) out.push(`${at}: gathered nested values cannot be compared`);
  const gathered = same ? golden : { ...golden, count: child.length, VALIDITY: source.map((s) => golden.VALIDITY[s]), DATA: source.map((s) => golden.DATA[s]) };
  compareColumn(child, gathered, field.children[0], `${at}.${field.children[0].name}`, dictionaries, out);
}

/** Bytes per value, a decoder to the golden's notation, and the golden's value as stored, for fixed-width types. */
function scalar(type: Json): [number, (bytes: Uint8Array) => unknown, (value: unknown) => unknown] {
  const unitWidth = (u: string) => (u === 'SECOND' || u === 'MILLISECOND' ? 4 : 8);
  switch (type.name) {
    case 'int':
      return [type.bitWidth / 8, (b) => int(b, type.isSigned), normalize];
    case 'floatingpoint':
      if (type.precision === 'HALF') return [2, (b) => half(b[0]! | (b[1]! << 8)), normalize];
      if (type.precision === 'SINGLE') return [4, (b) => view(b).getFloat32(0, true), (v) => Math.fround(v as number)];
      return [8, (b) => view(b).getFloat64(0, true), normalize];
    case 'decimal':
      return [(type.bitWidth ?? 128) / 8, (b) => String(signed(b)), String];
    case 'date':
      return [type.unit === 'DAY' ? 4 : 8, (b) => int(b, true), normalize];
    case 'time':
      return [type.bitWidth / 8 || unitWidth(type.unit), (b) => int(b, true), normalize];
    case 'timestamp':
    case 'duration':
      return [8, (b) => int(b, true), normalize];
    case 'fixedsizebinary':
      return [type.byteWidth, hex, normalize];
    case 'interval':
      if (type.unit === 'YEAR_MONTH') return [4, (b) => int(b, true), normalize];
      if (type.unit === 'DAY_TIME') {
        return [8, (b) => ({ days: int(b.subarray(0, 4), true), milliseconds: int(b.subarray(4), true) }), normalize];
      }
      return [16, (b) => ({ months: int(b.subarray(0, 4), true), days: int(b.subarray(4, 8), true), nanoseconds: int(b.subarray(8), true) }), normalize];
    default:
      throw new Error(`no golden comparison for type ${type.name}`);
  }
}

function compareValues(data: Data, expected: Json[], valid: (i: number) => boolean, width: number, decode: (bytes: Uint8Array) => unknown, at: string, out: string[]): void {
  const values = data.values as ArrayBufferView;
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  for (let i = 0; i < data.length; i++) {
    if (!valid(i)) continue;
    const start = (data.offset + i) * width;
    if (start + width > bytes.length) {
      out.push(`${at}[${i}]: outside the data buffer`);
      continue;
    }
    const got = JSON.stringify(decode(bytes.subarray(start, start + width)));
    const want = JSON.stringify(expected[i]);
    if (got !== want) out.push(`${at}[${i}]: ${got}, ${want} expected`);
  }
}

/** The golden writes 64-bit integers as strings; integers are compared as numbers when they are safe. */
function normalize(value: unknown): unknown {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

function compareOffsets(offsets: ArrayLike<number | bigint>, expected: Json[], offset: number, at: string, out: string[]): void {
  for (let i = 0; i < expected.length; i++) {
    if (String(offsets[offset + i]) !== String(expected[i])) out.push(`${at}: offset ${i} is ${offsets[offset + i]}, ${expected[i]} expected`);
  }
}

function compareInts(values: ArrayLike<number>, expected: Json[], at: string, out: string[]): void {
  if (Array.from(values).join() !== expected.join()) out.push(`${at}: [${Array.from(values)}], [${expected}] expected`);
}

function compareViews(data: Data, column: Json, valid: (i: number) => boolean, utf8: boolean, at: string, out: string[]): void {
  const views = data.values as Uint8Array;
  const buffers = ((data as Json).variadicBuffers ?? []) as Uint8Array[];
  for (let i = 0; i < data.length; i++) {
    if (!valid(i)) continue;
    const v = views.subarray(16 * (data.offset + i), 16 * (data.offset + i + 1));
    const size = int(v.subarray(0, 4), true) as number;
    const bytes = size <= 12 ? v.subarray(4, 4 + size) : buffers[int(v.subarray(8, 12), true) as number]!.subarray(int(v.subarray(12), true) as number).subarray(0, size);
    const spec = column.VIEWS[i];
    const want = spec.INLINED ?? column.VARIADIC_DATA_BUFFERS[spec.BUFFER_INDEX].slice(2 * spec.OFFSET, 2 * (spec.OFFSET + spec.SIZE));
    const got = utf8 && spec.INLINED !== undefined ? new TextDecoder().decode(bytes) : hex(bytes);
    if (got !== want) out.push(`${at}[${i}]: ${got}, ${want} expected`);
  }
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A little-endian integer of 1 to 8 bytes; a number when it is safe, else its decimal string. */
function int(bytes: Uint8Array, isSigned: boolean): number | string {
  const value = isSigned ? signed(bytes) : unsigned(bytes);
  return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
}

function unsigned(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let k = bytes.length - 1; k >= 0; k--) value = (value << 8n) | BigInt(bytes[k]!);
  return value;
}

function signed(bytes: Uint8Array): bigint {
  const value = unsigned(bytes);
  const bits = BigInt(8 * bytes.length);
  return value >= 1n << (bits - 1n) ? value - (1n << bits) : value;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
