/**
 * vitest global setup: every temporary file of a test run (the tests' scratch
 * folders and the temporary files of the bn1d processes they start) goes
 * into one folder, removed when the run ends, so tests leave nothing in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'bn1d-test-run-'));
  // os.tmpdir() reads TMPDIR on every call; test workers and the processes they spawn inherit it.
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
