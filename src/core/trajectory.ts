/**
 * The running statistics along a fit, kept at log-spaced batches: every
 * batch up to 16, then 8 per doubling of the batch count. The first batches,
 * where an EMA settles, are all there; a long fit adds only a few points.
 */
import type { BatchNormState } from './state.js';

/** Most features a trajectory is recorded for (each adds two paths to the state file). */
export const MAX_TRAJECTORY_FEATURES = 512;

/** Running statistics at selected batches (1-based num_batches_tracked). */
export interface TrajectoryRecord {
  /** Batch numbers of the points, increasing. */
  readonly batches: number[];
  /** Batch numbers where an epoch began. */
  readonly epochStarts: number[];
  /** Per feature, running_mean at each point. */
  readonly runningMean: number[][];
  /** Per feature, running_var at each point. */
  readonly runningVar: number[][];
}

/** Whether the statistics after batch `b` are kept. */
export function keepsBatch(b: number): boolean {
  if (b <= 16) return true;
  // b in [16 * 2^k, 16 * 2^(k+1)): a stride of 2^(k+1) keeps 8 batches of that doubling.
  // Asked after every batch of every channel: bit operations while b fits them.
  if (b < 2 ** 31) return (b & ((2 << (27 - Math.clz32(b))) - 1)) === 0;
  const k = Math.floor(Math.log2(b)) - 4;
  return b % 2 ** (k + 1) === 0;
}

/** Seven significant digits: the trajectory is for looking at, not for computing. */
const round = (x: number) => Number(x.toPrecision(7));

/** Collects a trajectory while a fit runs (continuing a previous one on resume). */
export class TrajectoryRecorder {
  private readonly batches: number[];
  private readonly epochStarts: number[];
  private readonly mean: number[][];
  private readonly variance: number[][];
  /** The last batch recorded (0: none). */
  private last: number;

  constructor(channels: number, previous?: TrajectoryRecord) {
    this.batches = [...(previous?.batches ?? [])];
    this.last = this.batches.at(-1) ?? 0;
    this.epochStarts = [...(previous?.epochStarts ?? [])];
    this.mean = previous ? previous.runningMean.map((p) => [...p]) : Array.from({ length: channels }, () => []);
    this.variance = previous ? previous.runningVar.map((p) => [...p]) : Array.from({ length: channels }, () => []);
  }

  /** Marks that the next batch starts an epoch. */
  startEpoch(state: BatchNormState): void {
    this.epochStarts.push((state.numBatchesTracked ?? 0) + 1);
  }

  /** Called after each training batch. */
  record(state: BatchNormState, force = false): void {
    const b = state.numBatchesTracked;
    if (b === null || !state.runningMean || !state.runningVar) return;
    this.recordAt(b, state.runningMean, state.runningVar, force);
  }

  /** record() of the running statistics after batch `b`. */
  recordAt(b: number, runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, force = false): void {
    if (b <= this.last || (!force && !keepsBatch(b))) return;
    this.last = b;
    this.batches.push(b);
    for (let c = 0; c < this.mean.length; c++) {
      this.mean[c]!.push(round(runningMean[c]!));
      this.variance[c]!.push(round(runningVar[c]!));
    }
  }

  /** The trajectory, with the final state as its last point. */
  finish(state: BatchNormState): TrajectoryRecord {
    this.record(state, true);
    return { batches: this.batches, epochStarts: this.epochStarts, runningMean: this.mean, runningVar: this.variance };
  }
}
