/**
 * The Parquet reader: one RecordBatch per row group, read through positional
 * reads on one open file (the footer first, then one column chunk at a time).
 *
 * Choices this reader makes:
 * - Types are exact: pages are decoded to physical values and turned into
 *   Arrow data here, never through a lossy conversion (see parquet-types.ts
 *   for the mapping). INT96 (legacy timestamps) and INTERVAL have no exact
 *   Arrow type, so they read as FixedSizeBinary(12) holding the stored bytes,
 *   and a Parquet writer given the input's schema elements writes them back
 *   unchanged.
 * - Structs, maps and lists of any depth, in every layout the spec allows,
 *   read as Struct, Map and List, with nulls at every level.
 * - A column whose type cannot be read (a DECIMAL wider than 256 bits, an
 *   annotation that contradicts its physical type...) is in the schema as a
 *   Null-typed field whose metadata says why; the file opens, and reading
 *   its batches fails with a DataError that names the column and the type.
 * - Encrypted files, unknown codecs, a corrupt footer and a corrupt or
 *   inconsistent page are DataErrors that name the file (and the column).
 * - The footer's num_rows is trusted only if the row groups agree with it:
 *   some writers store 0 there (repeated_no_annotation.parquet), so numRows
 *   is the sum of the row groups' num_rows, which is what batches() yields.
 * - Page checksums are not verified.
 */
import { makeData, RecordBatch, Schema, Struct } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import type { SchemaElement } from 'hyparquet';
import { DataError } from '../core/errors.js';
import type { DatasetReader } from './dataset.js';
import { type FileRange, openFileRange } from './file-range.js';
import { assembleColumn } from './parquet-assemble.js';
import { decodeColumnChunk, type LeafChunk } from './parquet-decode.js';
import { UnsupportedParquet } from './parquet-faults.js';
import { chunkRange, type Footer, messageOf, readFooter } from './parquet-footer.js';
import { type ColumnPlan, leavesOf, planColumns } from './parquet-schema.js';
import { project } from './projection.js';

/** Opens a Parquet file; `name` is how messages refer to it. */
export async function openParquet(path: string, name: string): Promise<DatasetReader> {
  let file: FileRange;
  try {
    file = await openFileRange(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`${name}: cannot open: ${code === 'ENOENT' ? 'no such file' : messageOf(error)}`);
  }
  try {
    const footer = await readFooter(file, name);
    let plans: ColumnPlan[];
    try {
      plans = planColumns(footer.root);
    } catch (error) {
      throw new DataError(`${name}: corrupt Parquet schema: ${messageOf(error)}`);
    }
    return new ParquetReader(file, name, footer, plans);
  } catch (error) {
    await file.close();
    throw error;
  }
}

class ParquetReader implements DatasetReader {
  readonly format = 'parquet';
  readonly schema: Schema;
  readonly numRows: number;
  readonly parquetColumns: ReadonlyMap<string, readonly SchemaElement[]>;
  #closed = false;

  constructor(
    private readonly file: FileRange,
    readonly name: string,
    private readonly footer: Footer,
    private readonly plans: ColumnPlan[],
  ) {
    this.schema = new Schema(plans.map((plan) => plan.field));
    this.parquetColumns = new Map(plans.map((plan) => [plan.name, plan.elements]));
    this.numRows = footer.metadata.row_groups.reduce((sum, group) => sum + Number(group.num_rows), 0);
  }

  async *batches(columns?: readonly string[]): AsyncGenerator<RecordBatch> {
    const { schema, indices } = project(this.schema, columns);
    const plans = indices.map((i) => this.plans[i]!);
    const groups = this.footer.metadata.row_groups;
    for (let g = 0; g < groups.length; g++) {
      const rows = Number(groups[g]!.num_rows);
      if (rows === 0) continue;
      const children: Data[] = [];
      for (const plan of plans) children.push(await this.readColumn(plan, g, rows));
      const type = new Struct(schema.fields);
      yield new RecordBatch(schema, makeData({ type, length: rows, nullCount: 0, children }));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.file.close();
  }

  private async readColumn(plan: ColumnPlan, g: number, rows: number): Promise<Data> {
    if (this.#closed) throw new Error(`${this.name}: the reader is closed`);
    const where = `in column "${plan.name}" (row group ${g})`;
    if (!plan.node) throw new DataError(`${this.name}: unsupported type ${where}: ${plan.unsupported}`);
    const chunks = new Map<number, LeafChunk>();
    try {
      for (const leaf of leavesOf(plan.node)) {
        const chunk = this.footer.metadata.row_groups[g]!.columns[leaf.leaf]!;
        const [start, end] = chunkRange(chunk);
        const meta = chunk.meta_data!;
        const bytes = await this.file.read(start, end);
        chunks.set(leaf.leaf, decodeColumnChunk(bytes, {
          column: { type: meta.type, width: meta.type === 'INT96' ? 12 : (leaf.element.type_length ?? 0) },
          maxDef: leaf.def,
          maxRep: leaf.maxRep,
          codec: meta.codec,
          numValues: Number(meta.num_values),
        }));
      }
      return assembleColumn(plan.node, chunks, rows);
    } catch (error) {
      if (error instanceof DataError) throw error;
      if (error instanceof UnsupportedParquet) throw new DataError(`${this.name}: unsupported ${error.message} ${where}`);
      throw new DataError(`${this.name}: corrupt Parquet data ${where}: ${messageOf(error)}`);
    }
  }
}
