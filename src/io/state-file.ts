/** Reading and writing state files: the only place the state touches the disk. */
import { readFile, stat } from 'node:fs/promises';
import { DataError } from '../core/errors.js';
import type { BatchNormState } from '../core/state.js';
import { formatState, parseState, STATE_FORMAT } from '../core/state-json.js';
import { createOutputFile, isSpecialFile, reason } from './atomic-file.js';
import type { ByteSink } from './dataset.js';

/** State files are small; anything this large is not one. */
const MAX_STATE_BYTES = 256 * 1024 * 1024;

/** Reads and validates a state file. */
export async function readStateFile(path: string): Promise<BatchNormState> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new DataError(`${path}: is a directory, not a state file`);
    if (info.size > MAX_STATE_BYTES) throw new DataError(`${path}: ${info.size} bytes is too large for a state file`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read state ${path}: ${reason(error)}`);
  }
  return parseState(text, path);
}

/** Whether an existing file may be replaced by a state file: it must be one (or not exist, or be a device such as /dev/null). */
export async function isReplaceableState(path: string): Promise<boolean> {
  if (isSpecialFile(path)) return true;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_STATE_BYTES) return false;
    const doc = JSON.parse(await readFile(path, 'utf8')) as { format?: unknown };
    return doc?.format === STATE_FORMAT;
  } catch (error) {
    // Not there (or under something that is not a folder): writing it will say what is wrong.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
}

/** Writes a state atomically to a path, or to a sink such as stdout. */
export async function writeState(state: BatchNormState, target: string | ByteSink): Promise<void> {
  const bytes = new TextEncoder().encode(formatState(state));
  if (typeof target !== 'string') {
    await target.write(bytes);
    await target.end();
    return;
  }
  const file = await createOutputFile(target);
  try {
    await file.write(bytes);
    await file.end();
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}
