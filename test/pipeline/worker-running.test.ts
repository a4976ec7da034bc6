/**
 * workerRunning, which apply's main thread waits on before it starts its own
 * work (apply-jobs.ts): it settles when the worker runs, and fails with the
 * worker's error, or with its exit, when it stops before it runs.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { expect, test } from 'vitest';
import { workerRunning } from '../../src/pipeline/worker-threads.js';

test('settles once a real worker runs', async () => {
  const worker = new Worker('setTimeout(() => {}, 50)', { eval: true });
  await expect(workerRunning(worker, 'apply')).resolves.toBeUndefined();
  await worker.terminate();
});

test('fails with the error, or the exit, of a worker that stops before it runs', async () => {
  const failed = new EventEmitter();
  const error = new Error('no memory for the worker');
  const failing = workerRunning(failed, 'apply');
  failed.emit('error', error);
  await expect(failing).rejects.toBe(error);
  const stopped = new EventEmitter();
  const stopping = workerRunning(stopped, 'apply');
  stopped.emit('exit', 1);
  await expect(stopping).rejects.toThrow('an apply worker stopped (exit code 1) before it ran');
  // Once running, a later error or exit is the job's to handle: the promise stays settled.
  const ran = new EventEmitter();
  const running = workerRunning(ran, 'apply');
  ran.emit('online');
  ran.emit('exit', 0);
  await expect(running).resolves.toBeUndefined();
});
