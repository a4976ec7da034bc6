/**
 * Things to undo if the process stops early (an error, SIGINT, SIGTERM):
 * temporary files to remove, so that nothing half-written stays behind.
 */

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
