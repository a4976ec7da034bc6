/** Reading and writing state files: the only place the state touches the disk. */
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { DataError } from '../core/errors.js';
import { formatCount } from '../core/format-count.js';
import type { BatchNormState } from '../core/state.js';
import { formatState, parseState, STATE_FORMAT } from '../core/state-json.js';
import { isSpecialFile, reason, writeWhole } from './atomic-file.js';
import type { ByteSink } from './dataset.js';
import { isSafetensorsHead } from './safetensors.js';
import { type ExportOptions, type ImportOptions, stateFromSafetensors, stateToSafetensors } from './state-safetensors.js';

/** State files are small; anything this large is not one. */
const MAX_STATE_BYTES = 256 * 1024 * 1024;

/**
 * Reads and validates a state file: bn1d's JSON, or a safetensors state_dict
 * (recognised by its bytes), read with `options` (see ImportOptions).
 */
export async function readStateFile(path: string, options: ImportOptions = {}): Promise<BatchNormState> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new DataError(`${path}: is a directory, not a state file`);
    if (info.size > MAX_STATE_BYTES) throw new DataError(`${path}: ${formatCount(info.size)} bytes is too large for a state file`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read state ${path}: ${reason(error)}`);
  }
  if (isSafetensorsHead(bytes)) return stateFromSafetensors(bytes, path, options);
  return parseState(bytes.toString('utf8'), path);
}

/** Whether a file starts like safetensors rather than JSON (false when it cannot be read: reading it later says why). */
export function isSafetensorsFile(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(8);
      return readSync(fd, head, 0, 8, 0) === 8 && isSafetensorsHead(head);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
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
  await writeWhole(new TextEncoder().encode(formatState(state)), target);
}

/** Writes a state as a safetensors state_dict, atomically to a path or to a sink such as stdout. */
export async function writeStateSafetensors(state: BatchNormState, target: string | ByteSink, options: ExportOptions, source?: string): Promise<void> {
  await writeWhole(stateToSafetensors(state, options, source), target);
}

