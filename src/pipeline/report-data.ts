/**
 * What a fit report shows, collected: a bounded random sample of every
 * feature's values, the trajectory recorded in the state, and the final
 * state, as the ReportData that the CLI renders to HTML.
 */
import { evalAffine } from '../core/normalize.js';
import type { Chunk } from '../core/batcher.js';
import type { ColumnData } from '../core/column.js';
import { seededRandom } from '../core/random.js';
import { Reservoir } from '../core/reservoir.js';
import type { BatchNormState } from '../core/state.js';
import type { FeatureReport, ReportData } from './report-types.js';

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

  /** Offers feature `c`'s values of a chunk: the same sample as add() of the chunk, whatever the order of features. */
  addColumn(c: number, column: ColumnData): void {
    this.reservoirs[c]!.offer(column);
  }

  feature(c: number): { sample: Float64Array; counts: FeatureReport['counts'] } {
    const r = this.reservoirs[c]!;
    return { sample: r.sample(), counts: { values: r.count, nulls: r.nulls, nonFinite: r.nonFinite } };
  }
}

/** The report of a state, with its samples (if collected), a title and the version of bn1d that writes it. */
export function buildReport(state: BatchNormState, samples: SampleCollector | undefined, title: string, version: string): ReportData {
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
    version,
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
