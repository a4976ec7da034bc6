/** `bn1d map`: the batch moments of one shard of a plan. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { countOf } from '../core/format-count.js';
import { readPlanJson } from '../io/files/plan-file.js';
import { sameFile } from '../io/files/same-file.js';
import { map } from '../pipeline/map.js';
import { checkPlan } from '../pipeline/plan-document.js';
import { headerOption, requestHeaders } from './headers.js';
import type { Io } from './io.js';
import { quietOption } from './options.js';
import { checkTerminalOutput } from './output-target.js';
import { startProgress } from './progress.js';

interface MapFlags {
  plan: string;
  shard: number;
  output: string;
  format?: 'parquet' | 'arrow' | 'arrows';
  header?: string[];
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ bn1d map --plan plan.json --shard 3 -o moments-3.parquet
  $ bn1d map --plan plan.json --shard "$SLURM_ARRAY_TASK_ID" -o "moments/$SLURM_ARRAY_TASK_ID.parquet"
  $ bn1d map --plan plan.json --shard "$JOB_COMPLETION_INDEX" -o - | aws s3 cp - "s3://bucket/moments/$JOB_COMPLETION_INDEX.arrows"`;

function shardIndex(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a shard number: 0, 1, 2, ...');
  return Number(value);
}

async function runMap(flags: MapFlags, io: Io, explicitOutput: boolean): Promise<void> {
  if (flags.plan === '-' && flags.output === '-') throw new UsageError('the plan and the moments cannot both use standard streams here: give --plan a file');
  checkTerminalOutput(flags.output, explicitOutput, io, 'moments');
  const doc = checkPlan(await readPlanJson(flags.plan, io.stdin), flags.plan === '-' ? 'stdin' : flags.plan);
  if (flags.output !== '-') {
    const clash = [flags.plan, ...doc.inputs.map((i) => i.path)].find((p) => p !== '-' && sameFile(p, flags.output));
    if (clash !== undefined) throw new UsageError(`the moments file ${flags.output} is ${clash === flags.plan ? 'the plan' : `the input ${clash}`}: choose another --output`);
  }
  const progress = startProgress(io.stderr, flags.quiet ?? false, `shard ${flags.shard}`);
  try {
    const result = await map(doc, flags.shard, flags.output, {
      format: flags.format,
      headers: requestHeaders(flags.header),
      stdout: io.stdout,
      onWarning: (message) => progress.note(`bn1d: warning: ${message}\n`),
      onProgress: (rows, of) => {
        progress.setTotal(of);
        progress.update({ rows });
      },
    });
    progress.done(`mapped shard ${flags.shard} of ${doc.shards.length}: ${countOf(result.rows, 'row')}, ${countOf(result.batches, 'batch', 'batches')}`);
  } catch (error) {
    progress.fail();
    throw error;
  }
}

/** The `map` command. */
export function mapCommand(io: Io): Command {
  return new Command('map')
    .description("compute one shard's per-batch moments (n, mean, m2 per channel) by a plan from bn1d plan; bn1d fold folds them")
    .requiredOption('--plan <plan.json>', "the plan ('-' = stdin)")
    .addOption(new Option('--shard <k>', 'the shard, numbered from 0').argParser(shardIndex).makeOptionMandatory())
    .option('-o, --output <path>', "moments file: Parquet, or Arrow by its extension ('-' = stdout, an Arrow IPC stream)", '-')
    .addOption(new Option('--format <f>', 'output format (default from the extension; parquet for other names)').choices(['parquet', 'arrow', 'arrows']))
    .addOption(headerOption())
    .addOption(quietOption())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: MapFlags, command: Command) => runMap(flags, io, command.getOptionValueSource('output') === 'cli'));
}
