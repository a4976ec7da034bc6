/**
 * A fit's worker thread (fit-jobs.ts): trains its share of the channels over
 * the input files with the same code as the main thread (channel-fit.ts),
 * posting rows read as it goes, and answers with the trained channels or
 * the error it met, with its position.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openFile } from '../io/dataset/open-input.js';
import { HttpSession } from '../io/files/http-session.js';
import { fitChannels } from './channel-fit.js';
import { KeyedError } from './error-keys.js';
import type { FitJob, FitJobMessage } from './fit-jobs.js';
import { InputSeries } from './input-series.js';
import { DataWarnings } from './warnings.js';
import { threadError } from './worker-threads.js';

const job = workerData as FitJob;
const post = (message: FitJobMessage) => parentPort!.postMessage(message);

const http = HttpSession.fromData(job.http);
const sources = job.files.map(({ path, name }) => ({ name, path, open: () => openFile(path, name, { threads: 0, http }) }));
const warnings = new DataWarnings((warning) => post({ warning }));
const series = new InputSeries({ names: job.files.map((f) => f.name), sources, expanded: false, http, dispose: () => {} }, false, warnings);
try {
  const outcome = await fitChannels(series, job.state, job.channels, job.settings, warnings, { onRows: (rows, batches, epoch, position) => post({ rows, batches, epoch, position }) });
  post({ outcome });
} catch (error) {
  const keyed = error instanceof KeyedError ? error : new KeyedError([Infinity], error);
  post({ error: { key: [...keyed.key], ...threadError(keyed.error) } });
} finally {
  await series.close();
}
