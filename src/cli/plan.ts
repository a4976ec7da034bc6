/** `bn1d plan`: a fit cut into shards of whole batches, from the inputs' footers. */
import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { countOf, formatCount } from '../core/format-count.js';
import { writeWhole } from '../io/files/atomic-file.js';
import { sameFile } from '../io/files/same-file.js';
import type { NanOption } from '../pipeline/options.js';
import { formatPlan } from '../pipeline/plan-document.js';
import { plan } from '../pipeline/plan.js';
import { headerOption, requestHeaders } from './headers.js';
import type { Io } from './io.js';
import { batchSizeOption, columnsOption, excludeOption, nanOption, positiveInteger, quietOption } from './options.js';
import { outputTarget } from './output-target.js';
import { startProgress } from './progress.js';
import { flagSpelling } from './spelling.js';

interface PlanFlags {
  output: string;
  columns?: string[];
  exclude?: string[];
  batchSize: number;
  nan: NanOption;
  shards?: number;
  shardRows?: number;
  header?: string[];
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ bn1d plan data/ --shards 16 -o plan.json
  $ bn1d plan 'part-*.parquet' -b 512 -x id --shard-rows 10000000 -o plan.json
  $ bn1d map --plan plan.json --shard 0 -o moments-0.parquet     # one per shard, anywhere
  $ bn1d fold moments-*.parquet -m none -s stats.json           # the state bn1d fit gives`;

/** --shuffle on plan and fold: a shuffled epoch is one seeded order over every row, which shards of the stream cannot hold. */
export function shuffleError(): UsageError {
  return new UsageError('--shuffle cannot be planned: a shuffled epoch visits the rows in one seeded order over the whole input, not in batches of the stream; use bn1d fit --shuffle');
}

export const shardsOption = () => new Option('--shards <k>', 'cut the batches into k shards of near-equal size').argParser(positiveInteger);
export const shardRowsOption = () => new Option('--shard-rows <r>', 'rows per shard, rounded down to whole batches').argParser(positiveInteger);

async function runPlan(inputs: string[], flags: PlanFlags, io: Io): Promise<void> {
  if (flags.output !== '-') {
    const input = inputs.find((i) => sameFile(i, flags.output));
    if (input !== undefined) throw new UsageError(`the plan ${flags.output} is the input ${input}: choose another --output`);
  }
  const progress = startProgress(io.stderr, flags.quiet ?? false, 'planning');
  try {
    const { output: _o, quiet: _q, header, ...options } = flags;
    const made = await plan(inputs, {
      ...options,
      headers: requestHeaders(header),
      onWarning: (message) => progress.note(`bn1d: warning: ${message}\n`),
      onProgress: (files, of) => {
        progress.setTotal(of);
        progress.update({ rows: files, unit: ['file', 'files'] });
      },
    }, flagSpelling);
    await writeWhole(new TextEncoder().encode(formatPlan(made)), outputTarget(flags.output, io));
    progress.done(`planned ${countOf(made.rows, 'row')} in ${countOf(made.inputs.length, 'file')}: ${countOf(made.batches, 'batch', 'batches')} of ${formatCount(made.batch_size)} in ${countOf(made.shards.length, 'shard')}`);
  } catch (error) {
    progress.fail();
    throw error;
  }
}

/** The `plan` command. */
export function planCommand(io: Io): Command {
  return new Command('plan')
    .description('cut a fit of the inputs into shards of whole batches, from their footers only, for bn1d map and bn1d fold')
    .argument('<input...>', "Parquet or Arrow IPC files, dataset folders or quoted globs, read as one stream in this order (not stdin or Arrow streams)")
    .option('-o, --output <plan.json>', "plan file to write ('-' = stdout)", 'plan.json')
    .addOption(columnsOption())
    .addOption(excludeOption())
    .addOption(batchSizeOption())
    .addOption(nanOption())
    .addOption(shardsOption())
    .addOption(shardRowsOption())
    .addOption(headerOption())
    .addOption(quietOption())
    .addOption(new Option('--shuffle').hideHelp())
    .addHelpText('after', EXAMPLES)
    .action(async (inputs: string[], flags: PlanFlags & { shuffle?: boolean }) => {
      if (flags.shuffle) throw shuffleError();
      await runPlan(inputs, flags, io);
    });
}
