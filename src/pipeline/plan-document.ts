/**
 * The plan of a fit split into shards (`bn1d plan`): the inputs with what
 * identifies each file, the features, the batches of the one logical
 * stream, and the shards as runs of whole batches. Made from footers only;
 * `bn1d map` computes one shard's batch moments by it, `bn1d fold` folds
 * them into the state a sequential fit gives.
 *
 * The plan's fingerprint is the SHA-256 of its canonical JSON (every field
 * but `fingerprint` and `created`), so moments of different plans, or of a
 * plan edited by hand, are never folded together.
 */
import { createHash } from 'node:crypto';
import { DataError } from '../core/errors.js';

export const PLAN_FORMAT = 'bn1d-plan';
export const PLAN_VERSION = 1;

/** An input file as planned. */
export interface PlanInput {
  /** As messages and the state name it (the path as given or as a folder or glob expanded it). */
  name: string;
  /** Absolute path or http(s) URL (as given, query included), which map opens. */
  path: string;
  format: 'parquet' | 'arrow';
  size: number;
  mtime_ms: number;
  /** Hex SHA-256 of the file's footer. */
  fingerprint: string;
  /** An http(s) file's ETag, when its server sends one. */
  etag?: string;
  rows: number;
  /** Stream row of its first row. */
  start_row: number;
  /** Rows of each chunk of random access (non-empty Parquet row groups, Arrow IPC record batches). */
  chunk_rows: number[];
}

/** A feature: its column name and the shape of its values. */
export interface PlanFeature {
  name: string;
  shape: 'scalar' | 'list' | 'large-list' | 'fixed-list';
  /** Values per row of a fixed-size list. */
  list_size?: number;
}

/** A shard: batches [first_batch, first_batch + batches), rows [start_row, start_row + rows). */
export interface PlanShard {
  shard: number;
  first_batch: number;
  batches: number;
  start_row: number;
  rows: number;
}

/** A plan file's document. */
export interface PlanDocument {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  fingerprint: string;
  created?: string;
  /** The inputs as given (the state's `fit.inputs`). */
  given: string[];
  /** Whether a folder or a glob stood for files `given` does not list. */
  expanded: boolean;
  batch_size: number;
  nan: 'error' | 'skip';
  features: PlanFeature[];
  rows: number;
  /** Batches of one pass, the last one shorter when rows is not a multiple of batch_size. */
  batches: number;
  inputs: PlanInput[];
  shards: PlanShard[];
}

/** The fields a plan's fingerprint covers, in the order it hashes them. */
const HASHED = ['format', 'version', 'given', 'expanded', 'batch_size', 'nan', 'features', 'rows', 'batches', 'inputs', 'shards'] as const;

/** The fingerprint of a plan: SHA-256 of the JSON of its fields but `fingerprint` and `created`, in a fixed order. */
export function planFingerprint(plan: Pick<PlanDocument, (typeof HASHED)[number]>): string {
  const canonical = Object.fromEntries(HASHED.map((key) => [key, plan[key]]));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** Checks a parsed plan file (`source` names it in messages): its format, version, fields and fingerprint. */
export function checkPlan(doc: unknown, source: string): PlanDocument {
  const plan = doc as Partial<PlanDocument> | null;
  if (typeof plan !== 'object' || plan === null || plan.format !== PLAN_FORMAT) {
    throw new DataError(`${source}: not a bn1d plan (make one with bn1d plan)`);
  }
  if (plan.version !== PLAN_VERSION) throw new DataError(`${source}: plan version ${String(plan.version)} is not one this bn1d reads (${PLAN_VERSION})`);
  const bad = (what: string) => new DataError(`${source}: corrupt plan (${what})`);
  if (!isCount(plan.batch_size) || plan.batch_size < 1) throw bad('batch_size');
  if (!Array.isArray(plan.features) || plan.features.length === 0) throw bad('features');
  if (!Array.isArray(plan.inputs) || !Array.isArray(plan.shards) || !Array.isArray(plan.given)) throw bad('inputs or shards');
  if (!isCount(plan.rows) || !isCount(plan.batches) || plan.batches !== Math.ceil(plan.rows / plan.batch_size)) throw bad('rows and batches');
  let row = 0;
  for (const input of plan.inputs) {
    const rows = Array.isArray(input.chunk_rows) ? input.chunk_rows.reduce((a, b) => a + b, 0) : -1;
    if (input.start_row !== row || input.rows !== rows || typeof input.path !== 'string') throw bad(`input ${String(input.name)}`);
    row += rows;
  }
  if (row !== plan.rows) throw bad('rows of the inputs');
  let batch = 0;
  plan.shards.forEach((s, k) => {
    if (s.shard !== k || s.first_batch !== batch || !isCount(s.batches) || s.batches < 1) throw bad(`shard ${k}`);
    if (s.start_row !== batch * plan.batch_size! || s.rows !== Math.min(plan.rows!, (batch + s.batches) * plan.batch_size!) - s.start_row) throw bad(`shard ${k}`);
    batch += s.batches;
  });
  if (batch !== plan.batches) throw bad('shards');
  if (plan.fingerprint !== planFingerprint(plan as PlanDocument)) {
    throw new DataError(`${source}: the plan was changed after bn1d made it (its fingerprint does not match): make it again with bn1d plan`);
  }
  return plan as PlanDocument;
}

/** Batches of `total` cut into shards: `shards` of near-equal size (never more than batches), or `shardRows` rows (whole batches, at least one) each. */
export function cutShards(total: number, batchSize: number, rows: number, cut: { shards?: number; shardRows?: number }): PlanShard[] {
  const out: PlanShard[] = [];
  const push = (first: number, count: number) =>
    out.push({ shard: out.length, first_batch: first, batches: count, start_row: first * batchSize, rows: Math.min(rows, (first + count) * batchSize) - first * batchSize });
  if (cut.shardRows !== undefined) {
    const per = Math.max(1, Math.floor(cut.shardRows / batchSize));
    for (let first = 0; first < total; first += per) push(first, Math.min(per, total - first));
    return out;
  }
  const k = Math.min(cut.shards ?? 1, total);
  for (let i = 0, first = 0; i < k; i++) {
    const count = Math.floor(total / k) + (i < total % k ? 1 : 0);
    push(first, count);
    first += count;
  }
  return out;
}

/** The plan JSON as a plan file holds it: one input, shard or feature per line. */
export function formatPlan(plan: PlanDocument): string {
  const { inputs, shards, features, ...head } = plan;
  const list = (items: readonly unknown[]) => (items.length ? `[\n    ${items.map((x) => JSON.stringify(x)).join(',\n    ')}\n  ]` : '[]');
  const lines = Object.entries(head).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  const at = lines.findIndex((l) => l.startsWith('  "rows"'));
  lines.splice(at, 0, `  "features": ${list(features)}`);
  lines.push(`  "inputs": ${list(inputs)}`, `  "shards": ${list(shards)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}
