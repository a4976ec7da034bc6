/**
 * `bn1d map`: the batch moments of one shard of a plan (plan-document.ts).
 * It reads only the chunks (row groups, record batches) of the inputs that
 * overlap the shard's rows, after checking that each of those inputs is the
 * file planned (size, modification time, footer), cuts the rows into the
 * stream's batches, and computes every batch's per-channel count, mean and
 * m2 with the fit's own code (batch-moments.ts). A final short batch whose
 * values are unusable (NaN, overflow) is written with its error, for the
 * fold to report unless --drop-last drops it, as a fit would.
 */
import { batchMoments, type StepOptions } from '../core/batch-moments.js';
import { type Batch, Batcher, type Chunk } from '../core/batcher.js';
import { sliceColumn } from '../core/column.js';
import { DataError, UsageError } from '../core/errors.js';
import { formatCount } from '../core/format-count.js';
import { createState } from '../core/state.js';
import type { ByteSink } from '../io/dataset/dataset.js';
import { featureChunk } from '../io/dataset/features.js';
import { fileIdentity } from '../io/dataset/fingerprint.js';
import { openFile } from '../io/dataset/open-input.js';
import { openOutput, outputFormat } from '../io/dataset/open-output.js';
import { project } from '../io/dataset/projection.js';
import { RowOrigins } from '../io/dataset/row-origins.js';
import { resolveFeatures } from '../io/dataset/select-features.js';
import type { BatchMoments } from './moments-file.js';
import { momentsSchema, MomentsWriter } from './moments-file.js';
import { checkPlan, type PlanDocument, type PlanInput, type PlanShard } from './plan-document.js';
import { readPlanJson } from '../io/files/plan-file.js';
import { DataWarnings, type WarningHandler } from './warnings.js';

/** Settings of a map. */
export interface MapOptions {
  /** Output format: parquet (default for a file), arrow, or arrows (default for stdout). */
  format?: 'parquet' | 'arrow' | 'arrows' | undefined;
  onWarning?: WarningHandler | undefined;
  /** Called after every chunk read: rows of the shard done. */
  onProgress?: ((rows: number, of: number) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Where '-' writes (default process.stdout). */
  stdout?: NodeJS.WritableStream | undefined;
}

/** Throws unless the planned input is still the file planned. */
async function checkUnchanged(input: PlanInput): Promise<void> {
  let now;
  try {
    now = await fileIdentity(input.path, input.format, input.name);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${input.name}: cannot read ${input.path}, which the plan reads: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const change = now.size !== input.size ? `its size is ${formatCount(now.size)} bytes, planned ${formatCount(input.size)}`
    : now.mtimeMs !== input.mtime_ms ? `it was modified at ${new Date(now.mtimeMs).toISOString()}, after the plan (${new Date(input.mtime_ms).toISOString()})`
      : now.fingerprint !== input.fingerprint ? 'its footer is not the one planned' : undefined;
  if (change) throw new DataError(`${input.name} changed since the plan was made (${change}): make the plan again`);
}

function sliceChunk(chunk: Chunk, start: number, end: number): Chunk {
  return start === 0 && end === chunk.rows ? chunk : { rows: end - start, columns: chunk.columns.map((c) => sliceColumn(c, start, end)) };
}

/** The moments of shard `k`'s batches, in order. */
export async function* shardMoments(plan: PlanDocument, shard: PlanShard, options: MapOptions = {}): AsyncGenerator<BatchMoments> {
  const names = plan.features.map((f) => f.name);
  const state = createState({ features: names });
  const origins = new RowOrigins();
  for (const input of plan.inputs) origins.start(input.name, input.start_row);
  const step: StepOptions = { nan: plan.nan, describeRow: (row) => origins.describe(row) };
  const warnings = new DataWarnings(options.onWarning);
  const end = shard.start_row + shard.rows;
  const batcher = new Batcher({ batchSize: plan.batch_size });
  const moments = (batch: Batch): BatchMoments => {
    const global = { ...batch, index: shard.first_batch + batch.index, startRow: shard.start_row + batch.startRow };
    const last = global.index === plan.batches - 1 && global.rows < plan.batch_size;
    try {
      return { index: global.index, startRow: global.startRow, rows: global.rows, ...batchMoments(state, global, step) };
    } catch (error) {
      if (!last || !(error instanceof DataError)) throw error;
      options.onWarning?.(`batch ${formatCount(global.index)}, the last and shorter one, cannot be trained on: ${error.message}; bn1d fold fails on it unless --drop-last drops it, as bn1d fit does`);
      const nan = new Float64Array(names.length).fill(Number.NaN);
      return { index: global.index, startRow: global.startRow, rows: global.rows, count: new Float64Array(names.length), mean: nan, m2: nan, error: error.message };
    }
  };
  let done = 0;
  for (const input of plan.inputs) {
    const from = Math.max(shard.start_row, input.start_row);
    const to = Math.min(end, input.start_row + input.rows);
    if (from >= to) continue;
    await checkUnchanged(input);
    const reader = await openFile(input.path, input.name, { threads: 0 });
    try {
      warnings.opened(reader);
      const local = resolveFeatures(project(reader.schema, names).schema, names, reader.name);
      let chunkStart = input.start_row;
      for (let j = 0; j < input.chunk_rows.length; j++) {
        const rows = input.chunk_rows[j]!;
        const a = Math.max(from, chunkStart);
        const b = Math.min(to, chunkStart + rows);
        if (a < b) {
          options.signal?.throwIfAborted();
          const record = await reader.readChunk!(j, names);
          if (record.numRows !== rows) throw new DataError(`${input.name}: chunk ${j} has ${formatCount(record.numRows)} rows, planned ${formatCount(rows)}: make the plan again`);
          warnings.check(record, local, reader.name);
          for (const batch of batcher.push(sliceChunk(featureChunk(record, local), a - chunkStart, b - chunkStart))) yield moments(batch);
          done += b - a;
          options.onProgress?.(done, shard.rows);
        }
        chunkStart += rows;
      }
    } finally {
      await reader.close();
    }
  }
  const last = batcher.finish();
  if (last) yield moments(last);
}

/** Computes the moments of shard `k` of a plan (its document, or its file's path) and writes them to `output` (a path, '-' for stdout). */
export async function map(planned: PlanDocument | string, k: number, output: string, options: MapOptions = {}): Promise<{ batches: number; rows: number }> {
  const plan = typeof planned === 'string' ? checkPlan(await readPlanJson(planned), planned) : planned;
  const shard = plan.shards[k];
  if (!Number.isSafeInteger(k) || !shard) {
    throw new UsageError(`the plan has ${formatCount(plan.shards.length)} shard${plan.shards.length === 1 ? '' : 's'}, numbered from 0: there is no shard ${k}`);
  }
  const format = outputFormat(output, options.format) ?? 'parquet';
  const schema = momentsSchema(plan, shard);
  const table = await openOutput(output, format, schema, (options.stdout ?? process.stdout) as never);
  let batches = 0;
  try {
    const writer = new MomentsWriter(table.writer, schema, plan.features.map((f) => f.name));
    for await (const moments of shardMoments(plan, shard, options)) {
      await writer.add(moments);
      batches++;
    }
    await writer.flush();
    await table.finish();
  } catch (error) {
    await table.abort();
    throw error;
  }
  return { batches, rows: shard.rows };
}
