/**
 * Progress on stderr: a spinner with rows, batches, epoch and speed, shown
 * only when stderr is a terminal and --quiet is not given. stdout carries
 * data only.
 */
import type { Writable } from 'node:stream';
import type { Ora } from 'ora';

/** Counts shown by the spinner. */
export interface ProgressCounts {
  rows: number;
  batches?: number;
  epoch?: number;
  epochs?: number;
}

/** A progress display; every method is a no-op when progress is off. */
export interface Progress {
  update(counts: ProgressCounts): void;
  done(summary: string): void;
  fail(): void;
}

const number = (n: number) => n.toLocaleString('en-US');

function describe(counts: ProgressCounts, seconds: number): string {
  const parts: string[] = [];
  if (counts.epochs && counts.epochs > 1) parts.push(`epoch ${counts.epoch}/${counts.epochs}`);
  parts.push(`${number(counts.rows)} rows`);
  if (counts.batches !== undefined) parts.push(`${number(counts.batches)} batches`);
  if (seconds > 0.5) parts.push(`${number(Math.round(counts.rows / seconds))} rows/s`);
  return parts.join(' · ');
}

/** A spinner on `stream` when it is a terminal and not `quiet`, else nothing (ora is loaded only then). */
export async function startProgress(stream: Writable & { isTTY?: boolean }, quiet: boolean, label: string): Promise<Progress> {
  if (quiet || !stream.isTTY) return { update() {}, done() {}, fail() {} };
  const { default: ora } = await import('ora');
  const start = performance.now();
  const spinner: Ora = ora({ text: label, stream: stream as NodeJS.WriteStream, discardStdin: false, isEnabled: true }).start();
  let last = 0;
  let total = 0;
  return {
    update(counts) {
      const now = performance.now();
      total = counts.rows;
      if (now - last < 100) return;
      last = now;
      spinner.text = `${label}: ${describe(counts, (now - start) / 1000)}`;
    },
    done(summary) {
      const seconds = (performance.now() - start) / 1000;
      spinner.succeed(`${summary} in ${seconds.toFixed(1)} s (${number(Math.round(total / Math.max(seconds, 1e-3)))} rows/s)`);
    },
    fail() {
      spinner.stop();
    },
  };
}
