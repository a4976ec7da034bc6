/**
 * An apply's worker thread (apply-jobs.ts): makes the feature column chunks
 * it is given with the same code as the main thread (chunk-maker.ts), and
 * moves the encoded pages back a run at a time as it writes them, waiting
 * while more than its share of them is not yet written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { formatCount } from '../core/format-count.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { outputSchema } from '../io/dataset/features.js';
import { inputName, openFile } from '../io/dataset/open-input.js';
import { HttpSession } from '../io/files/http-session.js';
import { resolveFeatures } from '../io/dataset/select-features.js';
import { PartsWriter } from '../io/parquet/parts-writer.js';
import { planWrite } from '../io/parquet/write-plan.js';
import type { ApplyJobInit, ApplyJobInput, ApplyJobMessage, ApplyTask } from './apply-jobs.js';
import { type ChunkContext, makeChunk, RunSender } from './chunk-maker.js';
import { DataWarnings } from './warnings.js';
import { threadError } from './worker-threads.js';

const init = workerData as ApplyJobInit;
const post = (message: ApplyJobMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
const warnings = new DataWarnings((warning) => post({ warning }));
const sender = new RunSender(init.aheadBytes);
const pages = new PartsWriter();

const http = HttpSession.fromData(init.http);
const context = (async (): Promise<ChunkContext> => {
  const first = await openFile(init.firstFile, inputName(init.firstFile), { http });
  try {
    const features = resolveFeatures(first.schema, init.state.features, first.name, init.dtype);
    const schema = outputSchema(first.schema, features);
    return { state: init.state, nan: init.nan, features, schema, columns: planWrite(schema, first.parquetColumns), codec: init.codec, warnings };
  } finally {
    await first.close();
  }
})();
let open: { path: string; reader: Promise<DatasetReader> } | undefined;

// One task at a time, in the order given: a task may close the reader of the file before it.
let queue = Promise.resolve();
parentPort!.on('message', (message: ApplyJobInput) => {
  if ('written' in message) sender.written(message.written, message.buffer);
  else queue = queue.then(() => run(message));
});

async function run(task: ApplyTask): Promise<void> {
  try {
    if (open?.path !== task.path) {
      if (open) await (await open.reader).close();
      open = { path: task.path, reader: openFile(task.path, task.name, { http }) };
    }
    const file = { reader: await open.reader, path: task.path, startRow: task.startRow, groups: task.groups };
    const describeRow = (row: number) => `row ${formatCount(row - task.startRow)} of ${task.name}`;
    const chunks = await makeChunk({ file, g: task.g, c: task.c, k: task.k, describeRow }, await context, pages, async () => {
      const run = await sender.take(pages);
      if (run) post({ id: task.id, run }, [run.buffer as ArrayBuffer]);
    });
    post({ id: task.id, chunks });
  } catch (error) {
    post({ id: task.id, error: threadError(error) });
  }
}
