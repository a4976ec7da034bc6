/**
 * `bn1d map`: the batch moments of one shard of a plan (plan-document.ts).
 * It reads only the chunks (row groups, record batches) of the inputs that
 * overlap the shard's rows, column by column (shard-moments.ts), after
 * checking that each of those inputs is the file planned (size,
 * modification time, footer), and writes every batch's per-channel count,
 * mean and m2 (moments-file.ts). A final short batch whose
 * values are unusable (NaN, overflow) is written with its error, for the
 * fold to report unless --drop-last drops it, as a fit would.
 */
import { DataError, UsageError } from '../core/errors.js';
import { formatCount } from '../core/format-count.js';
import { fileIdentity } from '../io/dataset/fingerprint.js';
import { openOutput, outputFormat } from '../io/dataset/open-output.js';
import { momentsSchema, MomentsWriter } from './moments-file.js';
import { shardMoments } from './shard-moments.js';
import { checkPlan, type PlanDocument, type PlanInput } from './plan-document.js';
import { readPlanJson } from '../io/files/plan-file.js';
import { DataWarnings, type WarningHandler } from './warnings.js';
import type { HttpSession } from '../io/files/http-session.js';
import { type HttpHeaders, httpSession, librarySpelling } from './options.js';

/** Settings of a map. */
export interface MapOptions {
  /** Output format: parquet (default for a file), arrow, or arrows (default for stdout). */
  format?: 'parquet' | 'arrow' | 'arrows' | undefined;
  onWarning?: WarningHandler | undefined;
  /** Called after every chunk read: rows of the shard done. */
  onProgress?: ((rows: number, of: number) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Request headers for inputs that are http(s) URLs, by name. */
  headers?: HttpHeaders | undefined;
  /** Where '-' writes (default process.stdout). */
  stdout?: NodeJS.WritableStream | undefined;
}

/** Throws unless the planned input is still the file planned. */
async function checkUnchanged(input: PlanInput, http: HttpSession): Promise<void> {
  let now;
  try {
    now = await fileIdentity(input.path, input.format, input.name, http);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${input.name}: cannot read ${input.path}, which the plan reads: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const change = now.size !== input.size ? `its size is ${formatCount(now.size)} bytes, planned ${formatCount(input.size)}`
    : input.etag !== undefined && now.etag !== input.etag ? `its ETag is ${now.etag ?? 'gone'}, planned ${input.etag}`
    : now.mtimeMs !== input.mtime_ms ? `it was modified at ${new Date(now.mtimeMs).toISOString()}, after the plan (${new Date(input.mtime_ms).toISOString()})`
      : now.fingerprint !== input.fingerprint ? 'its footer is not the one planned' : undefined;
  if (change) throw new DataError(`${input.name} changed since the plan was made (${change}): make the plan again`);
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
    const http = httpSession(options.headers, librarySpelling);
    const hooks = { checkInput: (input: PlanInput) => checkUnchanged(input, http), http, warnings: new DataWarnings(options.onWarning), onRows: (rows: number) => options.onProgress?.(rows, shard.rows), signal: options.signal };
    for await (const moments of shardMoments(plan, shard, hooks)) {
      if (moments.error !== undefined) {
        options.onWarning?.(`batch ${formatCount(moments.index)}, the last and shorter one, cannot be trained on: ${moments.error}; bn1d fold fails on it unless --drop-last drops it, as bn1d fit does`);
      }
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
