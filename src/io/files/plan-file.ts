/** Reading a plan file (JSON): a path, or '-' for a stream such as stdin. */
import { readFile, stat } from 'node:fs/promises';
import { DataError } from '../../core/errors.js';
import { formatCount } from '../../core/format-count.js';
import { reason } from './atomic-file.js';

/** Plans are small (a few hundred bytes per input file); anything larger is not one. */
const MAX_PLAN_BYTES = 1 << 30;

/** The JSON value of the plan file at `path` ('-' reads `stdin`). */
export async function readPlanJson(path: string, stdin?: AsyncIterable<Uint8Array>): Promise<unknown> {
  let text: string;
  try {
    if (path === '-') {
      const parts: Uint8Array[] = [];
      for await (const part of stdin ?? process.stdin) parts.push(part);
      text = Buffer.concat(parts).toString('utf8');
    } else {
      const info = await stat(path);
      if (info.isDirectory()) throw new DataError(`${path}: is a directory, not a plan`);
      if (info.size > MAX_PLAN_BYTES) throw new DataError(`${path}: ${formatCount(info.size)} bytes is too large for a plan`);
      text = await readFile(path, 'utf8');
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read plan ${path}: ${reason(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new DataError(`${path === '-' ? 'stdin' : path}: not a bn1d plan (not JSON)`);
  }
}
