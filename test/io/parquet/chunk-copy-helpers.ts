/**
 * Rewriting a Parquet file through ParquetFrame with its column chunks
 * copied (chunk-copy.ts), some columns re-encoded from their values if
 * asked, and the row groups in any order; and what the tests compare
 * between the input and the output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { RecordBatch } from 'apache-arrow';
import { type FileMetaData, parquetMetadata, parquetReadObjects, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ByteWriter } from 'hyparquet-writer';
import { openFileRange } from '../../../src/io/files/file-range.js';
import { keyValueMetadata } from '../../../src/io/parquet/arrow-schema.js';
import { appendCopiedChunk, canCopyColumn } from '../../../src/io/parquet/chunk-copy.js';
import { readSourceChunk } from '../../../src/io/parquet/chunk-source.js';
import { writeColumnChunk } from '../../../src/io/parquet/column-write.js';
import { encodeParts } from '../../../src/io/parquet/encode.js';
import { type FrameChunk, ParquetFrame } from '../../../src/io/parquet/file-write.js';
import { chunkRange, readFooter } from '../../../src/io/parquet/footer.js';
import { rawFooterOf } from '../../../src/io/parquet/raw-footer.js';
import { openParquet } from '../../../src/io/parquet/read.js';
import { fileSchema, planWrite } from '../../../src/io/parquet/write-plan.js';

export interface CopyOptions {
  /** Row groups in the order the output holds them (default: the input's). */
  groups?: readonly number[];
  /** Top-level columns written from their values through the writer's own encoder instead. */
  encode?: readonly string[];
  /** Bytes of 0xFF between the opening magic and the first row group, which no offset may point at. */
  gap?: number;
}

/** One copied chunk: where its pages were and are. */
export interface Moved {
  group: number;
  leaf: number;
  from: number;
  to: number;
  length: number;
}

export interface CopyResult {
  moved: Moved[];
  /** What the copy left out (page indexes or bloom filters that could not be read). */
  dropped: string[];
}

/** One output column: its name, and each leaf's root-to-leaf schema elements (in file order). */
interface Column {
  name: string;
  leafPaths: readonly (readonly SchemaElement[])[];
  /** Writes the column's chunks of one row group by encoding its values (encoded columns only). */
  encode?: (writer: ByteWriter, batch: RecordBatch) => FrameChunk[];
}

/** Writes `input` to `output` with every chunk copied, except the columns options.encode names. */
export async function copyParquet(input: string, output: string, options: CopyOptions = {}): Promise<CopyResult> {
  const file = await openFileRange(input);
  try {
    const footer = await readFooter(file, input);
    const raw = rawFooterOf(footer);
    const writer = new ByteWriter(1 << 16);
    let columns: Column[];
    let frame: ParquetFrame;
    let batches: RecordBatch[] = [];
    if (options.encode?.length) {
      const reader = await openParquet(input, input);
      for await (const batch of reader.batches()) batches.push(batch);
      const plan = planWrite(reader.schema, reader.parquetColumns);
      columns = plan.map((column, c) => ({
        name: column.name,
        leafPaths: column.leafPaths,
        encode: options.encode!.includes(column.name)
          ? (out, batch) => encodeParts(column.node, [batch.data.children[c]!], column.name).map((page, p) => writeColumnChunk(out, page, column.leafPaths[p]!, 'SNAPPY'))
          : undefined,
      }));
      frame = new ParquetFrame(writer, fileSchema(plan), { createdBy: 'bn1d', keyValueMetadata: keyValueMetadata(reader.schema, plan) });
      await reader.close();
    } else {
      const paths = footer.leafPaths.map((path) => path.map((node) => node.element));
      columns = paths.map((path, leaf) => ({ name: String(leaf), leafPaths: [path] }));
      frame = new ParquetFrame(writer, footer.metadata.schema, { createdBy: 'bn1d', keyValueMetadata: footer.metadata.key_value_metadata });
    }
    writer.appendBytes(new Uint8Array(options.gap ?? 0).fill(0xff));
    // Batches come one per row group with rows.
    const all = Array.from({ length: footer.index.rowGroupCount }, (_, g) => g);
    const nonEmpty = all.filter((g) => footer.index.rows(g) > 0);
    const result: CopyResult = { moved: [], dropped: [] };
    for (const g of options.groups ?? all) {
      const start = writer.offset;
      const chunks: FrameChunk[] = [];
      let leaf = 0;
      for (const column of columns) {
        if (column.encode) {
          chunks.push(...column.encode(writer, batches[nonEmpty.indexOf(g)]!));
          leaf += column.leafPaths.length;
          continue;
        }
        for (const path of column.leafPaths) {
          if (!canCopyColumn(footer, leaf, path)) throw new Error(`${input}: leaf ${leaf} cannot be copied`);
          const source = await readSourceChunk(file, raw, g, leaf, input);
          const to = writer.offset;
          chunks.push(appendCopiedChunk(writer, source, path));
          result.moved.push({ group: g, leaf, from: source.start, to, length: source.bytes.length });
          result.dropped.push(...source.dropped.map((what) => `${g}/${leaf}: ${what}`));
          leaf++;
        }
      }
      frame.rowGroup(chunks, footer.index.rows(g), start);
    }
    frame.finish();
    writeFileSync(output, writer.getBytes());
    batches = [];
    return result;
  } finally {
    await file.close();
  }
}

/** Each copied chunk's pages in the output equal the input's, at the output's own offsets (hyparquet reads the output's footer). */
export function sameChunkBytes(input: string, output: string, moved: readonly Moved[], groups?: readonly number[]): boolean {
  const before = readFileSync(input);
  const after = readFileSync(output);
  const metadata = parquetMetadata(new Uint8Array(after).buffer);
  const order = groups ?? metadata.row_groups.map((_, g) => g);
  return moved.every(({ group, leaf, from, to, length }) => {
    const [start, end] = chunkRange(metadata.row_groups[order.indexOf(group)]!.columns[leaf]!);
    return start === to && end - start === length && Buffer.compare(before.subarray(from, from + length), after.subarray(start, end)) === 0;
  });
}

/** The row groups of a file, last first. */
export function reversed(path: string): number[] {
  const groups = metadataOf(path).row_groups.length;
  return Array.from({ length: groups }, (_, g) => groups - 1 - g);
}

/** The output's row groups, each as `slice` gives its rows, in the order of the input's groups they were copied from. */
export function inputOrder<T>(output: string, order: readonly number[], slice: (at: number, length: number) => T): T[] {
  const sizes = metadataOf(output).row_groups.map((group) => Number(group.num_rows));
  const starts = sizes.map((_, o) => sizes.slice(0, o).reduce((a, b) => a + b, 0));
  return order.map((_, g) => slice(starts[order.indexOf(g)]!, sizes[order.indexOf(g)]!));
}

/** A file's footer, as hyparquet reads it. */
export function metadataOf(path: string): FileMetaData {
  const bytes = readFileSync(path);
  return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Rows as hyparquet reads them. */
export async function hyparquetRows(path: string): Promise<unknown[]> {
  const bytes = readFileSync(path);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, compressors });
}
