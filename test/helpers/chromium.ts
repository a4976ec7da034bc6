/** Debian's Chromium, headless, for tests that load a report as a reader would. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.BN1D_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Runs Chromium with a fresh profile and returns its stdout; fails with an install hint when it is missing. */
export function chromium(args: string[]): Promise<string> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the report's browser tests need Debian's chromium; install it with "apt-get update && apt-get install -y chromium"`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'bn1d-chromium-'));
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, ...args], { timeout: 90_000, maxBuffer: 256 << 20 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(new Error(`chromium ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}
