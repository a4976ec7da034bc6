/**
 * Things to undo if the process stops early (an error, SIGINT, SIGTERM):
 * temporary files to remove, so that nothing half-written stays behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pending = new Set<() => void>();

/** Registers a synchronous undo step; the returned function unregisters it. */
export function onCleanup(undo: () => void): () => void {
  pending.add(undo);
  return () => pending.delete(undo);
}

/** Runs every registered undo step once (newest first), ignoring their failures. */
export function runCleanup(): void {
  for (const undo of [...pending].reverse()) {
    pending.delete(undo);
    try {
      undo();
    } catch {
      // Best effort: a file that cannot be removed must not hide the original error.
    }
  }
}

/** A temporary file's path, not yet created; remove() deletes the file if it is there. */
export interface TemporaryFile {
  readonly path: string;
  remove(): void;
}

/** A new path in the temporary folder whose file is removed by remove(), or at an early exit. */
export function temporaryFile(extension: string): TemporaryFile {
  const path = join(tmpdir(), `bn1d-${process.pid}-${randomBytes(6).toString('hex')}.${extension}`);
  const unlink = () => {
    if (existsSync(path)) unlinkSync(path);
  };
  const forget = onCleanup(unlink);
  return {
    path,
    remove() {
      unlink();
      forget();
    },
  };
}
