/** `bn1d inspect`: a state file as a readable table, or as JSON for scripts. */
import { Command } from 'commander';
import { countOf, formatCount } from '../core/format-count.js';
import type { BatchNormState } from '../core/state.js';
import { readStateFile } from '../io/files/state-file.js';
import type { Io } from './io.js';
import { sparkline } from './sparkline.js';

const EXAMPLES = `
Examples:
  $ bn1d inspect stats.json
  $ bn1d inspect stats.json --json | jq '.features[] | select(.std < 1e-3)'`;

/** One feature's statistics: null where the state has none. */
interface FeatureRow {
  feature: string;
  mean: number | null;
  std: number | null;
  var: number | null;
  weight: number | null;
  bias: number | null;
}

function rows(state: BatchNormState): FeatureRow[] {
  return state.features.map((feature, i) => {
    const variance = state.runningVar ? state.runningVar[i]! : null;
    return {
      feature,
      mean: state.runningMean ? state.runningMean[i]! : null,
      std: variance === null ? null : Math.sqrt(variance),
      var: variance,
      weight: state.weight ? state.weight[i]! : null,
      bias: state.bias ? state.bias[i]! : null,
    };
  });
}

function formatNumber(x: number | null): string {
  if (x === null) return '-';
  if (x === 0 || (Math.abs(x) >= 1e-4 && Math.abs(x) < 1e7)) return String(Number(x.toPrecision(7)));
  return x.toExponential(5);
}

/** The table, with a line of settings below it. */
export function formatTable(state: BatchNormState): string {
  const header = ['feature', 'mean', 'std', 'var', 'weight', 'bias'];
  const body = rows(state).map((r) => [r.feature, ...[r.mean, r.std, r.var, r.weight, r.bias].map(formatNumber)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  const settings = [
    state.trackRunningStats ? `num_batches_tracked ${formatCount(state.numBatchesTracked!)}` : 'no running statistics (batch statistics only)',
    `momentum ${state.momentum ?? 'none (cumulative average)'}`,
    `eps ${state.eps}`,
    state.affine ? 'affine' : 'no affine',
  ];
  const fit = state.fit as { inputs?: string[]; rows?: number; batch_size?: number; epochs?: number } | undefined;
  // The fit block is free-form: a hand-made state may lack a count.
  const count = (n: number | undefined) => (n === undefined ? '?' : formatCount(n));
  if (fit?.inputs) settings.push(`fitted on ${fit.inputs.join(', ')} (${count(fit.rows)} rows, batch ${count(fit.batch_size)}, ${count(fit.epochs)} epoch${fit.epochs === 1 ? '' : 's'})`);
  return [line(header), ...body.map(line), '', settings.join(' · '), ...trajectoryLines(state)].join('\n') + '\n';
}

const SPARK = 32;

/** Sparklines of running_mean and running_var along the fit, when the state recorded them. */
function trajectoryLines(state: BatchNormState): string[] {
  const t = state.trajectory;
  if (!t || t.batches.length < 2) return [];
  const epochs = t.epochStarts.length;
  const width = Math.max(...state.features.map((f) => f.length));
  const title = `running_mean and running_var along the fit (${countOf(t.batches.at(-1)!, 'batch', 'batches')}${epochs > 1 ? `, ${formatCount(epochs)} epochs` : ''}; early batches in more detail):`;
  return ['', title, ...state.features.map((f, c) => `${f.padEnd(width)}  ${sparkline(t.runningMean[c]!, SPARK)}  ${sparkline(t.runningVar[c]!, SPARK)}`)];
}

/** The state as JSON for scripts: exact numbers, one record per feature. */
export function formatJson(state: BatchNormState): string {
  const doc = {
    features: rows(state),
    eps: state.eps,
    momentum: state.momentum,
    affine: state.affine,
    track_running_stats: state.trackRunningStats,
    num_batches_tracked: state.numBatchesTracked,
    ...(state.fit ? { fit: state.fit } : {}),
    ...(state.trajectory
      ? { trajectory: { batches: state.trajectory.batches, epoch_starts: state.trajectory.epochStarts, running_mean: state.trajectory.runningMean, running_var: state.trajectory.runningVar } }
      : {}),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** Prints a state file. */
export async function runInspect(path: string, options: { json?: boolean }, io: Io): Promise<void> {
  const state = await readStateFile(path);
  io.stdout.write(options.json ? formatJson(state) : formatTable(state));
}

/** The `inspect` command. */
export function inspectCommand(io: Io): Command {
  return new Command('inspect')
    .description('show a state file: per feature, the running mean, std, variance, weight and bias')
    .argument('<state>', 'state file written by bn1d fit')
    .option('--json', 'machine-readable output (exact numbers)')
    .addHelpText('after', EXAMPLES)
    .action((path: string, options: { json?: boolean }) => runInspect(path, options, io));
}
