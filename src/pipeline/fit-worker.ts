/**
 * A fit's worker thread (fit-jobs.ts): trains its share of the channels over
 * the input files with the same code as the main thread (channel-fit.ts),
 * posting rows read as it goes, and answers with the trained channels or
 * the error it met, with its position.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Bn1dError, UsageError } from '../core/errors.js';
import { openFile } from '../io/dataset/open-input.js';
import { fitChannels, KeyedError } from './channel-fit.js';
import type { FitJob, FitJobMessage } from './fit-jobs.js';
import { InputSeries } from './input-series.js';
import { DataWarnings } from './warnings.js';

const job = workerData as FitJob;
const post = (message: FitJobMessage) => parentPort!.postMessage(message);

const sources = job.files.map(({ path, name }) => ({ name, path, open: () => openFile(path, name, { threads: 0 }) }));
const warnings = new DataWarnings((warning) => post({ warning }));
const series = new InputSeries({ names: job.files.map((f) => f.name), sources, expanded: false, dispose: () => {} }, false, warnings);
try {
  const outcome = await fitChannels(series, job.state, job.channels, job.settings, warnings, { onRows: (rows, batches, epoch, position) => post({ rows, batches, epoch, position }) });
  post({ outcome });
} catch (error) {
  const keyed = error instanceof KeyedError ? error : new KeyedError([Infinity], error);
  const inner = keyed.error;
  const kind = inner instanceof UsageError ? 'usage' : inner instanceof Bn1dError ? 'data' : 'bug';
  const message = inner instanceof Error ? (kind === 'bug' ? (inner.stack ?? inner.message) : inner.message) : String(inner);
  post({ error: { key: [...keyed.key], kind, message, hint: inner instanceof Bn1dError ? inner.hint : undefined } });
} finally {
  await series.close();
}
