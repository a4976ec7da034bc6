/**
 * Inputs of the compressor benchmark and tests: typical Parquet page payloads
 * (PLAIN values and RLE / bit-packed levels), from the real tables in
 * fixtures/real/ and from seeded generators. Imports the built library
 * (dist/), so run `npm run build` first.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parquetMetadata } from 'hyparquet';
import { readPageHeader } from '../dist/io/parquet/page-header-read.js';
import { ThriftReader } from '../dist/io/parquet/thrift-read.js';
import { seededRandom } from '../dist/core/random.js';
import { encodeLevels } from '../dist/io/parquet/levels.js';

const REAL = fileURLToPath(new URL('../fixtures/real/', import.meta.url));
export const MIB = 1 << 20;

/** The feature columns of a real table (every column but `target`), as numbers, with whether the CSV writes them as integers. */
export function realColumns(table) {
  const [header, ...lines] = readFileSync(`${REAL}${table}.csv`, 'utf8').trim().split('\n');
  const names = header.split(',');
  const rows = lines.map((line) => line.split(','));
  return names
    .map((name, c) => ({ name, integer: rows.every((row) => !/[.eE]/.test(row[c])), values: Float64Array.from(rows, (row) => Number(row[c])) }))
    .filter((column) => column.name !== 'target');
}

/** Bytes of typed arrays laid end to end, as consecutive PLAIN pages of one column each. */
export function concatBytes(arrays) {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

/** A column standardized as bn1d apply writes it: (x - mean) / sqrt(var + 1e-5). */
export function standardized(values) {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length;
  const scale = 1 / Math.sqrt(variance + 1e-5);
  return values.map((x) => (x - mean) * scale);
}

/** `n` normal floats (mean 3, sd 2), Box-Muller over a seeded source. */
export function normals(n, seed) {
  const random = seededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random.next()));
    const t = 2 * Math.PI * random.next();
    out[i] = 3 + 2 * r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = 3 + 2 * r * Math.sin(t);
  }
  return out;
}

/** Ascending int64 ids with occasional gaps (rows filtered out upstream). */
export function ids(n, seed) {
  const random = seededRandom(seed);
  const out = new BigInt64Array(n);
  let id = 1_700_000_000_000n;
  for (let i = 0; i < n; i++) {
    id += random.below(10) === 0 ? BigInt(2 + random.below(50)) : 1n;
    out[i] = id;
  }
  return out;
}

const WORDS = ['alpha', 'bravo', 'north', 'south', 'red', 'green', 'blue', 'small', 'large', 'customer', 'order', 'paid', 'refunded', 'pending', 'Berlin', 'Lisbon', 'Osaka', 'Lima', 'Nairobi', 'Toronto'];

/** A PLAIN BYTE_ARRAY page of at least `bytes` bytes: 4-byte little-endian lengths, then UTF-8 strings (skewed words and numbers). */
export function strings(bytes, seed) {
  const random = seededRandom(seed);
  const encoder = new TextEncoder();
  const out = new Uint8Array(bytes + 256);
  const view = new DataView(out.buffer);
  let at = 0;
  while (at < bytes) {
    const word = (k) => WORDS[Math.floor(WORDS.length * random.next() ** (k + 1))];
    const text = `${word(1)}-${word(2)} #${random.below(100_000)}${random.below(4) === 0 ? ` ${word(0)}` : ''}`;
    const { written } = encoder.encodeInto(text, out.subarray(at + 4));
    view.setUint32(at, written, true);
    at += 4 + written;
  }
  return out.subarray(0, at);
}

/** Definition levels (bit width 1) of `n` rows with nulls at `rate`, in runs of about `run` rows, RLE / bit-packed. */
export function levels(n, rate, run, seed) {
  const random = seededRandom(seed);
  const values = new Uint8Array(n);
  let present = 1;
  for (let i = 0; i < n; i++) {
    if (random.below(run) === 0) present = random.next() < rate ? 0 : 1;
    values[i] = present;
  }
  return encodeLevels(values, n, 1);
}

/** Uniformly random int64 ids (hashes, UUID halves): no two bytes alike from one value to the next. */
export function randomIds(n, seed) {
  const random = seededRandom(seed);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt.asIntN(64, (BigInt(random.nextUint32()) << 32n) | BigInt(random.nextUint32()));
  return out;
}

/** A PLAIN BYTE_ARRAY page of strings, each as a 4-byte little-endian length and its UTF-8 bytes. */
export function plainStrings(texts) {
  const encoder = new TextEncoder();
  const parts = [];
  for (const text of texts) {
    const bytes = encoder.encode(text);
    parts.push(Uint32Array.of(bytes.length), bytes);
  }
  return concatBytes(parts);
}

/** The cells of a real table's CSV as text, column by column (numbers a CSV import leaves as strings). */
export function realCells(table) {
  const [, ...lines] = readFileSync(`${REAL}${table}.csv`, 'utf8').trim().split('\n');
  const rows = lines.map((line) => line.split(','));
  return rows[0].flatMap((_, c) => rows.map((row) => row[c]));
}

/**
 * The data of an RLE_DICTIONARY page: the bit width, then the indices of `n`
 * rows into a dictionary of `size` (at most 256) entries, skewed to the
 * first ones, in runs of about `run` rows.
 */
export function dictionaryIndices(n, size, run, seed) {
  const random = seededRandom(seed);
  const width = Math.max(1, Math.ceil(Math.log2(size)));
  const values = new Uint8Array(n);
  let index = 0;
  for (let i = 0; i < n; i++) {
    if (random.below(run) === 0) index = Math.floor(size * random.next() ** 2);
    values[i] = index;
  }
  return concatBytes([Uint8Array.of(width), encodeLevels(values, n, width)]);
}

/**
 * The inputs of the Snappy benchmark and tests: the compressor benchmark's,
 * and more of what a Parquet writer compresses: every real feature
 * standardized (bn1d apply's output) as float32 and float64, random int64
 * ids, strings of real text, dictionary indices.
 */
export function snappyInputs() {
  const all = ['wine', 'breast_cancer', 'diabetes', 'digits'].flatMap(realColumns);
  const cells = ['wine', 'breast_cancer', 'diabetes', 'digits'].flatMap(realCells);
  return [
    ...compressorInputs(),
    { name: 'all real features standardized, float32', bytes: concatBytes(all.map((c) => Float32Array.from(standardized(c.values)))) },
    { name: 'all real features standardized, float64, first 1 MiB', bytes: concatBytes(all.map((c) => standardized(c.values))).subarray(0, MIB) },
    { name: 'random int64 ids, 1 MiB', bytes: concatBytes([randomIds(MIB / 8, 9)]) },
    { name: 'real CSV cells as strings, length-prefixed', bytes: plainStrings(cells) },
    { name: 'dictionary indices, 20 entries, 1M rows', bytes: dictionaryIndices(1 << 20, 20, 1, 10) },
    { name: 'dictionary indices, 200 entries, runs', bytes: dictionaryIndices(1 << 20, 200, 30, 11) },
  ];
}

/**
 * Every page of every column chunk of a Parquet file: its column's path, its
 * type, and the bytes its codec compressed (a DATA_PAGE_V2's after its
 * levels, which stay uncompressed) with their size uncompressed. Of a file
 * written UNCOMPRESSED, `data` is what a compressor would be given.
 */
export function parquetPages(file) {
  const pages = [];
  for (const group of parquetMetadata(file.slice().buffer).row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      let offset = start;
      while (offset < end) {
        const reader = new ThriftReader(file, offset, end, 'page header');
        const header = readPageHeader(reader);
        const body = file.subarray(reader.pos, reader.pos + header.compressed_page_size);
        offset = reader.pos + header.compressed_page_size;
        const v2 = header.data_page_header_v2;
        const levels = v2 ? v2.definition_levels_byte_length + v2.repetition_levels_byte_length : 0;
        pages.push({ path: meta.path_in_schema.join('.'), type: header.type, codec: meta.codec, data: body.subarray(levels), size: header.uncompressed_page_size - levels });
      }
    }
  }
  return pages;
}

/** The benchmark's inputs: name and bytes, real tables first. */
export function compressorInputs() {
  const tables = ['wine', 'breast_cancer', 'diabetes', 'digits'].map(realColumns);
  const floats = tables.flat().filter((c) => !c.integer);
  const digits = tables[3];
  const f64 = (columns) => concatBytes(columns.map((c) => c.values));
  const realFloat64 = concatBytes(tables.flat().map((c) => c.values));
  return [
    { name: 'wine features, float64', bytes: f64(tables[0]) },
    { name: 'breast_cancer features, float64', bytes: f64(tables[1]) },
    { name: 'real float features standardized, float64', bytes: concatBytes(floats.map((c) => standardized(c.values))) },
    { name: 'real float features standardized, float32', bytes: concatBytes(floats.map((c) => Float32Array.from(standardized(c.values)))) },
    { name: 'digits pixels standardized, float32', bytes: concatBytes(digits.map((c) => Float32Array.from(standardized(c.values)))) },
    { name: 'digits pixels, int64', bytes: concatBytes(digits.map((c) => BigInt64Array.from(c.values, BigInt))) },
    { name: 'all real features, float64, first 1 MiB', bytes: realFloat64.subarray(0, MIB) },
    { name: 'normal floats, float64, 1 MiB', bytes: concatBytes([normals(MIB / 8, 1)]) },
    { name: 'normal floats, float32, 1 MiB', bytes: concatBytes([Float32Array.from(normals(MIB / 4, 2))]) },
    { name: 'int64 ids, 1 MiB', bytes: concatBytes([ids(MIB / 8, 3)]) },
    { name: 'strings, length-prefixed, 1 MiB', bytes: strings(MIB, 4).subarray(0, MIB) },
    { name: 'definition levels, 5% nulls', bytes: levels(1 << 20, 0.05, 1, 5) },
    { name: 'definition levels, null runs', bytes: levels(1 << 20, 0.3, 200, 6) },
  ];
}
