/**
 * Standard output as a ByteSink, waiting while the pipe is full. When the
 * reader goes away (`bn1d apply ... | head -c 100`), writes fail with a
 * ClosedOutput error, which the CLI ends quietly with exit code 0.
 */
import type { Writable } from 'node:stream';
import type { ByteSink } from '../dataset/dataset.js';

/** The reader of stdout closed the pipe: stop, quietly. */
export class ClosedOutput extends Error {
  constructor() {
    super('output closed');
    this.name = 'ClosedOutput';
  }
}

/** Whether an error means the reader of the output went away. */
export function isClosedOutput(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof ClosedOutput || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Resolves when the stream drains or closes, rejects when it fails; every
 * listener is removed when one of them fires, so waiting on a slow reader
 * again and again leaves none behind.
 */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', onDone);
      stream.off('close', onDone);
      stream.off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const onDone = () => settle();
    stream.on('drain', onDone);
    stream.on('close', onDone);
    stream.on('error', settle);
  });
}

/** A sink onto a writable stream such as process.stdout. */
export function streamSink(stream: Writable): ByteSink {
  let failure: Error | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    failure = isClosedOutput(error) ? new ClosedOutput() : error;
  };
  stream.on('error', onError);
  const check = () => {
    if (failure) throw failure;
    if (stream.destroyed) throw new ClosedOutput();
  };
  return {
    async write(bytes) {
      check();
      try {
        // A pipe is written synchronously on Linux: a reader that went away can make write throw.
        // The stream keeps what it is given until it is written; the caller may change its bytes once this returns.
        if (!stream.write(Buffer.from(bytes))) await drained(stream);
      } catch (error) {
        throw isClosedOutput(error) ? new ClosedOutput() : error;
      }
      check();
    },
    async end() {
      check();
      // stdout is never ended (Node keeps it open): an empty write's callback means all before it is flushed.
      await new Promise<void>((resolve, reject) => {
        try {
          stream.write(new Uint8Array(0), () => resolve());
        } catch (error) {
          reject(isClosedOutput(error) ? new ClosedOutput() : error);
        }
      });
      check();
    },
  };
}
