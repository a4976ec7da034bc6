/** `bn1d export`: a state as a safetensors state_dict that PyTorch's BatchNorm1d loads. */
import { Command, Option } from 'commander';
import { readStateFile, writeStateSafetensors } from '../io/files/state-file.js';
import type { Io } from './io.js';
import { checkOutput } from '../pipeline/apply.js';
import { outputTarget } from './output-target.js';
import { flagSpelling } from './spelling.js';

/** Parsed options of `bn1d export`. */
export interface ExportCommandOptions {
  output: string;
  dtype: 'float32' | 'float64';
  prefix?: string;
  force?: boolean;
}

const EXAMPLES = `
Examples:
  $ bn1d export stats.json -o bn.safetensors
  $ bn1d export stats.json --dtype float64 --prefix encoder.bn. -o encoder-bn.safetensors
  $ python3 -c "import torch, safetensors.torch as st; bn = torch.nn.BatchNorm1d(13); bn.load_state_dict(st.load_file('bn.safetensors'))"

Tensors are weight and bias (absent with --no-affine), running_mean and running_var
(F32, or F64 with --dtype float64) and num_batches_tracked (I64, shape []), as in
PyTorch's state_dict; the metadata keeps the features, eps and momentum, which
bn1d import and bn1d apply --state read back.`;

/** Writes the state at `input` (JSON or safetensors) as safetensors. */
export async function runExport(input: string, options: ExportCommandOptions, io: Io): Promise<void> {
  checkOutput(options.output, [[input, 'the input']], options.force, flagSpelling);
  const state = await readStateFile(input);
  await writeStateSafetensors(state, outputTarget(options.output, io), { dtype: options.dtype, prefix: options.prefix }, input);
}

/** The `export` command. */
export function exportCommand(io: Io): Command {
  return new Command('export')
    .description("write a state as a safetensors file that torch.nn.BatchNorm1d's load_state_dict accepts")
    .argument('<state>', 'state file written by bn1d fit or bn1d import')
    .requiredOption('-o, --output <path>', "safetensors file to write ('-' = stdout)")
    .addOption(new Option('--dtype <type>', 'type of the weight, bias and running statistics').choices(['float32', 'float64']).default('float32'))
    .option('--prefix <p>', 'put before every key, as for a layer inside a model ("bn." gives bn.weight, ...; a trailing dot is added)')
    .option('--force', 'overwrite an existing output file')
    .addHelpText('after', EXAMPLES)
    .action((input: string, options: ExportCommandOptions) => runExport(input, options, io));
}
