/** `bn1d fold`: the state of a fit from the moments of every shard of a plan. */
import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { countOf } from '../core/format-count.js';
import { writeState } from '../io/files/state-file.js';
import { checkStateTargets } from './fit.js';
import { type FoldOptions, foldState } from '../pipeline/fold.js';
import { buildReport } from '../pipeline/report-data.js';
import type { Io } from './io.js';
import { epochsOption, epsOption, given, momentumOption, momentumValue, quietOption } from './options.js';
import { outputTarget } from './output-target.js';
import { startProgress } from './progress.js';
import { writeReport } from './report-file.js';
import { flagSpelling } from './spelling.js';
import { shuffleError } from './plan.js';
import { packageVersion } from './version.js';

interface FoldFlags {
  state: string;
  momentum: number | 'none';
  eps: number;
  affine: boolean;
  epochs: number;
  dropLast?: boolean;
  resume?: string;
  report?: string;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ bn1d fold moments-*.parquet -s stats.json
  $ bn1d fold moments/ -m none -e 3 --drop-last -s stats.json --report fit.html
  $ cat moments/*.arrows | bn1d fold - -s stats.json     # one stream holds one shard`;

const FROM_STATE = ['momentum', 'eps', 'affine'] as const;

async function runFold(files: string[], flags: FoldFlags, io: Io, explicit: ReadonlySet<string>): Promise<void> {
  const clash = FROM_STATE.find((name) => explicit.has(name));
  if (flags.resume && clash) throw new UsageError(`--${clash === 'affine' ? 'no-affine' : clash} cannot be combined with --resume: the resumed state's setting is used`);
  await checkStateTargets(files, flags);
  const options: FoldOptions = { epochs: flags.epochs, dropLast: flags.dropLast, resume: flags.resume, stdin: io.stdin };
  if (!flags.resume) Object.assign(options, { momentum: momentumValue(flags.momentum), eps: flags.eps, affine: flags.affine });
  const progress = startProgress(io.stderr, flags.quiet ?? false, 'folding');
  try {
    const state = await foldState(files, {
      ...options,
      onProgress: (batches, of) => {
        progress.setTotal(of);
        progress.update({ rows: batches, unit: ['batch', 'batches'] });
      },
    }, flagSpelling);
    await writeState(state, outputTarget(flags.state, io));
    const names = (state.fit as { inputs: string[] }).inputs;
    if (flags.report) await writeReport(outputTarget(flags.report, io), buildReport(state, undefined, `bn1d fold of ${names.join(', ')}`, packageVersion()));
    const { batches, epochs } = state.fit as { batches: number; epochs: number };
    progress.done(`folded ${countOf(state.features.length, 'feature')} over ${countOf(epochs, 'epoch')}, ${countOf(batches, 'batch', 'batches')}`);
  } catch (error) {
    progress.fail();
    throw error;
  }
}

/** The `fold` command. */
export function foldCommand(io: Io): Command {
  return new Command('fold')
    .description('fold the moments bn1d map wrote for every shard of a plan into a state file: the state bn1d fit gives, bit for bit')
    .argument('<moments...>', "moments files, folders or quoted globs, in any order ('-' = stdin)")
    .option('-s, --state <path>', "state file to write ('-' = stdout)", 'stats.json')
    .addOption(momentumOption())
    .addOption(epsOption())
    .option('--no-affine', 'weight and bias are null (torch: affine=False)')
    .addOption(epochsOption())
    .option('--drop-last', 'skip a final batch shorter than the batch size, every epoch (torch DataLoader: drop_last)')
    .option('--resume <path>', 'start from this state: eps, momentum and affine come from it; num_batches_tracked carries on')
    .option('--report <path>', "also write an HTML report: running statistics along the fit and the final state ('-' = stdout)")
    .addOption(quietOption())
    .addOption(new Option('--shuffle').hideHelp())
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], flags: FoldFlags & { shuffle?: boolean }, command: Command) => {
      if (flags.shuffle) throw shuffleError();
      const explicit = new Set(FROM_STATE.filter((name) => given(command, name)));
      await runFold(files, flags, io, explicit);
    });
}
