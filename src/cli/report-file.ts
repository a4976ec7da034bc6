/** The HTML report file of `fit --report` and `report`: where it may go, and writing it whole. */
import { closeSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { isSpecialFile, writeWhole } from '../io/files/atomic-file.js';
import type { ByteSink } from '../io/dataset/dataset.js';
import type { ReportData } from '../pipeline/report-types.js';
import { renderReport } from './report/render-report.js';
import { sameFile } from '../io/files/same-file.js';

/** Whether a file exists and is not an HTML report bn1d wrote (its generator tag is in the first kilobytes). */
function isForeignFile(path: string): boolean {
  if (isSpecialFile(path)) return false;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false; // not there (writing it will say what else is wrong)
  }
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return !head.subarray(0, n).toString('latin1').includes('<meta name="generator" content="bn1d ');
  } catch {
    return true; // a folder, or unreadable: not a report to replace
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses a report path that is one of the command's other files, or an
 * existing file that is not a bn1d report (a report is replaced, like a state).
 */
export function checkReportTarget(path: string, others: readonly string[], flag: string): void {
  if (path === '-') return;
  const clash = others.find((other) => sameFile(other, path));
  if (clash !== undefined) throw new UsageError(`the report ${path} is ${clash}: choose another ${flag}`);
  if (isForeignFile(path)) throw new UsageError(`${path} exists and is not a bn1d report: not overwriting it (choose another ${flag})`);
}

/** Renders and writes a report, complete or not at all, to a path or a sink such as stdout. */
export async function writeReport(target: string | ByteSink, data: ReportData): Promise<void> {
  await writeWhole(new TextEncoder().encode(renderReport(data)), target);
}
