/**
 * Output files appear complete or not at all: bytes go to a temporary file
 * beside the target, which is renamed over the target only once everything
 * is written and flushed. On failure or interruption the temporary file is
 * removed and the target is untouched.
 */
import { randomBytes } from 'node:crypto';
import { constants, existsSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DataError } from '../../core/errors.js';
import { onCleanup } from './cleanup.js';
import type { ByteSink } from '../dataset/dataset.js';
import { WriteBehind, writeAll } from './write-behind.js';

/** A sink into a temporary file; commit() puts it in place, abort() throws it away. */
export interface AtomicFile extends ByteSink {
  /** The file the output will become. */
  readonly target: string;
  /** Renames the finished temporary file over the target. Call after end(). */
  commit(): Promise<void>;
  /** Removes the temporary file (safe at any time, and after commit does nothing). */
  abort(): Promise<void>;
}

/** Whether `path` exists and is a device, FIFO or socket (/dev/null, a named pipe...): written in place, never replaced. */
export function isSpecialFile(path: string): boolean {
  try {
    const info = statSync(path);
    return info.isFIFO() || info.isCharacterDevice() || info.isSocket() || info.isBlockDevice();
  } catch {
    return false;
  }
}

/** Writes a small output whole: to a sink such as stdout, or to a path through createOutputFile (complete or not at all). */
export async function writeWhole(bytes: Uint8Array, target: string | ByteSink): Promise<void> {
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

/**
 * Starts writing an output: through a temporary file renamed over `target`
 * at the end, or, when `target` is a device or FIFO, directly into it
 * (renaming over /dev/null or a named pipe would replace it).
 */
export async function createOutputFile(target: string): Promise<AtomicFile> {
  if (existsSync(target) && statSync(target).isDirectory()) throw new DataError(`cannot write ${target}: it is a directory`);
  return isSpecialFile(target) ? openSpecialFile(target) : createAtomicFile(target);
}

async function openSpecialFile(target: string): Promise<AtomicFile> {
  let handle: FileHandle;
  try {
    handle = await open(target, 'w');
  } catch (error) {
    throw new DataError(`cannot write ${target}: ${reason(error)}`);
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    target,
    async write(bytes) {
      try {
        await writeAll(handle, bytes);
      } catch (error) {
        throw new DataError(`cannot write ${target}: ${reason(error)}`);
      }
    },
    end: close,
    async commit() {},
    abort: () => close().catch(() => undefined),
  };
}

/** Starts writing `target` through a temporary file in the same folder. */
export async function createAtomicFile(target: string): Promise<AtomicFile> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (error) {
    throw new DataError(`cannot write ${target}: ${reason(error)}`);
  }
  let done = false;
  const forget = onCleanup(() => {
    // Close through the handle (never by fd number, which the next open may reuse); unlinking an open file is fine.
    handle.close().catch(() => undefined);
    if (existsSync(temp)) unlinkSync(temp);
  });
  // Bytes are copied into buffers written while the caller goes on.
  const writes = new WriteBehind(async (bytes) => {
    try {
      await writeAll(handle, bytes);
    } catch (error) {
      throw new DataError(`cannot write ${target}: ${reason(error)}`);
    }
  });
  return {
    target,
    write: (bytes) => writes.add(bytes),
    async end() {
      await writes.done();
      try {
        await handle.sync();
        await handle.close();
      } catch (error) {
        throw new DataError(`cannot write ${target}: ${reason(error)}`);
      }
    },
    async commit() {
      try {
        renameSync(temp, target);
      } catch (error) {
        throw new DataError(`cannot write ${target}: ${reason(error)}`);
      }
      done = true;
      forget();
    },
    async abort() {
      if (done) return;
      done = true;
      forget();
      await handle.close().catch(() => undefined);
      try {
        unlinkSync(temp);
      } catch {
        // never created or already gone
      }
    },
  };
}

/** The short reason of a file-system error: "no such file or directory", "disk full", ... */
export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a parent is not a directory',
    EEXIST: 'it already exists',
    EIO: 'input/output error',
    EFBIG: 'file too large (over the file size limit)',
  };
  if (code && known[code]) return known[code]!;
  return (error as Error)?.message ?? String(error);
}
