/**
 * Standard output as a ByteSink, waiting while the pipe is full. When the
 * reader goes away (`bn1d apply ... | head -c 100`), writes fail with a
 * ClosedOutput error, which the CLI ends quietly with exit code 0.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ByteSink } from './dataset.js';

/** The reader of stdout closed the pipe: stop, quietly. */
export class ClosedOutput extends Error {
  constructor() {
    super('output closed');
    this.name = 'ClosedOutput';
  }
}

/** A sink onto a writable stream such as process.stdout. */
export function streamSink(stream: Writable): ByteSink {
  let failure: Error | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    failure = error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' ? new ClosedOutput() : error;
  };
  stream.on('error', onError);
  const check = () => {
    if (failure) throw failure;
    if (stream.destroyed) throw new ClosedOutput();
  };
  return {
    async write(bytes) {
      check();
      if (!stream.write(bytes)) {
        await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
      }
      check();
    },
    async end() {
      check();
      // stdout is never ended (Node keeps it open): an empty write's callback means all before it is flushed.
      await new Promise<void>((resolve) => stream.write(new Uint8Array(0), () => resolve()));
      check();
    },
  };
}
