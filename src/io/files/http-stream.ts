/**
 * An http(s) input read front to back in one GET, its body handed on as it
 * arrives (an Arrow IPC stream). When the connection fails part way and the
 * server takes ranges, the rest is asked for from where it stopped (with the
 * same conditions that it is the same file), within the retry policy; a
 * server without ranges can only start again from the top, which is
 * possible only before any byte was handed on.
 */
import { DataError } from '../../core/errors.js';
import { changedError, contentRange, discard, get, type HttpTarget, type Identity } from './http-request.js';
import { TransientError } from './http-retry.js';

/** Waits up to `ms` for the next chunk of `reader`; a stall is a TransientError. */
async function nextChunk(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>> {
  let timer: NodeJS.Timeout | undefined;
  const stall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransientError(`no data for ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([reader.read(), stall]);
  } finally {
    clearTimeout(timer);
  }
}

/** The response for the bytes from `position` on (all of them without ranges). */
function openAt(target: HttpTarget, known: Identity, position: number): Promise<Response> {
  return get(target, known.ranges ? `bytes=${position}-` : undefined, known, async (response) => {
    if (response.status === 416) throw changedError(target.name);
    if (known.ranges && response.status !== 206) {
      discard(response);
      throw new DataError(`${target.name}: the server answered a range request with the whole file (HTTP ${response.status}), after answering the first with a range`);
    }
    if (known.ranges && contentRange(response)?.start !== position) {
      discard(response);
      throw new DataError(`${target.name}: the server did not send the bytes from ${position} on as asked`);
    }
    return response;
  });
}

/** The bytes of the input, in order, as they arrive. */
export async function* httpStream(target: HttpTarget, known: Identity): AsyncGenerator<Uint8Array> {
  if (known.size === 0) return;
  let position = 0;
  let failures = 0;
  for (;;) {
    const response = await openAt(target, known, position);
    const reader = response.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await nextChunk(reader, target.policy.stallMs);
        if (done) break;
        position += value.length;
        failures = 0;
        yield value;
      }
      if (known.size === undefined || position === known.size) return;
      if (position > known.size) throw changedError(target.name);
      throw new TransientError('the connection closed before the end of the file');
    } catch (error) {
      const reason = error instanceof TransientError ? error.message : error instanceof TypeError ? 'the connection failed' : undefined;
      if (reason === undefined) throw error;
      if (!known.ranges && position > 0) throw new DataError(`${target.name}: ${reason} after ${position} bytes, and the server does not take range requests to read on from there`);
      if (++failures >= target.policy.attempts) throw new DataError(`${target.name}: ${reason} (gave up after ${failures} attempts)`);
      await new Promise((resolve) => setTimeout(resolve, target.policy.firstDelayMs * 2 ** (failures - 1)));
    } finally {
      reader.cancel().catch(() => undefined);
    }
  }
}
