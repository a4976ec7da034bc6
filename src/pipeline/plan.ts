/**
 * `bn1d plan`: a fit's batches cut into shards, from the inputs' footers
 * only (plan-document.ts). Shards start on multiples of the batch size in
 * the one logical stream, so each holds whole batches whose moments can be
 * computed anywhere (map.ts) and folded in batch order (fold.ts) into
 * exactly the state of a sequential fit.
 */
import { resolve } from 'node:path';
import type { FixedSizeList } from 'apache-arrow';
import { DataError, UsageError } from '../core/errors.js';
import { fileIdentity } from '../io/dataset/fingerprint.js';
import { resolveFeatures } from '../io/dataset/select-features.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { selectFeatures } from './fit.js';
import { InputSeries } from './input-series.js';
import { checkSelection, choiceOption, DEFAULTS, type HttpHeaders, httpSession, integerOption, librarySpelling, type NanOption, type SelectionOptions, type Spelling } from './options.js';
import { isHttpUrl } from '../io/files/http-url.js';
import { cutShards, type PlanDocument, type PlanFeature, planFingerprint, type PlanInput, PLAN_FORMAT, PLAN_VERSION } from './plan-document.js';
import { resolveSources } from './sources.js';
import { DataWarnings, type WarningHandler } from './warnings.js';

/** Settings of a plan: `bn1d plan`'s flags in camelCase. */
export interface PlanOptions extends SelectionOptions {
  /** Rows per batch (default 256). */
  batchSize?: number | undefined;
  /** NaN and ±Infinity in a feature: an error (default), or skipped like nulls. */
  nan?: NanOption | undefined;
  /** Shards of near-equal size (at most one per batch). */
  shards?: number | undefined;
  /** Rows per shard, rounded down to whole batches (at least one). */
  shardRows?: number | undefined;
  /** Request headers for inputs that are http(s) URLs, by name. */
  headers?: HttpHeaders | undefined;
  /** Called once for each thing worth a warning. */
  onWarning?: WarningHandler | undefined;
  /** Called after each input's footer is read. */
  onProgress?: ((files: number, of: number) => void) | undefined;
}

/** The rows of each chunk of random access of a reader (non-empty row groups, record batches). */
async function chunkRows(reader: DatasetReader): Promise<number[]> {
  const rows = reader.parquetLayout?.rowGroupRows ?? (await reader.chunkRows?.());
  if (!rows) throw new DataError(`${reader.name}: cannot be planned (its rows are not counted up front)`);
  return [...rows];
}

function checkCut(options: PlanOptions, spell: Spelling): { shards?: number; shardRows?: number } {
  if ((options.shards === undefined) === (options.shardRows === undefined)) {
    throw new UsageError(`give either ${spell('shards')} or ${spell('shardRows')}: how to cut the batches into shards`);
  }
  return options.shards !== undefined
    ? { shards: integerOption(options.shards, 1, 'shards', spell, 1) }
    : { shardRows: integerOption(options.shardRows, 1, 'shardRows', spell, 1) };
}

/** Plans a fit of the inputs (paths: files, folders, globs) as shards of whole batches. */
export async function plan(inputs: string | readonly string[], options: PlanOptions = {}, spell: Spelling = librarySpelling): Promise<PlanDocument> {
  const paths = typeof inputs === 'string' ? [inputs] : inputs;
  if (!paths.every((p) => typeof p === 'string')) throw new UsageError('a plan reads files: give paths, not a Table or record batches');
  if (paths.includes('-')) throw new UsageError('stdin cannot be planned: a plan reads the footers of files, and map reads them again; save the data to a file first');
  checkSelection(options, spell);
  const batchSize = integerOption(options.batchSize, 1, 'batchSize', spell, DEFAULTS.batchSize);
  const nan = choiceOption(options.nan, ['error', 'skip'], 'nan', spell, DEFAULTS.nan);
  const cut = checkCut(options, spell);
  const http = httpSession(options.headers, spell);
  const sources = await resolveSources([...paths], undefined, http);
  const series = new InputSeries(sources, false, new DataWarnings(options.onWarning));
  try {
    const names = await selectFeatures(series, options, spell);
    const planned: PlanInput[] = [];
    let features: PlanFeature[] = [];
    let row = 0;
    for (let i = 0; i < series.count; i++) {
      const reader = await series.openAt(i);
      try {
        if (reader.format === 'arrows') {
          throw new UsageError(`${reader.name}: an Arrow IPC stream cannot be planned (it has no footer to count its rows): convert it to an Arrow IPC file or Parquet`);
        }
        series.validate(reader, names, i);
        if (i === 0) features = planFeatures(reader, names);
        const rows = await chunkRows(reader);
        const total = rows.reduce((a, b) => a + b, 0);
        const path = sources.sources[i]!.path!;
        const format = reader.format as 'parquet' | 'arrow';
        const id = await fileIdentity(path, format, reader.name, http);
        planned.push({
          name: reader.name, path: isHttpUrl(path) ? path : resolve(path), format, size: id.size, mtime_ms: id.mtimeMs, fingerprint: id.fingerprint,
          ...(id.etag === undefined ? {} : { etag: id.etag }), rows: total, start_row: row, chunk_rows: rows,
        });
        row += total;
      } finally {
        await reader.close();
      }
      options.onProgress?.(i + 1, series.count);
    }
    if (row === 0) throw new DataError(`no rows to fit in ${series.names.join(', ')}`);
    const batches = Math.ceil(row / batchSize);
    const body = {
      given: [...series.names], expanded: sources.expanded, batch_size: batchSize, nan, features,
      rows: row, batches, inputs: planned, shards: cutShards(batches, batchSize, row, cut),
    };
    const fingerprint = planFingerprint({ format: PLAN_FORMAT, version: PLAN_VERSION, ...body });
    return { format: PLAN_FORMAT, version: PLAN_VERSION, fingerprint, created: new Date().toISOString(), ...body };
  } finally {
    await series.close();
    sources.dispose();
  }
}

function planFeatures(reader: DatasetReader, names: readonly string[]): PlanFeature[] {
  return resolveFeatures(reader.schema, names, reader.name).map((f) => {
    const type = reader.schema.fields[f.index]!.type;
    return f.shape === 'fixed-list' ? { name: f.name, shape: f.shape, list_size: (type as FixedSizeList).listSize } : { name: f.name, shape: f.shape };
  });
}
