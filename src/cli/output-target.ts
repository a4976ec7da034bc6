/** What every command checks before it writes an output, and where '-' sends the bytes. */
import { existsSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { isSpecialFile } from '../io/atomic-file.js';
import type { ByteSink } from '../io/dataset.js';
import { streamSink } from '../io/stdout-sink.js';
import type { Io } from './io.js';
import { sameFile } from './same-file.js';

/**
 * Refuses an output path that is one of the command's own files (each named
 * by `what`), or an existing file without --force; devices and FIFOs are
 * written in place, and '-' is stdout.
 */
export function checkOutput(output: string, own: readonly (readonly [path: string | undefined, what: string])[], force: boolean | undefined): void {
  if (output === '-') return;
  for (const [path, what] of own) {
    if (path !== undefined && sameFile(path, output)) throw new UsageError(`the output ${output} is ${what}: write to another file`);
  }
  if (existsSync(output) && !isSpecialFile(output) && !force) throw new UsageError(`${output} exists: pass --force to overwrite it`);
}

/**
 * Refuses to send binary data to a terminal when the user did not ask for
 * stdout (it garbles the screen, and an XOFF byte can freeze it), as gzip and
 * zstd do; an explicit '-o -' writes anyway.
 */
export function checkTerminalOutput(output: string, explicit: boolean, io: Io, what: string): void {
  if (output === '-' && !explicit && io.stdout.isTTY) {
    throw new UsageError(`not writing ${what} to a terminal: give -o a file, such as -o out.parquet, or pass -o - to write it there anyway`);
  }
}

/** The path, or stdout for '-'. */
export function outputTarget(path: string, io: Io): string | ByteSink {
  return path === '-' ? streamSink(io.stdout) : path;
}
