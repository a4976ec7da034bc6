/**
 * The batch moments of one shard of a plan, read column chunk by column
 * chunk (as a fit reads files: channel-fit.ts): for each chunk of the
 * inputs that overlaps the shard, each channel reads only its own column,
 * page by page, cuts the shard's rows of it into the stream's batches with
 * its own Batcher and computes each batch's count, mean and m2 with the
 * fit's code (batch-moments.ts). A batch is given out once every channel
 * has its moments, so memory is one column chunk's pages plus the batches
 * still open. Errors are those of the row-wise order (error-keys.ts): a
 * chunk's decoding, then the batches it completes, channel by channel.
 */
import { channelMoments, type ChannelMoments, type StepOptions } from '../core/batch-moments.js';
import { type Batch, Batcher } from '../core/batcher.js';
import { channelState } from '../core/channel-split.js';
import { sliceColumn } from '../core/column.js';
import { DataError } from '../core/errors.js';
import { formatCount } from '../core/format-count.js';
import { createState } from '../core/state.js';
import { columnOf } from '../io/dataset/column-of.js';
import { columnData } from '../io/dataset/features.js';
import { openFile } from '../io/dataset/open-input.js';
import { project } from '../io/dataset/projection.js';
import { RowOrigins } from '../io/dataset/row-origins.js';
import { resolveFeatures } from '../io/dataset/select-features.js';
import { compareKeys, DECODE, KeyedError, TRAIN } from './error-keys.js';
import type { BatchMoments } from './moments-file.js';
import type { PlanDocument, PlanInput, PlanShard } from './plan-document.js';
import type { DataWarnings } from './warnings.js';
import type { HttpSession } from '../io/files/http-session.js';

/** Hooks of shardMoments. */
export interface ShardHooks {
  /** Throws unless a planned input is still the file planned (called before it is opened). */
  checkInput(input: PlanInput): Promise<void>;
  warnings: DataWarnings;
  /** What reads http(s) inputs. */
  http: HttpSession;
  /** Rows of the shard read so far. */
  onRows?: ((rows: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** The moments of the shard's batches, in batch order. */
export async function* shardMoments(plan: PlanDocument, shard: PlanShard, hooks: ShardHooks): AsyncGenerator<BatchMoments> {
  const names = plan.features.map((f) => f.name);
  const channels = names.length;
  const bases = names.map((_, c) => channelState(createState({ features: names }), c));
  const origins = new RowOrigins();
  for (const input of plan.inputs) origins.start(input.name, input.start_row);
  const step: StepOptions = { nan: plan.nan, describeRow: (row) => origins.describe(row) };
  const batchers = names.map(() => new Batcher({ batchSize: plan.batch_size }));
  /** Batches some channel has started, by index; given out in order once complete. */
  const open = new Map<number, BatchMoments & { done: number }>();
  let next = shard.first_batch;
  const out: ChannelMoments = { count: 0, mean: 0, m2: 0 };
  let failed: KeyedError | undefined;
  const fail = (error: KeyedError) => {
    if (!failed || compareKeys(error.key, failed.key) < 0) failed = error;
  };
  const train = (c: number, local: Batch, position: number) => {
    const index = shard.first_batch + local.index;
    const batch = { ...local, index, startRow: shard.start_row + local.startRow };
    let m = open.get(index);
    if (!m) {
      m = { index, startRow: batch.startRow, rows: batch.rows, count: new Float64Array(channels), mean: new Float64Array(channels), m2: new Float64Array(channels), done: 0 };
      open.set(index, m);
    }
    m.done++;
    try {
      channelMoments(bases[c]!, batch, 0, step, out);
      m.count[c] = out.count;
      m.mean[c] = out.mean;
      m.m2[c] = out.m2;
    } catch (error) {
      const last = index === plan.batches - 1 && batch.rows < plan.batch_size;
      if (!last || !(error instanceof DataError)) return fail(new KeyedError([position, TRAIN, index, c], error));
      // Unusable, but only a fold without --drop-last trains on it: recorded, as the row-wise order meets it (first channel first).
      m.error ??= error.message;
      m.mean[c] = m.m2[c] = Number.NaN;
    }
  };
  const complete = function* (): Generator<BatchMoments> {
    for (let m = open.get(next); m && m.done === channels; m = open.get(next)) {
      open.delete(next++);
      const { done: _done, ...moments } = m;
      yield moments;
    }
  };
  const end = shard.start_row + shard.rows;
  let position = 0;
  let rows = 0;
  for (const input of plan.inputs) {
    const from = Math.max(shard.start_row, input.start_row);
    const to = Math.min(end, input.start_row + input.rows);
    if (from >= to) continue;
    await hooks.checkInput(input);
    const reader = await openFile(input.path, input.name, { threads: 0, http: hooks.http });
    try {
      hooks.warnings.opened(reader);
      const features = names.map((name) => resolveFeatures(project(reader.schema, [name]).schema, [name], reader.name)[0]!);
      const schemaIndex = names.map((name) => reader.schema.fields.findIndex((f) => f.name === name));
      let chunkStart = input.start_row;
      for (let j = 0; j < input.chunk_rows.length; j++, position++) {
        const planned = input.chunk_rows[j]!;
        const [a, b] = [Math.max(from, chunkStart) - chunkStart, Math.min(to, chunkStart + planned) - chunkStart];
        chunkStart += planned;
        if (a >= b) continue;
        hooks.signal?.throwIfAborted();
        for (let c = 0; c < channels; c++) {
          const feature = features[c]!;
          let at = 0;
          try {
            // The batcher copies the rows it keeps, so the piece's buffers can be used again for the next.
            for await (const piece of columnOf(reader, j, names[c]!, true)) {
              const [s, e] = [Math.max(a, at) - at, Math.min(b, at + piece.numRows) - at];
              at += piece.numRows;
              if (s >= e) continue;
              hooks.warnings.check(piece, [{ ...feature, index: 0 }], reader.name);
              const column = sliceColumn(columnData(piece.data.children[0]!, feature), s, e);
              for (const batch of batchers[c]!.push({ rows: e - s, columns: [column] })) train(c, batch, position);
            }
            if (at !== planned) throw new DataError(`${input.name}: chunk ${j} has ${formatCount(at)} rows, planned ${formatCount(planned)}: make the plan again`);
          } catch (error) {
            fail(new KeyedError([position, DECODE, schemaIndex[c]!], error));
          }
        }
        if (failed) throw failed.error;
        rows += b - a;
        hooks.onRows?.(rows);
        yield* complete();
      }
    } finally {
      await reader.close();
    }
  }
  for (let c = 0; c < channels; c++) {
    const last = batchers[c]!.finish();
    if (last) train(c, last, position);
  }
  if (failed) throw failed.error;
  yield* complete();
}
