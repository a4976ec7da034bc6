/**
 * Holds the main thread's young generation at the size a short run leaves
 * it. V8 doubles the new space (semi-space-growth-factor) each time enough
 * bytes have survived scavenges since the last growth, so a long run grows
 * it to the maximum however little it holds: 2M rows of 8 float32 end with
 * an 8 MB new space, 100M rows with 32 MB, and peak RSS 80 MB against
 * 106 MB at --jobs 1 with every other figure of the heap alike. Once the new
 * space is `cap` bytes, growth is turned off (a growth factor of 1, which
 * V8 reads each time it grows the space), and on again should it shrink
 * below; it is looked at after each collection (V8 grows it in one).
 * Measured on that fit: 100M rows 88 MB, as fast; 8M rows as fast.
 * Workers get the same bound from their resource limits (worker-threads.ts).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The new space (both semi-spaces) a fit of 2M rows ends with. */
export const YOUNG_CAP_BYTES = 8 << 20;

/** The new space's size now. */
export function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/** Calls `look` after garbage collections (V8 grows the new space in one); returns a stop function. */
function afterCollections(look: () => void): () => void {
  const observer = new PerformanceObserver(look);
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

/**
 * Keeps the new space from growing past `cap` bytes, looking after each
 * collection (and when a worker starts, and when it runs); returns a stop
 * function. `size`, `setFlags`, `watch` and `workers` are V8's and Node's
 * unless a test gives its own.
 */
export function capYoungGeneration(
  cap = YOUNG_CAP_BYTES, size = newSpaceBytes, setFlags = setFlagsFromString, watch = afterCollections, workers: NodeJS.EventEmitter = process,
): () => void {
  let capped = false;
  const flag = () => setFlags(`--semi-space-growth-factor=${capped ? 1 : 2}`);
  // Set again at every look while at the cap, and when a worker starts and when it runs: its thread's start sets the
  // factor back to 2 somewhere between the Worker's construction and its 'online' event (measured: the new space then
  // grew from 8 to 16 MB in an apply at two threads, which is why apply-jobs.ts waits for 'online').
  const look = () => {
    const full = size() >= cap;
    if (!full && !capped) return;
    capped = full;
    flag();
  };
  const started = (worker?: NodeJS.EventEmitter) => {
    if (capped) flag();
    worker?.once('online', () => capped && flag());
  };
  workers.on('worker', started);
  look();
  const stop = watch(look);
  return () => {
    stop();
    workers.off('worker', started);
  };
}
