/**
 * The moments file `bn1d map` writes and `bn1d fold` reads: one row per
 * batch and channel (batch, start_row, rows, channel, feature, n, mean, m2,
 * and an error for a final short batch that cannot be used), in batch then
 * channel order, with the shard and the whole plan in the schema metadata
 * (`bn1d.moments`, `bn1d.plan`). Any Parquet or Arrow reader can read it.
 */
import { Field, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import { DataError } from '../core/errors.js';
import type { DatasetReader, DatasetWriter } from '../io/dataset/dataset.js';
import { checkPlan, type PlanDocument, type PlanShard } from './plan-document.js';

export const MOMENTS_FORMAT = 'bn1d-moments';
const MOMENTS_KEY = 'bn1d.moments';
const PLAN_KEY = 'bn1d.plan';

/** What a moments file says of itself. */
export interface MomentsHeader extends PlanShard {
  format: typeof MOMENTS_FORMAT;
  version: 1;
  /** The plan's fingerprint. */
  plan: string;
}

/** One batch's moments, every channel. */
export interface BatchMoments {
  index: number;
  startRow: number;
  rows: number;
  count: Float64Array;
  mean: Float64Array;
  m2: Float64Array;
  /** Why the batch cannot be trained on (only a final short batch is written with one). */
  error?: string | undefined;
}

const FIELDS = [
  new Field('batch', new Int64(), false), new Field('start_row', new Int64(), false), new Field('rows', new Int64(), false),
  new Field('channel', new Int32(), false), new Field('feature', new Utf8(), false), new Field('n', new Int64(), false),
  new Field('mean', new Float64(), false), new Field('m2', new Float64(), false), new Field('error', new Utf8(), true),
];

/** The schema of the moments of `shard` of `plan`. */
export function momentsSchema(plan: PlanDocument, shard: PlanShard): Schema {
  const header: MomentsHeader = { format: MOMENTS_FORMAT, version: 1, plan: plan.fingerprint, ...shard };
  return new Schema(FIELDS, new Map([[MOMENTS_KEY, JSON.stringify(header)], [PLAN_KEY, JSON.stringify(plan)]]));
}

/** Rows buffered before they are written as one record batch. */
const BATCH_ROWS = 1 << 16;

/** Writes batches' moments as rows, a record batch at a time. */
export class MomentsWriter {
  private held: BatchMoments[] = [];
  private heldRows = 0;

  constructor(
    private readonly writer: DatasetWriter,
    private readonly schema: Schema,
    private readonly features: readonly string[],
  ) {}

  async add(moments: BatchMoments): Promise<void> {
    this.held.push(moments);
    this.heldRows += this.features.length;
    if (this.heldRows >= BATCH_ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.heldRows === 0) return;
    const c = this.features.length;
    const n = this.heldRows;
    const int64 = (of: (m: BatchMoments, ch: number) => number) => BigInt64Array.from({ length: n }, (_, i) => BigInt(of(this.held[Math.floor(i / c)]!, i % c)));
    const float64 = (of: (m: BatchMoments, ch: number) => number) => Float64Array.from({ length: n }, (_, i) => of(this.held[Math.floor(i / c)]!, i % c));
    const names = Array.from({ length: n }, (_, i) => this.features[i % c]!);
    const errors = Array.from({ length: n }, (_, i) => this.held[Math.floor(i / c)]!.error ?? null);
    const children = [
      makeData({ type: new Int64(), data: int64((m) => m.index) }),
      makeData({ type: new Int64(), data: int64((m) => m.startRow) }),
      makeData({ type: new Int64(), data: int64((m) => m.rows) }),
      makeData({ type: new Int32(), data: Int32Array.from({ length: n }, (_, i) => i % c) }),
      vectorFromArray(names, new Utf8()).data[0]!,
      makeData({ type: new Int64(), data: int64((m, ch) => m.count[ch]!) }),
      makeData({ type: new Float64(), data: float64((m, ch) => m.mean[ch]!) }),
      makeData({ type: new Float64(), data: float64((m, ch) => m.m2[ch]!) }),
      vectorFromArray(errors, new Utf8()).data[0]!,
    ];
    this.held = [];
    this.heldRows = 0;
    await this.writer.write(new RecordBatch(this.schema, makeData({ type: new Struct(this.schema.fields), length: n, nullCount: 0, children })));
  }
}

/** The header and plan of an opened moments file (`name` for messages). */
export function momentsHeader(reader: DatasetReader): { header: MomentsHeader; plan: PlanDocument } {
  const meta = reader.schema.metadata;
  const text = meta.get(MOMENTS_KEY);
  const planText = meta.get(PLAN_KEY);
  if (text === undefined || planText === undefined) throw new DataError(`${reader.name}: not a bn1d moments file (make one with bn1d map)`);
  let header: MomentsHeader;
  let plan: PlanDocument;
  try {
    header = JSON.parse(text) as MomentsHeader;
    plan = checkPlan(JSON.parse(planText), `${reader.name}'s plan`);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${reader.name}: corrupt bn1d moments metadata`);
  }
  if (header.format !== MOMENTS_FORMAT || header.version !== 1) throw new DataError(`${reader.name}: moments format ${String(header.version)} is not one this bn1d reads`);
  const shard = plan.shards[header.shard];
  if (header.plan !== plan.fingerprint || !shard || shard.first_batch !== header.first_batch || shard.batches !== header.batches) {
    throw new DataError(`${reader.name}: corrupt bn1d moments metadata (its shard is not its plan's)`);
  }
  return { header, plan };
}

/** The batches of an opened moments file, each checked to be the next of its shard with every channel in order. */
export async function* readMoments(reader: DatasetReader, header: MomentsHeader, plan: PlanDocument): AsyncGenerator<BatchMoments> {
  const c = plan.features.length;
  const B = plan.batch_size;
  let next = header.first_batch;
  let current: BatchMoments | undefined;
  let channel = 0;
  const corrupt = (what: string) => new DataError(`${reader.name}: corrupt bn1d moments (${what})`);
  for await (const batch of reader.batches()) {
    const col = (name: string) => batch.getChild(name)?.toArray() as ArrayLike<bigint | number | string | null> | undefined;
    const [b, s, r, ch, n, mean, m2, err] = ['batch', 'start_row', 'rows', 'channel', 'n', 'mean', 'm2', 'error'].map(col);
    if (!b || !s || !r || !ch || !n || !mean || !m2 || !err) throw corrupt('a column is missing');
    for (let i = 0; i < batch.numRows; i++) {
      if (channel === 0) {
        const index = Number(b[i]);
        const startRow = index * B;
        if (index !== next || Number(s[i]) !== startRow || Number(r[i]) !== Math.min(B, plan.rows - startRow)) throw corrupt(`expected batch ${next}`);
        current = { index, startRow, rows: Number(r[i]), count: new Float64Array(c), mean: new Float64Array(c), m2: new Float64Array(c), error: (err[i] as string | null) ?? undefined };
      }
      if (Number(b[i]) !== current!.index || Number(ch[i]) !== channel) throw corrupt(`expected channel ${channel} of batch ${current!.index}`);
      current!.count[channel] = Number(n[i]);
      current!.mean[channel] = Number(mean[i]);
      current!.m2[channel] = Number(m2[i]);
      if (++channel === c) {
        channel = 0;
        next++;
        yield current!;
      }
    }
  }
  if (channel !== 0 || next !== header.first_batch + header.batches) throw corrupt(`it ends at batch ${next}, before the end of shard ${header.shard}`);
}
