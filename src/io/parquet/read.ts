/**
 * The Parquet reader: one RecordBatch per row group, read through positional
 * reads on one open file (the footer first, then one column chunk at a time,
 * or one page at a time for columnPieces).
 *
 * Choices this reader makes:
 * - Types are exact: pages are decoded to physical values and turned into
 *   Arrow data here, never through a lossy conversion (see types.ts
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
 * - A file that stores its Arrow schema (ARROW:schema, as pyarrow and Polars
 *   write) reads with the stored type of every column whose values it fits
 *   (stored-types.ts), the stored field metadata, and the footer's other
 *   key-value metadata as the schema's; an unreadable one is ignored, with a warning.
 */
import { type Data, makeData, RecordBatch, type Schema, Struct } from 'apache-arrow';
import type { CompressionCodec, SchemaElement } from 'hyparquet';
import { ChunkCopier } from './chunk-copier.js';
import type { SourceChunk } from './chunk-source.js';
import { DataError } from '../../core/errors.js';
import type { DatasetReader, ParquetLayout } from '../dataset/dataset.js';
import { type FileRange, openFileRange } from '../files/file-range.js';
import { readAhead, type ReadAhead } from '../files/read-ahead.js';
import { assembleColumn } from './assemble.js';
import { chunkSpec, decodeColumnChunk, type LeafChunk } from './decode.js';
import { columnError } from './faults.js';
import { type Footer, messageOf, readFooter } from './footer.js';
import { layoutOf, nonEmptyGroups, worthThreads } from './layout.js';
import { type ColumnPlan, leavesOf, planColumns } from './schema.js';
import { type DecodePool, decodedInPool, startPool } from './pool.js';
import { columnPieces, pieceBytes, type PieceOptions, pieceSource } from './pieces.js';
import { PartPool } from './part-pool.js';
import { STREAM_SIZES } from './page-bytes.js';
import { HEADER_WINDOW } from './page-reads.js';
import { ColumnRestorer } from './restore.js';
import { readSchema } from './stored-types.js';
import { project } from '../dataset/projection.js';

/** Options of openParquet. */
export interface ParquetOptions {
  /** Threads that decode row groups in parallel (results are identical; 0 or absent decodes on this thread). */
  threads?: number;
  /** The decoder threads' script (default: parquet-worker.mjs of the bundled CLI, when present). */
  workerScript?: URL;
  /** The file, already open (an http(s) input); no decoder threads are started then, as they open `path` themselves. */
  file?: FileRange;
}

/** Bytes of a column chunk read ahead by prefetchColumn: a page header's window and a block of a page read in parts. */
const PREFETCH_BYTES = HEADER_WINDOW + STREAM_SIZES.block;

/** Opens a Parquet file; `name` is how messages refer to it. */
export async function openParquet(path: string, name: string, options: ParquetOptions = {}): Promise<ParquetReader> {
  let file: FileRange;
  try {
    file = options.file ?? (await openFileRange(path));
  } catch (error) {
    throw new DataError(`${name}: cannot open: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : messageOf(error)}`);
  }
  try {
    const footer = await readFooter(file, name);
    let plans: ColumnPlan[];
    try {
      plans = planColumns(footer.root);
    } catch (error) {
      throw new DataError(`${name}: corrupt Parquet schema: ${messageOf(error)}`);
    }
    const pool = options.threads && !options.file && worthThreads(footer) ? startPool(options.threads, options.workerScript) : undefined;
    return new ParquetReader(file, path, name, footer, plans, pool);
  } catch (error) {
    await file.close();
    throw error;
  }
}

/** A Parquet input. */
export class ParquetReader implements DatasetReader {
  readonly format = 'parquet';
  readonly schema: Schema;
  readonly numRows: number;
  readonly parquetColumns: ReadonlyMap<string, readonly SchemaElement[]>;
  readonly warnings: readonly string[];
  readonly parquetLayout: ParquetLayout;
  /** Row groups with rows: the chunks of random access, and how many. */
  private readonly nonEmptyGroups: readonly number[];
  readonly chunkCount: number;
  /** Gives decoded columns their stored Arrow types. */
  private readonly restorer: ColumnRestorer;
  #closed = false;
  #copier: ChunkCopier | undefined;
  /** Buffers that columnPieces reads into, read into again (part-pool.ts). */
  readonly #pool = new PartPool();

  /** The file, read ahead where prefetchColumn says what comes next. */
  private readonly file: ReadAhead;

  constructor(
    file: FileRange,
    private readonly path: string,
    readonly name: string,
    private readonly footer: Footer,
    private readonly plans: ColumnPlan[],
    private readonly pool: DecodePool | undefined,
  ) {
    this.file = readAhead(file);
    const read = readSchema(plans.map((plan) => plan.field), footer.metadata.key_value_metadata);
    this.schema = read.schema;
    this.warnings = read.problem ? [`${name}: its ARROW:schema cannot be read (${read.problem}); reading the Parquet types instead`] : [];
    this.parquetColumns = new Map(plans.map((plan) => [plan.name, plan.elements]));
    const { groups, rows } = nonEmptyGroups(footer);
    this.numRows = rows;
    this.nonEmptyGroups = groups;
    this.chunkCount = groups.length;
    const decode = (g: number, c: number) => this.decodeGroup(g, [c]);
    this.restorer = new ColumnRestorer(read.restores, async function* (c) {
      for (const g of groups) yield (await decode(g, c))[0]!;
    });
    this.parquetLayout = layoutOf(footer, groups);
  }

  async *batches(columns?: readonly string[]): AsyncGenerator<RecordBatch> {
    const { schema, indices } = project(this.schema, columns);
    const type = new Struct(schema.fields);
    const groups = this.nonEmptyGroups;
    const types = indices.map((c) => this.plans[c]!.field.type);
    const decoded = this.pool && groups.length > 1 ? decodedInPool(this.pool, this.path, this.name, groups, indices, types) : this.inThread(groups, indices);
    for await (const [g, children] of decoded) {
      const rows = this.footer.index.rows(g);
      yield new RecordBatch(schema, makeData({ type, length: rows, nullCount: 0, children: await this.restore(g, indices, children) }));
    }
  }

  /** Non-empty row group `index`, projected to `columns`. */
  async readChunk(index: number, columns?: readonly string[]): Promise<RecordBatch> {
    const { schema, indices } = project(this.schema, columns);
    const g = this.nonEmptyGroups[index]!;
    const children = await this.restore(g, indices, await this.decodeGroup(g, indices));
    const rows = this.footer.index.rows(g);
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
  }

  /**
   * Column `column` of non-empty row group `index` a run of whole rows at a time, read a page at a time
   * (pieces.ts): the pieces one after another are readChunk(index, [column])'s column. A column that is
   * not of numbers or lists of numbers is one piece.
   */
  async *columnPieces(index: number, column: string, options: PieceOptions = {}): AsyncGenerator<Data> {
    const targetBytes = pieceBytes(options);
    const c = project(this.schema, [column]).indices[0];
    if (c === undefined) throw new DataError(`${this.name}: no column "${column}"`);
    const g = this.nonEmptyGroups[index];
    const group = g === undefined || this.#closed ? undefined : this.footer.rowGroup(g);
    const source = group && pieceSource(this.plans[c]!, group, this.file, (data) => this.restorer.restore(c, data), options, this.#pool);
    const whole = async () => (await this.readChunk(index, [column])).data.children[0]!;
    yield* columnPieces(source, targetBytes, whole, (error) => columnError(this.name, error, `in column "${this.plans[c]!.name}" (row group ${g})`));
  }

  /** A hint that columnPieces(index, column) comes next: the first bytes of its chunk (PREFETCH_BYTES) are read now. */
  prefetchColumn(index: number, column: string): void {
    const node = this.plans[project(this.schema, [column]).indices[0] ?? -1]?.node;
    const g = this.nonEmptyGroups[index];
    if (!node || g === undefined || this.#closed) return;
    const [start, end] = this.footer.index.chunkRange(g, leavesOf(node)[0]!.leaf);
    this.file.prefetch(start, Math.min(end, start + PREFETCH_BYTES));
  }

  /**
   * The Data of columns `columns` (indices into the schema: names can repeat)
   * of row group `g`, decoded on this thread, with the types Parquet maps
   * them to (restore() gives them their stored types).
   */
  async decodeGroup(g: number, columns: readonly number[]): Promise<Data[]> {
    const rows = this.footer.index.rows(g);
    const children: Data[] = [];
    for (const c of columns) children.push(await this.readColumn(this.plans[c]!, g, rows));
    return children;
  }

  private async *inThread(groups: readonly number[], columns: readonly number[]): AsyncGenerator<[number, Data[]]> {
    for (const g of groups) yield [g, await this.decodeGroup(g, columns)];
  }

  /** Decoded columns `columns` of row group `g` under their stored Arrow types. */
  private async restore(g: number, columns: readonly number[], children: Data[]): Promise<Data[]> {
    const out: Data[] = [];
    for (let k = 0; k < children.length; k++) {
      try {
        out.push(await this.restorer.restore(columns[k]!, children[k]!));
      } catch (error) {
        throw columnError(this.name, error, `in column "${this.plans[columns[k]!]!.name}" (row group ${g})`);
      }
    }
    return out;
  }

  /** Non-empty row group `index`'s chunks of column `c` as stored (chunk-copier.ts), valid until the next call. */
  async storedChunks(index: number, c: number, codec?: CompressionCodec): Promise<SourceChunk[] | undefined> {
    this.#copier ??= new ChunkCopier(this.file, this.footer, this.name);
    return this.plans[c]!.node ? this.#copier.chunks(this.nonEmptyGroups[index]!, c, codec) : undefined;
  }

  /** Whether column `c` can be copied as stored into an output column with these leaves (root-to-leaf schema elements). */
  canStore(c: number, outputLeafPaths: readonly (readonly SchemaElement[])[]): boolean {
    this.#copier ??= new ChunkCopier(this.file, this.footer, this.name);
    return this.plans[c]!.node !== undefined && this.#copier.canCopy(c, outputLeafPaths);
  }

  /** Threads decoding row groups for this reader (0: the main thread does it). */
  get decoderThreads(): number {
    return this.pool?.size ?? 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.pool?.close();
    await this.file.close();
  }

  private async readColumn(plan: ColumnPlan, g: number, rows: number): Promise<Data> {
    if (this.#closed) throw new Error(`${this.name}: the reader is closed`);
    const where = `in column "${plan.name}" (row group ${g})`;
    if (!plan.node) throw new DataError(`${this.name}: unsupported type ${where}: ${plan.unsupported}`);
    const chunks = new Map<number, LeafChunk>();
    try {
      for (const leaf of leavesOf(plan.node)) {
        const chunk = this.footer.rowGroup(g).columns[leaf.leaf]!;
        const [start, end] = this.footer.index.chunkRange(g, leaf.leaf);
        chunks.set(leaf.leaf, decodeColumnChunk(await this.file.read(start, end), chunkSpec(chunk, leaf)));
      }
      return assembleColumn(plan.node, chunks, rows);
    } catch (error) {
      throw columnError(this.name, error, where);
    }
  }
}
