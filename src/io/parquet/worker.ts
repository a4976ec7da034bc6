/** A decoder thread of pool.ts: decodes the row groups it is asked for and moves the buffers back. */
import { parentPort } from 'node:worker_threads';
import { DataError } from '../../core/errors.js';
import { toPlain } from '../arrow/data-transfer.js';
import type { DecodeAnswer, DecodeRequest } from './pool.js';
import { openParquet } from './read.js';

const readers = new Map<string, ReturnType<typeof openParquet>>();

parentPort!.on('message', async (request: DecodeRequest) => {
  let answer: DecodeAnswer;
  const transfer = new Set<ArrayBuffer>();
  try {
    let reader = readers.get(request.path);
    if (!reader) readers.set(request.path, (reader = openParquet(request.path, request.name)));
    const data = await (await reader).decodeGroup(request.group, request.columns);
    answer = { id: request.id, columns: data.map((d) => toPlain(d, transfer)) };
  } catch (error) {
    answer = { id: request.id, error: error instanceof Error ? error.message : String(error), dataError: error instanceof DataError };
  }
  parentPort!.postMessage(answer, [...transfer]);
});
