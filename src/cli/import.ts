/** `bn1d import`: a BatchNorm1d layer of a PyTorch state_dict (safetensors) as a bn1d state file. */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { dataFileAt, isSafetensorsFile, readStateFile, writeState } from '../io/files/state-file.js';
import type { Io } from './io.js';
import { columnsOption, epsOption, momentumOption, momentumValue, NAME_LISTS } from './options.js';
import { checkOutput } from '../pipeline/apply.js';
import { outputTarget } from './output-target.js';
import { flagSpelling } from './spelling.js';

/** Parsed options of `bn1d import`. */
export interface ImportCommandOptions {
  output: string;
  prefix?: string;
  features?: string[];
  eps?: number;
  momentum?: number | 'none';
  force?: boolean;
}

const EXAMPLES = `
Examples:
  $ python3 -c "import torch, safetensors.torch as st; st.save_file(model.state_dict(), 'model.safetensors')"
  $ bn1d import model.safetensors --prefix encoder.bn. --features age,income,score -o stats.json
  $ bn1d import bn.safetensors --eps 1e-3 --momentum none -o stats.json && bn1d apply data.parquet -s stats.json

PyTorch's state_dict holds weight, bias, running_mean, running_var and
num_batches_tracked (F16, BF16, F32 or F64), but not eps, momentum or the column
names: they come from the flags, else from the metadata of a file bn1d export
wrote, else eps and momentum take PyTorch's defaults (1e-5 and 0.1).`;

/** Reads the layer from `input` and writes it as a version-1 state file. */
export async function runImport(input: string, options: ImportCommandOptions, io: Io): Promise<void> {
  checkOutput(options.output, [[input, 'the input']], options.force, flagSpelling);
  if (existsSync(input) && !isSafetensorsFile(input)) {
    const data = dataFileAt(input);
    throw new UsageError(`${input} is ${data ? `${data}, ` : ''}not a safetensors file (bn1d import reads a PyTorch state_dict saved as safetensors)`);
  }
  const momentum = momentumValue(options.momentum);
  const state = await readStateFile(input, { prefix: options.prefix, features: options.features, featuresFlag: '--features', renames: true, eps: options.eps, momentum });
  await writeState(state, outputTarget(options.output, io));
}

/** The `import` command. */
export function importCommand(io: Io): Command {
  // A state_dict does not hold eps or momentum: without the flag they come from a bn1d export, else PyTorch's defaults.
  const eps = epsOption().default(undefined);
  eps.description = 'added to the variance (default: from a bn1d export, else 1e-5)';
  const momentum = momentumOption().default(undefined);
  momentum.description = 'EMA factor in (0, 1], or none (default: from a bn1d export, else 0.1)';
  return new Command('import')
    .description('read a BatchNorm1d layer from a PyTorch state_dict saved as safetensors and write it as a bn1d state file')
    .argument('<file>', 'safetensors file (a whole model or one layer)')
    .requiredOption('-o, --output <path>', "state file to write ('-' = stdout)")
    .option('--prefix <p>', 'key prefix of the layer, such as 1. or encoder.bn. (default: the only BatchNorm layer in the file)')
    .addOption(new Option('--features <a,b,...>', `column names in channel order (default: from a bn1d export; required otherwise; ${NAME_LISTS})`).argParser(columnsOption().parseArg!))
    .addOption(eps)
    .addOption(momentum)
    .option('--force', 'overwrite an existing output file')
    .addHelpText('after', EXAMPLES)
    .action((input: string, options: ImportCommandOptions) => runImport(input, options, io));
}
