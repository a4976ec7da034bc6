/** Reading and writing state files: the only place the state touches the disk. */
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { DataError, UsageError } from '../../core/errors.js';
import { formatCount } from '../../core/format-count.js';
import type { BatchNormState } from '../../core/state.js';
import { formatState, parseState, STATE_FORMAT } from '../../core/state-json.js';
import { isSpecialFile, reason, writeWhole } from './atomic-file.js';
import type { ByteSink } from '../dataset/dataset.js';
import { describeDataFile, markedFormat, SNIFF_BYTES } from '../dataset/detect.js';
import { isSafetensorsHead } from '../safetensors/read.js';
import { type ExportOptions, type ImportOptions, stateFromSafetensors, stateToSafetensors } from '../safetensors/state.js';

/** State files are small; anything this large is not one. */
const MAX_STATE_BYTES = 256 * 1024 * 1024;

/**
 * Reads and validates a state file: bn1d's JSON, or a safetensors state_dict
 * (recognised by its bytes), read with `options` (see ImportOptions).
 */
export async function readStateFile(path: string, options: ImportOptions = {}): Promise<BatchNormState> {
  const data = dataFileAt(path);
  if (data) throw new UsageError(`${path} is ${data}, not a state: expected a bn1d state (JSON) or a safetensors file`);
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

/** "a Parquet data file" for the first bytes of table data (Parquet, Arrow IPC), which start with control bytes as safetensors does. */
function dataFileKind(head: Uint8Array): string | undefined {
  const format = markedFormat(head);
  return format && describeDataFile(format);
}

/** The first bytes of a file (none when it cannot be read: reading it later says why). */
function headOf(path: string): Uint8Array {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(SNIFF_BYTES);
      return head.subarray(0, readSync(fd, head, 0, SNIFF_BYTES, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return new Uint8Array(0);
  }
}

/** Whether a file starts like safetensors rather than JSON or table data (false when it cannot be read). */
export function isSafetensorsFile(path: string): boolean {
  const head = headOf(path);
  return dataFileKind(head) === undefined && isSafetensorsHead(head);
}

/** "a Parquet data file" when the file at `path` holds table data rather than a state, else undefined. */
export function dataFileAt(path: string): string | undefined {
  return dataFileKind(headOf(path));
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

