/** What every command checks before it writes an output, and where '-' sends the bytes. */
import { UsageError } from '../core/errors.js';
import type { ByteSink } from '../io/dataset/dataset.js';
import { streamSink } from '../io/files/stdout-sink.js';
import type { Io } from './io.js';

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
