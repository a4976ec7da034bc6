/**
 * Made-up but realistic report data: features with different distributions,
 * streamed in batches through BatchNorm1d's training-mode update, with the
 * trajectory at log-spaced batches and a uniform sample of each feature.
 */
import { seededRandom } from '../../../src/core/random.js';
import { keepsBatch } from '../../../src/core/trajectory.js';
import type { FeatureReport, ReportData } from '../../../src/pipeline/report-types.js';

/** A seeded uniform generator in [0, 1), from the project's own seeded randomness. */
export function rng(seed: number): () => number {
  const random = seededRandom(seed);
  return () => random.next();
}

/** A standard normal draw (Box-Muller). */
function gauss(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Feature generators: name and a draw of one value. */
const DISTRIBUTIONS: [string, (u: () => number) => number][] = [
  ['age', (u) => Math.round(38 + 12 * gauss(u))],
  ['income_usd', (u) => Math.exp(10.8 + 0.6 * gauss(u))],
  ['temperature °C', (u) => 14 + 9 * gauss(u) + 4 * Math.sin(u() * 6.28)],
  ['clicks', (u) => Math.floor(-Math.log(1 - u()) * 3)],
  ['sensor <raw> & "calibrated"', (u) => 1e8 + gauss(u)],
  ['p_value', (u) => 1e-6 * u() ** 2],
];

/** The shape of a made-up fit; every field has a default. */
export interface SampleOptions {
  rows?: number;
  batchSize?: number;
  epochs?: number;
  momentum?: number | null;
  seed?: number;
  features?: number;
  sampleSize?: number;
  affine?: boolean;
}

/** Report data for a fit of made-up rows, computed as BatchNorm1d would. */
export function makeReportData(options: SampleOptions = {}): ReportData {
  const { rows = 5000, batchSize = 128, epochs = 3, momentum = 0.1, seed = 7, sampleSize = 4000, affine = true } = options;
  const count = options.features ?? DISTRIBUTIONS.length;
  const u = rng(seed);
  const gens = Array.from({ length: count }, (_, c) => {
    const [name, draw] = DISTRIBUTIONS[c % DISTRIBUTIONS.length]!;
    return { name: c < DISTRIBUTIONS.length ? name : `${name}_${Math.floor(c / DISTRIBUTIONS.length)}`, draw };
  });
  const data = gens.map((g) => Float64Array.from({ length: rows }, () => g.draw(u)));
  const mean = new Array<number>(count).fill(0);
  const variance = new Array<number>(count).fill(1);
  const meanPaths: number[][] = gens.map(() => []);
  const varPaths: number[][] = gens.map(() => []);
  const batches: number[] = [];
  const epochStarts: number[] = [];
  let tracked = 0;
  for (let e = 0; e < epochs; e++) {
    epochStarts.push(tracked + 1);
    for (let start = 0; start < rows; start += batchSize) {
      const end = Math.min(rows, start + batchSize);
      const n = end - start;
      if (n < 2) continue;
      tracked++;
      const f = momentum ?? 1 / tracked;
      for (let c = 0; c < count; c++) {
        const col = data[c]!;
        let s = 0;
        for (let i = start; i < end; i++) s += col[i]!;
        const m = s / n;
        let q = 0;
        for (let i = start; i < end; i++) q += (col[i]! - m) ** 2;
        mean[c] = (1 - f) * mean[c]! + f * m;
        variance[c] = (1 - f) * variance[c]! + f * (q / (n - 1));
      }
      const last = e === epochs - 1 && end === rows;
      if (keepsBatch(tracked) || last) {
        batches.push(tracked);
        for (let c = 0; c < count; c++) {
          meanPaths[c]!.push(Number(mean[c]!.toPrecision(7)));
          varPaths[c]!.push(Number(variance[c]!.toPrecision(7)));
        }
      }
    }
  }
  const eps = 1e-5;
  const features: FeatureReport[] = gens.map((g, c) => {
    const pick = Array.from({ length: Math.min(sampleSize, rows) }, () => data[c]![Math.floor(u() * rows)]!);
    const denom = Math.sqrt(variance[c]! + eps);
    return {
      name: g.name,
      runningMean: mean[c]!,
      runningVar: variance[c]!,
      weight: affine ? 1 : null,
      bias: affine ? 0 : null,
      meanPath: meanPaths[c]!,
      varPath: varPaths[c]!,
      sample: { raw: pick, normalized: pick.map((x) => (x - mean[c]!) / denom) },
      counts: { values: rows * epochs, nulls: c === 1 ? 37 : 0, nonFinite: 0 },
    };
  });
  return {
    title: `bn1d fit of train.parquet`,
    generated: '2025-06-01T12:34:56.789Z',
    version: '0.1.0',
    settings: {
      inputs: ['data/train-part-0.parquet', 'data/train-part-1.parquet'],
      rows,
      batchSize,
      epochs,
      dropLast: false,
      momentum,
      eps,
      affine,
      numBatchesTracked: tracked,
      shuffle: null,
    },
    trajectory: { batches, epochStarts },
    features,
  };
}
