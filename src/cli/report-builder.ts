/**
 * Collecting a fit report: a bounded random sample of every feature's
 * values, the trajectory recorded in the state, and the final state, as the
 * ReportData that src/report renders; and writing the HTML file.
 */
import { evalAffine } from '../core/normalize.js';
import type { Chunk } from '../core/batcher.js';
import { seededRandom } from '../core/random.js';
import { Reservoir } from '../core/reservoir.js';
import type { BatchNormState } from '../core/state.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { isSpecialFile, writeWhole } from '../io/atomic-file.js';
import type { ByteSink } from '../io/dataset.js';
import type { FeatureReport, ReportData } from '../report/report-data.js';
import { renderReport } from '../report/render-report.js';
import { sameFile } from './same-file.js';
import { packageVersion } from './version.js';

/** Values kept per feature for the histograms. */
const SAMPLE_SIZE = 4000;
/** Samples use a fixed seed, so the same data gives the same report. */
const SAMPLE_SEED = 0x5eed;

/** A bounded uniform sample of every feature's values, from the chunks it is shown. */
export class SampleCollector {
  private readonly reservoirs: Reservoir[];

  constructor(channels: number) {
    this.reservoirs = Array.from({ length: channels }, (_, c) => new Reservoir(SAMPLE_SIZE, seededRandom(SAMPLE_SEED, c)));
  }

  add(chunk: Chunk): void {
    chunk.columns.forEach((column, c) => this.reservoirs[c]!.offer(column));
  }

  feature(c: number): { sample: Float64Array; counts: FeatureReport['counts'] } {
    const r = this.reservoirs[c]!;
    return { sample: r.sample(), counts: { values: r.count, nulls: r.nulls, nonFinite: r.nonFinite } };
  }
}

/** The report of a state, with its samples (if collected) and a title. */
export function buildReport(state: BatchNormState, samples: SampleCollector | undefined, title: string): ReportData {
  const fit = (state.fit ?? {}) as { inputs?: string[]; rows?: number; batch_size?: number; epochs?: number; drop_last?: boolean; shuffle?: { seed: number; buffer: number } };
  const affine = state.trackRunningStats ? evalAffine(state) : undefined;
  const t = state.trajectory;
  const features = state.features.map((name, c): FeatureReport => {
    const collected = samples?.feature(c);
    const raw = collected ? Array.from(collected.sample) : undefined;
    return {
      name,
      runningMean: state.runningMean?.[c] ?? null,
      runningVar: state.runningVar?.[c] ?? null,
      weight: state.weight?.[c] ?? null,
      bias: state.bias?.[c] ?? null,
      meanPath: t ? t.runningMean[c]! : null,
      varPath: t ? t.runningVar[c]! : null,
      sample: raw && affine ? { raw, normalized: raw.map((x) => x * affine.alpha[c]! + affine.beta[c]!) } : null,
      counts: collected?.counts ?? null,
    };
  });
  return {
    title,
    generated: new Date().toISOString(),
    version: packageVersion(),
    settings: {
      inputs: fit.inputs ?? [],
      rows: fit.rows,
      batchSize: fit.batch_size,
      epochs: fit.epochs,
      dropLast: fit.drop_last,
      momentum: state.momentum,
      eps: state.eps,
      affine: state.affine,
      numBatchesTracked: state.numBatchesTracked,
      shuffle: fit.shuffle ?? null,
    },
    trajectory: t ? { batches: t.batches, epochStarts: t.epochStarts } : null,
    features,
  };
}

/** Whether a file exists and is not an HTML report bn1d wrote (its generator tag is in the first kilobytes). */
function isForeignFile(path: string): boolean {
  if (isSpecialFile(path)) return false;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false; // not there (writing it will say what else is wrong)
  }
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return !head.subarray(0, n).toString('latin1').includes('<meta name="generator" content="bn1d ');
  } catch {
    return true; // a folder, or unreadable: not a report to replace
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses a report path that is one of the command's other files, or an
 * existing file that is not a bn1d report (a report is replaced, like a state).
 */
export function checkReportTarget(path: string, others: readonly string[], flag: string): void {
  if (path === '-') return;
  const clash = others.find((other) => sameFile(other, path));
  if (clash !== undefined) throw new UsageError(`the report ${path} is ${clash}: choose another ${flag}`);
  if (isForeignFile(path)) throw new UsageError(`${path} exists and is not a bn1d report: not overwriting it (choose another ${flag})`);
}

/** Renders and writes a report, complete or not at all, to a path or a sink such as stdout. */
export async function writeReport(target: string | ByteSink, data: ReportData): Promise<void> {
  await writeWhole(new TextEncoder().encode(renderReport(data)), target);
}
