/**
 * What the library reads: paths (files, dataset folders, globs, '-' for a
 * byte stream such as stdin), an apache-arrow Table, or record batches (an
 * array, or any iterable or async iterable of them). Each becomes a list of
 * sources, opened one at a time as DatasetReaders.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
export type { BatchStream } from '../io/arrow/table-reader.js';
import { UsageError } from '../core/errors.js';
import { type BatchesInMemory, type BatchStream, readOnceError, streamReader, tableReader } from '../io/arrow/table-reader.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { expandInputs } from '../io/files/expand-inputs.js';
import { inputName, openFile, type OpenOptions, StdinSource } from '../io/dataset/open-input.js';
import { HttpSession } from '../io/files/http-session.js';

/** An apache-arrow Table, or anything shaped like one (its schema and record batches). */
export interface TableLike {
  readonly schema: Schema;
  readonly batches: readonly RecordBatch[];
}

/** One input: a path, a Table, or record batches (an array is read as often as needed, an iterator once). */
export type Input = string | TableLike | readonly RecordBatch[] | BatchStream;
/** What fit() reads as one stream: one input, or paths in order. */
export type Inputs = Input | readonly string[];

/** One file or in-memory input of a run. */
export interface Source {
  /** As messages name it: the path, "stdin", "table" or "record batches". */
  readonly name: string;
  /** The path when the source is a file ('-' for the byte stream). */
  readonly path?: string | undefined;
  /** Opens it; `rereadable` asks for a reader whose batches can be read again (a stream is copied). */
  open(rereadable: boolean, options?: OpenOptions): Promise<DatasetReader>;
}

/** The sources of a run, and how the caller named them. */
export interface ResolvedSources {
  /** The inputs as given ('-' as "stdin"): the state's `fit.inputs`. */
  readonly names: string[];
  readonly sources: Source[];
  /** Whether a folder or a glob stood for files that `names` does not list. */
  readonly expanded: boolean;
  /** What reads the http(s) inputs among the paths. */
  readonly http?: HttpSession | undefined;
  /** Releases what opening needed (the copy of a byte stream). */
  dispose(): void;
}

function isRecordBatch(value: unknown): value is RecordBatch {
  return typeof value === 'object' && value !== null && 'schema' in value && 'numRows' in value && 'data' in value;
}

function isTableLike(value: unknown): value is TableLike {
  return typeof value === 'object' && value !== null && 'schema' in value && Array.isArray((value as TableLike).batches);
}

/** A Table or an array of record batches as the batches it holds (a Table with no batches still has its schema). */
function inMemory(input: TableLike | readonly RecordBatch[]): BatchesInMemory | undefined {
  if (isTableLike(input)) return { schema: input.schema, batches: input.batches };
  if (input.length === 0) return undefined;
  return { schema: input[0]!.schema, batches: input };
}

/** The sources of `inputs`; '-' reads `stdin` (default process.stdin), and `http` (default: no headers) reads http(s) URLs. */
export async function resolveSources(inputs: Inputs, stdin?: AsyncIterable<Uint8Array> & { isTTY?: boolean }, http = new HttpSession()): Promise<ResolvedSources> {
  const list: readonly Input[] = Array.isArray(inputs) && inputs.every((i) => typeof i === 'string') ? inputs : [inputs as Input];
  if (list.length === 0) throw new UsageError('no inputs: give at least one file, folder, glob, Table or record batches');
  if (list.some((input) => typeof input !== 'string')) {
    if (list.length !== 1) throw new UsageError('a Table or record batches is read on its own, not with other inputs');
    return memorySources(list[0]!);
  }
  const paths = list as readonly string[];
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError("stdin ('-') can be given only once");
  const expanded = await expandInputs(paths);
  const bytes = new StdinSource(stdin ?? process.stdin);
  const sources = expanded.files.map((file): Source => ({
    name: inputName(file),
    path: file,
    open: (rereadable, options) => (file === '-' ? bytes.open(rereadable, options) : openFile(file, inputName(file), { ...options, http })),
  }));
  return { names: expanded.given.map(inputName), sources, expanded: expanded.expanded, http, dispose: () => bytes.dispose() };
}

function memorySources(input: Input): ResolvedSources {
  const none = () => {};
  if (isTableLike(input) || (Array.isArray(input) && (input.length === 0 || isRecordBatch(input[0])))) {
    const held = inMemory(input as TableLike | readonly RecordBatch[]);
    if (!held) throw new UsageError('no record batches to read: the array is empty');
    const name = isTableLike(input) ? 'table' : 'record batches';
    return { names: [name], sources: [{ name, open: async () => tableReader(held, name) }], expanded: false, dispose: none };
  }
  if (typeof input === 'object' && input !== null && (Symbol.asyncIterator in input || Symbol.iterator in input)) {
    const name = 'record batches';
    let opened = false;
    const open = async () => {
      if (opened) throw readOnceError(name);
      opened = true;
      return streamReader(input as BatchStream, name);
    };
    return { names: [name], sources: [{ name, open }], expanded: false, dispose: none };
  }
  throw new UsageError(`cannot read ${typeof input === 'object' ? 'this object' : typeof input}: give paths, an apache-arrow Table or record batches`);
}
