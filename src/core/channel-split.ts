/**
 * A state cut into one state per channel, and joined back. BatchNorm1d's
 * arithmetic never mixes channels: a channel's batch moments need only its
 * own values, and its running statistics only its own moments. The batch
 * count moves on by one per batch for every channel alike. So training each
 * channel's state on its own column, over the same batches, and joining the
 * results gives the state of training all channels together, bit for bit
 * (batch-norm.ts runs the same loop per channel either way).
 */
import type { BatchNormState } from './state.js';
import type { TrajectoryRecord } from './trajectory.js';

const pick = (values: Float64Array | null, c: number): Float64Array | null => (values ? Float64Array.of(values[c]!) : null);

/** The state of channel `c` alone (its trajectory too, when the state has one). */
export function channelState(state: BatchNormState, c: number): BatchNormState {
  const t = state.trajectory;
  return {
    ...state,
    features: [state.features[c]!],
    runningMean: pick(state.runningMean, c),
    runningVar: pick(state.runningVar, c),
    weight: pick(state.weight, c),
    bias: pick(state.bias, c),
    trajectory: t && { ...t, runningMean: [t.runningMean[c]!], runningVar: [t.runningVar[c]!] },
  };
}

const join = (parts: readonly BatchNormState[], field: 'runningMean' | 'runningVar' | 'weight' | 'bias'): Float64Array | null =>
  parts[0]![field] ? Float64Array.from(parts, (p) => p[field]![0]!) : null;

/**
 * The state whose channel c is `parts[c]` (each a one-channel state trained
 * on the same batches); settings and the fit record come from `base`.
 */
export function joinChannels(base: BatchNormState, parts: readonly BatchNormState[]): BatchNormState {
  if (parts.length !== base.features.length) throw new Error(`joinChannels: ${parts.length} parts for ${base.features.length} channels`);
  const tracked = parts[0]!.numBatchesTracked;
  if (parts.some((p) => p.numBatchesTracked !== tracked)) throw new Error('joinChannels: the channels were trained on different batches');
  return {
    ...base,
    runningMean: join(parts, 'runningMean'),
    runningVar: join(parts, 'runningVar'),
    weight: join(parts, 'weight'),
    bias: join(parts, 'bias'),
    numBatchesTracked: tracked,
    trajectory: joinTrajectories(parts.map((p) => p.trajectory)),
  };
}

function joinTrajectories(parts: readonly (TrajectoryRecord | undefined)[]): TrajectoryRecord | undefined {
  const first = parts[0];
  if (!first || parts.some((p) => !p)) return undefined;
  return {
    batches: first.batches,
    epochStarts: first.epochStarts,
    runningMean: parts.map((p) => p!.runningMean[0]!),
    runningVar: parts.map((p) => p!.runningVar[0]!),
  };
}
