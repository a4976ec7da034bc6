/**
 * The inputs of a command as the files they stand for, in stream order.
 * An input is, in this order of precedence:
 * - '-', standard input;
 * - an http:// or https:// URL: one file, whatever its path looks like
 *   (no folder or glob expansion), read over HTTP (http-session.ts);
 * - a path that exists: a file is itself (even with glob characters in its
 *   name); a folder is its data files (dataset-files.ts);
 * - a glob pattern (glob.ts): the files it matches that are data (by the
 *   rule of dataset-files.ts) and the data files of the folders it matches,
 *   sorted by path, each once; matching no data file is a UsageError naming
 *   the pattern;
 * - another URL (`s3://`, `file://`, ...): a UsageError;
 * - anything else is itself, and opening it says it is missing.
 * Every command that reads data inputs expands them here.
 */
import { stat } from 'node:fs/promises';
import { DataError, UsageError } from '../../core/errors.js';
import { datasetFiles, isDataFile, sortPaths } from './dataset-files.js';
import { isGlob } from './glob.js';
import { checkUrl, isHttpUrl, urlName } from './http-url.js';
import { globMatches } from './glob-files.js';

/** The inputs as given, and the files they stand for. */
export interface ExpandedInputs {
  /** The inputs as given (files, folders, patterns, '-'). */
  readonly given: readonly string[];
  /** The files to read, in stream order ('-' for standard input; URLs as given). */
  readonly files: readonly string[];
  /** Whether an input was a folder or a pattern (so `given` does not list the files). */
  readonly expanded: boolean;
}

/** `scheme://...`: a URL. */
const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;

function urlError(input: string): UsageError {
  const hint = /^file:/i.test(input) ? 'give the local path instead' : 'download the data and give the local path, or give an https:// URL of it (a presigned one, for a bucket)';
  return new UsageError(`${urlName(input)}: only http:// and https:// URLs are read; ${hint}`);
}

async function isFolder(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return undefined; // not there, or not reachable: what opening it says is clearer
  }
}

/** The files of a folder, which must hold at least one. */
async function folderFiles(folder: string): Promise<string[]> {
  const files = await datasetFiles(folder);
  if (files.length === 0) {
    throw new DataError(`${folder}: no Parquet or Arrow file in this folder or below (names starting with _ or . and .crc files are skipped, and so are files that are not Parquet or Arrow)`);
  }
  return files;
}

/** The data files a pattern matches, directly or in the folders it matches. */
async function patternFiles(pattern: string): Promise<string[]> {
  const files = new Set<string>();
  for (const [path, kind] of await globMatches(pattern)) {
    if (kind === 'folder') for (const file of await datasetFiles(path)) files.add(file);
    else if (kind === 'file' && isDataFile(path)) files.add(path);
  }
  if (files.size === 0) throw new UsageError(`no Parquet or Arrow file matches ${pattern}`);
  return sortPaths([...files]);
}

/** The files one input stands for. */
async function filesOf(input: string): Promise<{ files: string[]; expanded: boolean }> {
  if (input === '-') return { files: [input], expanded: false };
  if (isHttpUrl(input)) {
    checkUrl(input);
    return { files: [input], expanded: false };
  }
  const folder = await isFolder(input);
  if (folder) return { files: await folderFiles(input), expanded: true };
  if (folder === undefined && URL_PATTERN.test(input)) throw urlError(input);
  if (folder === undefined && isGlob(input)) return { files: await patternFiles(input), expanded: true };
  return { files: [input], expanded: false };
}

/** Expands every input, in the order given. */
export async function expandInputs(given: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  let expanded = false;
  for (const input of given) {
    const one = await filesOf(input);
    for (const file of one.files) files.push(file);
    expanded ||= one.expanded;
  }
  return { given, files, expanded };
}
