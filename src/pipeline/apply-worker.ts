/**
 * An apply's worker thread (apply-jobs.ts): normalizes and encodes the
 * feature column chunks it is given with the same code as the main thread
 * (apply-columns.ts), and moves the encoded bytes back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { formatCount } from '../core/format-count.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { outputSchema } from '../io/dataset/features.js';
import { inputName, openFile } from '../io/dataset/open-input.js';
import { HttpSession } from '../io/files/http-session.js';
import { resolveFeatures } from '../io/dataset/select-features.js';
import { encodeColumnAlone } from '../io/parquet/column-encode.js';
import { planWrite } from '../io/parquet/write-plan.js';
import { normalizedColumn } from './apply-columns.js';
import type { ApplyJobInit, ApplyJobMessage, ApplyTask } from './apply-jobs.js';
import { DataWarnings } from './warnings.js';
import { threadError } from './worker-threads.js';

const init = workerData as ApplyJobInit;
const post = (message: ApplyJobMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
const warnings = new DataWarnings((warning) => post({ warning }));

const http = HttpSession.fromData(init.http);
const planned = (async () => {
  const first = await openFile(init.firstFile, inputName(init.firstFile), { http });
  try {
    const features = resolveFeatures(first.schema, init.state.features, first.name, init.dtype);
    const schema = outputSchema(first.schema, features);
    return { features, schema, columns: planWrite(schema, first.parquetColumns) };
  } finally {
    await first.close();
  }
})();
let open: { path: string; reader: Promise<DatasetReader> } | undefined;

// One task at a time, in the order given: a task may close the reader of the file before it.
let queue = Promise.resolve();
parentPort!.on('message', (task: ApplyTask) => {
  queue = queue.then(() => run(task));
});

async function run(task: ApplyTask): Promise<void> {
  try {
    const { features, schema, columns } = await planned;
    if (open?.path !== task.path) {
      if (open) await (await open.reader).close();
      open = { path: task.path, reader: openFile(task.path, task.name, { http }) };
    }
    const file = { reader: await open.reader, path: task.path, startRow: task.startRow, groups: task.groups };
    const describeRow = (row: number) => `row ${formatCount(row - task.startRow)} of ${task.name}`;
    const data = await normalizedColumn(file, task.g, task.c, task.k, { state: init.state, nan: init.nan, features, schema, warnings }, describeRow);
    const encoded = encodeColumnAlone(columns[task.c]!, data, init.codec);
    post({ id: task.id, bytes: encoded.bytes, chunks: [...encoded.chunks] }, [encoded.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    post({ id: task.id, error: threadError(error) });
  }
}
