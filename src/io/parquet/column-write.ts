/**
 * Column chunks of any leaf from its levels and values (encode.ts):
 * BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY and
 * FIXED_LEN_BYTE_ARRAY, in DATA_PAGE_V2 pages that each start on a row and
 * end at the first row after PAGE_BYTES of values (as PLAIN bytes, or 4
 * bytes per dictionary index). Values are dictionary-encoded where that pays
 * (dictionary-out.ts), after a PLAIN dictionary page; otherwise
 * PLAIN (booleans RLE in chunks of more than 16 entries). Only the values
 * are compressed: V2 keeps the levels outside the compressed part. The
 * chunk's min/max are those of its distinct values when it has a dictionary.
 */
import type { OffsetIndex, ParquetType, SchemaElement } from 'hyparquet';
import { compress, type WriteCodec } from './codecs.js';
import { type Dictionary, dictionaryOf } from './dictionary-out.js';
import type { LeafPageData } from './encode.js';
import type { ChunkOut } from './file-write.js';
import type { EncodingCount } from './footer-write.js';
import { encodeLevels } from './levels.js';
import { writeDataPageHeader, writeDictionaryPageHeader } from './page-header-write.js';
import { PAGE_BYTES } from './pages-out.js';
import { type DenseValues, denseValues, plainBytes, plainSize, rleBooleans } from './plain-write.js';
import { bitWidthOf } from './rle.js';
import { MinMax, type SortOrder, sortOrder } from './statistics.js';
import { chunkStatistics } from './statistics-out.js';
import type { Writer } from './thrift-write.js';

const EMPTY = new Uint8Array(0);
const ENCODING_ORDER = ['PLAIN', 'RLE', 'RLE_DICTIONARY'] as const;

/** Writes the chunk of one leaf at the writer's position; `schemaPath` runs from the root to the leaf. */
export function writeColumnChunk(out: Writer, page: LeafPageData, schemaPath: readonly SchemaElement[], codec: WriteCodec): ChunkOut {
  const { leaf, values } = page;
  const element = leaf.element;
  const type = element.type!;
  const fixed = type === 'INT96' ? 12 : type === 'FIXED_LEN_BYTE_ARRAY' ? element.type_length! : 0;
  const def = leaf.def ? page.definitionLevels : undefined;
  const rep = leaf.maxRep ? page.repetitionLevels : undefined;
  const entries = def ? def.length : values.length;
  const dense = denseValues(type, values, def, leaf.def, entries);
  const dictionary = dictionaryOf(type, dense, fixed);
  const encoding = dictionary ? 'RLE_DICTIONARY' : type === 'BOOLEAN' && entries > 16 ? 'RLE' : 'PLAIN';
  const order = sortOrder(element);
  const minMax = order && new MinMax(order);
  if (minMax) addValues(minMax, order!, dictionary ? dictionary.values : dense);

  const start = out.offset;
  let uncompressed = 0;
  const counts: EncodingCount[] = [];
  if (dictionary) {
    const plain = plainBytes(type, dictionary.values, 0, dictionary.values.length, fixed);
    const packed = compress(codec, plain);
    writeDictionaryPageHeader(out, dictionary.values.length, plain.length, packed.length);
    uncompressed += out.offset - start + plain.length;
    out.appendBytes(packed);
    counts.push({ page_type: 'DICTIONARY_PAGE', encoding: 'PLAIN', count: 1 });
  }
  const dataStart = out.offset;
  const locations: OffsetIndex['page_locations'] = [];
  const repWidth = bitWidthOf(leaf.maxRep);
  const defWidth = bitWidthOf(leaf.def);
  let firstRow = 0;
  let e0 = 0;
  let v0 = 0;
  do {
    // Entries [e0, e1) and their values [v0, v1).
    let e1 = e0;
    let v1 = v0;
    let bytes = 0;
    while (e1 < entries && (bytes < PAGE_BYTES || e1 === e0 || (rep && rep[e1] !== 0))) {
      if (!def || def[e1] === leaf.def) {
        bytes += dictionary ? 4 : plainSize(dense, v1, fixed);
        v1++;
      }
      e1++;
    }
    const rows = rep ? rowsIn(rep, e0, e1) : e1 - e0;
    const repBytes = rep ? encodeLevels(rep, e1 - e0, repWidth, e0) : EMPTY;
    const defBytes = def ? encodeLevels(def, e1 - e0, defWidth, e0) : EMPTY;
    const data = pageValues(type, dense, dictionary, encoding, v0, v1, fixed);
    const packed = compress(codec, data);
    const pageStart = out.offset;
    writeDataPageHeader(out, {
      uncompressed_page_size: repBytes.length + defBytes.length + data.length,
      compressed_page_size: repBytes.length + defBytes.length + packed.length,
      num_values: e1 - e0,
      num_nulls: e1 - e0 - (v1 - v0),
      num_rows: rows,
      encoding,
      definition_levels_byte_length: defBytes.length,
      repetition_levels_byte_length: repBytes.length,
      is_compressed: codec !== 'UNCOMPRESSED',
    });
    uncompressed += out.offset - pageStart + repBytes.length + defBytes.length + data.length;
    out.appendBytes(repBytes);
    out.appendBytes(defBytes);
    out.appendBytes(packed);
    locations.push({ offset: BigInt(pageStart), compressed_page_size: out.offset - pageStart, first_row_index: BigInt(firstRow) });
    firstRow += rows;
    e0 = e1;
    v0 = v1;
  } while (e0 < entries);
  counts.push({ page_type: 'DATA_PAGE_V2', encoding, count: locations.length });

  const used = new Set<string>([dictionary ? 'PLAIN' : encoding]);
  if (dictionary) used.add('RLE_DICTIONARY');
  if (def || rep) used.add('RLE');
  return {
    chunk: {
      file_offset: BigInt(start),
      meta_data: {
        type,
        encodings: ENCODING_ORDER.filter((name) => used.has(name)),
        path_in_schema: schemaPath.slice(1).map((e) => e.name),
        codec,
        num_values: BigInt(entries),
        total_uncompressed_size: BigInt(uncompressed),
        total_compressed_size: BigInt(out.offset - start),
        data_page_offset: BigInt(dataStart),
        dictionary_page_offset: dictionary ? BigInt(start) : undefined,
        statistics: chunkStatistics(element, minMax, entries - dense.length),
        encoding_stats: counts,
      },
    },
    offsetIndex: locations.length > 1 ? { page_locations: locations } : undefined,
  };
}

/** The encoded values [v0, v1) of a page. */
function pageValues(type: ParquetType, dense: DenseValues, dictionary: Dictionary | undefined, encoding: string, v0: number, v1: number, fixed: number): Uint8Array {
  if (dictionary) {
    const runs = encodeLevels(dictionary.indexes, v1 - v0, dictionary.bitWidth, v0);
    const out = new Uint8Array(1 + runs.length);
    out[0] = dictionary.bitWidth;
    out.set(runs, 1);
    return out;
  }
  if (encoding === 'RLE') return rleBooleans(dense as Uint8Array, v0, v1);
  return plainBytes(type, dense, v0, v1, fixed);
}

function addValues(minMax: MinMax, order: SortOrder, values: DenseValues): void {
  if (!Array.isArray(values)) minMax.addTyped(values);
  else if (order === 'bytes') minMax.addBytes(values);
  else minMax.addDecoded(values);
}

function rowsIn(rep: ArrayLike<number>, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (rep[k] === 0) n++;
  return n;
}
