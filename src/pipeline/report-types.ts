/**
 * What a fit report shows: the contract between the code that collects it
 * (bn1d fit --report, bn1d report) and the renderer (src/cli/report/render-report.ts).
 * Plain data only: numbers, strings and arrays.
 */

/** Settings of the fit that the report describes. */
export interface ReportSettings {
  /** The inputs, as named on the command line. */
  inputs: string[];
  /** Rows per epoch, when known. */
  rows?: number;
  batchSize?: number;
  epochs?: number;
  dropLast?: boolean;
  /** EMA factor, or null for a cumulative average. */
  momentum: number | null;
  eps: number;
  affine: boolean;
  numBatchesTracked: number | null;
  /** Shuffled epochs: the seed and the shuffle buffer in rows; null when rows were read in order. */
  shuffle: { seed: number; buffer: number } | null;
}

/** The running statistics of all features after selected batches (at most a few hundred points). */
export interface Trajectory {
  /** 1-based batch number (counting across epochs) of each point, increasing. */
  batches: number[];
  /** Batch numbers where an epoch begins (the first is 1). */
  epochStarts: number[];
}

/** One feature (channel). */
export interface FeatureReport {
  name: string;
  /** Final state; null where the state has none. */
  runningMean: number | null;
  runningVar: number | null;
  weight: number | null;
  bias: number | null;
  /** running_mean and running_var at each point of Trajectory.batches; null when not recorded. */
  meanPath: number[] | null;
  varPath: number[] | null;
  /** A uniform random sample (at most a few thousand values) of the feature's values, and the same values normalized in eval mode with the final state. */
  sample: { raw: number[]; normalized: number[] } | null;
  /** Values seen in the inputs (non-null), nulls, and NaN or infinite values (left out). */
  counts: { values: number; nulls: number; nonFinite: number } | null;
}

/** Everything a report shows. */
export interface ReportData {
  /** A title, such as "bn1d fit of train.parquet". */
  title: string;
  /** When the report was made, ISO 8601. */
  generated: string;
  /** bn1d's version. */
  version: string;
  settings: ReportSettings;
  trajectory: Trajectory | null;
  features: FeatureReport[];
}
