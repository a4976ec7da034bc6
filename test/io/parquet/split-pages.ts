/**
 * A copy of a Parquet file of one column and one row group whose column
 * chunk is written again as DATA_PAGE (v1) pages of a fixed number of level
 * entries, cut wherever that falls: in a list column, pages then start and
 * end in the middle of rows, which the format allows for v1 pages (writers
 * of whole-row pages make none). Values are PLAIN, levels RLE, pages
 * uncompressed; the footer keeps everything else, ARROW:schema included.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { chunkSpec, decodeColumnChunk } from '../../../src/io/parquet/decode.js';
import { chunkRange } from '../../../src/io/parquet/footer.js';
import { enumCode } from '../../../src/io/parquet/footer-fields.js';
import { MAGIC, writeFooter } from '../../../src/io/parquet/footer-write.js';
import { encodeLevels } from '../../../src/io/parquet/levels.js';
import { bitWidthOf } from '../../../src/io/parquet/rle.js';
import { leavesOf, planColumns } from '../../../src/io/parquet/schema.js';
import { CompactWriter } from '../../../src/io/parquet/thrift-write.js';

/** Levels with their 4-byte length, as a v1 page holds them (nothing when the maximum is 0). */
function levels(values: Uint8Array | undefined, from: number, to: number, max: number): Uint8Array {
  if (!max || !values) return new Uint8Array(0);
  const encoded = encodeLevels(values, to - from, bitWidthOf(max), from);
  const out = new Uint8Array(4 + encoded.length);
  new DataView(out.buffer).setUint32(0, encoded.length, true);
  out.set(encoded, 4);
  return out;
}

/**
 * Writes `target`: `source` with its one column chunk cut into v1 pages of
 * `perPage` level entries. Returns how many pages start inside a row.
 */
export function splitIntoV1Pages(source: string, target: string, perPage: number): number {
  const bytes = new Uint8Array(readFileSync(source));
  const metadata = parquetMetadata(bytes.buffer);
  const [plan] = planColumns(parquetSchema(metadata));
  const leaf = leavesOf(plan!.node!)[0]!;
  if (metadata.row_groups.length !== 1 || metadata.row_groups[0]!.columns.length !== 1) throw new Error('one column chunk expected');
  const chunk = metadata.row_groups[0]!.columns[0]!;
  const [start, end] = chunkRange(chunk);
  const decoded = decodeColumnChunk(bytes.subarray(start, end), chunkSpec(chunk, leaf));
  if (decoded.values.kind !== 'numeric') throw new Error('numeric values expected');
  const values = decoded.values.data;
  const out = new ByteWriter();
  out.appendBytes(MAGIC);
  let midRow = 0;
  let value = 0;
  for (let from = 0; from < decoded.length; from += perPage) {
    const to = Math.min(decoded.length, from + perPage);
    if (decoded.rep && decoded.rep[from] !== 0) midRow++;
    let present = to - from;
    if (decoded.def) {
      present = 0;
      for (let i = from; i < to; i++) if (decoded.def[i] === leaf.def) present++;
    }
    const slice = values.subarray(value, value + present);
    value += present;
    const body = [levels(decoded.rep, from, to, leaf.maxRep), levels(decoded.def, from, to, leaf.def), new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength)];
    const size = body.reduce((n, part) => n + part.length, 0);
    const w = new CompactWriter(out);
    w.message(() => {
      w.i32(1, enumCode('pageType', 'DATA_PAGE'));
      w.i32(2, size);
      w.i32(3, size);
      w.struct(5, () => {
        w.i32(1, to - from);
        w.i32(2, enumCode('encoding', 'PLAIN'));
        w.i32(3, enumCode('encoding', 'RLE'));
        w.i32(4, enumCode('encoding', 'RLE'));
      });
    });
    for (const part of body) out.appendBytes(part);
  }
  const meta = chunk.meta_data!;
  const size = BigInt(out.offset - 4);
  writeFooter(out, {
    version: 1,
    schema: metadata.schema,
    num_rows: metadata.row_groups[0]!.num_rows,
    row_groups: [{
      columns: [{
        file_offset: 4n,
        meta_data: {
          type: meta.type, encodings: ['PLAIN', 'RLE'], path_in_schema: meta.path_in_schema, codec: 'UNCOMPRESSED',
          num_values: meta.num_values, total_uncompressed_size: size, total_compressed_size: size, data_page_offset: 4n,
        },
      }],
      total_byte_size: size,
      num_rows: metadata.row_groups[0]!.num_rows,
    }],
    key_value_metadata: metadata.key_value_metadata,
    created_by: 'bn1d tests (pages cut inside rows)',
  });
  writeFileSync(target, out.getBytes());
  return midRow;
}
