/**
 * The data files of a dataset folder, as Spark, Polars, DuckDB and pyarrow
 * write them: every file below the folder, at any depth (hive `key=value`
 * folders are folders like any other), sorted by their path relative to
 * the folder, byte by byte (as `LC_ALL=C sort` does).
 *
 * What is left out:
 * - every file or folder whose name starts with `_` or `.` (`_SUCCESS`,
 *   `_metadata`, `_common_metadata`, `_temporary/`, `.part-0.parquet.crc`);
 * - a file that is not data (isDataFile): `.crc` files; then a name ending
 *   in .parquet, .pq, .parq, .arrow, .arrows, .feather or .ipc is data
 *   (whatever its bytes, so a corrupt part file is an error, not skipped);
 *   any other file is data when its first bytes are Parquet or Arrow's
 *   (recognizeFormat), so `README.txt` is skipped and Hive's `000000_0` is
 *   read;
 * - devices, FIFOs and sockets.
 * Symlinks are followed; a folder symlink that leads to a folder that holds
 * it (a loop: the folder walked or one above it) is skipped. An entry that
 * cannot be read is an error.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DataError } from '../../core/errors.js';
import { reason } from './atomic-file.js';
import { recognizeFormat } from '../dataset/detect.js';
import { readHead } from '../dataset/open-input.js';

/** Names that are data files whatever their content. */
const DATA_EXTENSIONS = ['.parquet', '.pq', '.parq', '.arrow', '.arrows', '.feather', '.ipc'];

/** Whether a dataset folder leaves out this file or folder by its name alone. */
function isSkippedName(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

/** Joins a path as the user wrote it and a name below it, for messages and opening. */
export function below(path: string, name: string): string {
  return path === '' ? name : path.endsWith('/') ? path + name : `${path}/${name}`;
}

/** What an entry of a folder is, following symlinks; `id` identifies a folder (device and inode). */
export type EntryKind = { kind: 'file' } | { kind: 'folder'; id: string } | { kind: 'other' };

/** The kind of the entry at `path`, following symlinks; fs errors as they are. */
export async function statKind(path: string): Promise<EntryKind> {
  const info = await stat(path);
  if (info.isDirectory()) return { kind: 'folder', id: `${info.dev}:${info.ino}` };
  return info.isFile() ? { kind: 'file' } : { kind: 'other' };
}

/** The kind of a folder's entry at `path` (the Dirent saves a stat for plain files); one that cannot be read is a DataError. */
export async function entryKind(path: string, entry?: Dirent): Promise<EntryKind> {
  if (entry?.isFile()) return { kind: 'file' };
  if (entry && !entry.isDirectory() && !entry.isSymbolicLink()) return { kind: 'other' };
  try {
    return await statKind(path);
  } catch (error) {
    throw new DataError(`cannot read ${path}: ${reason(error)}`);
  }
}

/**
 * The ids of folder `path` (which exists) and of every folder above it on
 * disk: a symlink to one of them is a loop.
 */
export async function enclosingFolders(path: string): Promise<Set<string>> {
  const ids = new Set<string>();
  try {
    for (let at = await realpath(path === '' ? '.' : path); ; at = dirname(at)) {
      const kind = await statKind(at);
      if (kind.kind === 'folder') ids.add(kind.id);
      if (dirname(at) === at) return ids;
    }
  } catch (error) {
    throw new DataError(`cannot read the folder ${path || '.'}: ${reason(error)}`);
  }
}

/** The entries of a folder; a folder that cannot be listed is a DataError naming it. */
export async function listFolder(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path === '' ? '.' : path, { withFileTypes: true });
  } catch (error) {
    throw new DataError(`cannot read the folder ${path || '.'}: ${reason(error)}`);
  }
}

/** Whether a regular file belongs to a dataset: not a checksum, then by its extension, else by its first bytes. */
export function isDataFile(path: string): boolean {
  const lower = path.toLowerCase();
  if (lower.endsWith('.crc')) return false;
  if (DATA_EXTENSIONS.some((ext) => lower.endsWith(ext))) return true;
  try {
    return recognizeFormat(readHead(path)) !== undefined;
  } catch (error) {
    throw new DataError(`cannot read ${path}: ${reason(error)}`);
  }
}

/** Sorts paths by their UTF-8 bytes (JavaScript's < compares UTF-16 units, which orders some characters differently). */
export function sortPaths(paths: readonly string[]): string[] {
  const keyed = paths.map((path) => ({ path, key: Buffer.from(path, 'utf8') }));
  return keyed.sort((a, b) => Buffer.compare(a.key, b.key)).map((k) => k.path);
}

/** The data files below `folder` (a path as the user wrote it, which prefixes them), in order. */
export async function datasetFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  async function walk(path: string, ancestors: ReadonlySet<string>): Promise<void> {
    for (const entry of await listFolder(path)) {
      if (isSkippedName(entry.name)) continue;
      const child = below(path, entry.name);
      const kind = await entryKind(child, entry);
      if (kind.kind === 'folder' && !ancestors.has(kind.id)) await walk(child, new Set(ancestors).add(kind.id));
      else if (kind.kind === 'file') files.push(child);
    }
  }
  await walk(folder, await enclosingFolders(folder));
  return sortPaths(files.filter(isDataFile));
}
