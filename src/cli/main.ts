/**
 * The bn1d program: wires the commands, and maps every failure to one line
 * on stderr and an exit code (0 ok, 1 bad data or a failed run, 2 bad usage).
 */
import { Command, CommanderError } from 'commander';
import { Bn1dError } from '../core/errors.js';
import { runCleanup } from '../io/files/cleanup.js';
import { isClosedOutput } from '../io/files/stdout-sink.js';
import { applyCommand } from './apply.js';
import { fitCommand } from './fit.js';
import { foldCommand } from './fold.js';
import { mapCommand } from './map.js';
import { planCommand } from './plan.js';
import { exportCommand } from './export.js';
import { withHint } from './hints.js';
import { importCommand } from './import.js';
import { inspectCommand } from './inspect.js';
import { reportCommand } from './report.js';
import { type Io, processIo } from './io.js';
import { packageVersion } from './version.js';

/** The program with its commands, writing through `io`. */
export function program(io: Io): Command {
  const root = new Command('bn1d')
    .description("Batch-normalize the numeric columns of Parquet and Arrow files with PyTorch's BatchNorm1d semantics.")
    .version(packageVersion())
    .addCommand(fitCommand(io))
    .addCommand(applyCommand(io))
    .addCommand(planCommand(io))
    .addCommand(mapCommand(io))
    .addCommand(foldCommand(io))
    .addCommand(inspectCommand(io))
    .addCommand(exportCommand(io))
    .addCommand(importCommand(io))
    .addCommand(reportCommand(io))
    .addHelpText('after', '\nRun bn1d <command> --help for a command\'s options and examples.');
  const configure = (command: Command) =>
    command
      .exitOverride()
      .showSuggestionAfterError()
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
        outputError: (text, write) => write(`bn1d: ${oneLine(text)}\n`),
      });
  configure(root);
  root.commands.forEach(configure);
  return root;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs bn1d with these arguments; resolves to the exit code. */
export async function run(args: string[], io: Io = processIo(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    await program(io).parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    runCleanup();
    if (error instanceof CommanderError) {
      // Commander printed its message (or the help) already.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isClosedOutput(error)) return 0;
    const debug = env.BN1D_DEBUG === '1';
    if (error instanceof Bn1dError) {
      io.stderr.write(`bn1d: error: ${oneLine(withHint(error))}\n`);
      if (debug) io.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`bn1d: error: unexpected failure: ${oneLine(message)} (rerun with BN1D_DEBUG=1 for details, and please report it)\n`);
    if (debug && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** Entry point of the executable: signals, exit code, and a clean stop. */
export async function main(): Promise<void> {
  const stop = (code: number) => () => {
    runCleanup();
    process.exit(code);
  };
  process.once('SIGINT', stop(130));
  process.once('SIGTERM', stop(143));
  process.once('SIGHUP', stop(129));
  // A file size limit (ulimit -f) would kill the process mid-write; ignored, the write fails with EFBIG and is reported.
  process.on('SIGXFSZ', () => {});
  const code = await run(process.argv.slice(2));
  // Let stdout drain (it may be a pipe), then exit even if an input stream is still open.
  process.stdout.write('', () => process.exit(code));
}
