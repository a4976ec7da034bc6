/** Runs the built bn1d executable as a user would, for black-box tests. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'bn1d.js');
/** Third-party test data (apache/parquet-testing, apache/arrow-testing): fixtures/testdata/README.md. */
export const SHARED = join(ROOT, 'fixtures', 'testdata');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** Bytes for stdin (default: none, stdin closed). */
  input?: Uint8Array | string;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs `bn1d ...args` to completion. */
export function bn1d(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, BN1D_DEBUG: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** A new empty folder for a test's files. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'bn1d-cli-'));
}

/** Runs bn1d and expects success without a message; returns stdout. */
export async function ok(args: string[], options: RunOptions = {}): Promise<Buffer> {
  const run = await bn1d(args, options);
  expect([run.code, run.stderr]).toEqual([0, '']);
  return run.stdout;
}

/** Runs bn1d and expects exit `code` with exactly one `bn1d: error:` line matching `message`; returns stderr. */
export async function fails(args: string[], code: 1 | 2, message: RegExp, options: RunOptions = {}): Promise<string> {
  const run = await bn1d(args, options);
  expect(run.code).toBe(code);
  expect(run.stderr).toMatch(/^bn1d: error: [^\n]*\n$/);
  expect(run.stderr).toMatch(message);
  return run.stderr;
}
