/**
 * What identifies a data file for a plan made now and a map run later,
 * perhaps on another machine: its size, its modification time and a
 * fingerprint of its footer (the SHA-256 of the footer's bytes: a Parquet
 * footer, or an Arrow IPC file's footer), and for an http(s) file its ETag.
 * Only the file's last bytes are read. A file rewritten since has another
 * footer (other offsets, sizes or statistics) or at least another size or time.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { DataError } from '../../core/errors.js';
import { type FileRange, openFileRange } from '../files/file-range.js';
import type { HttpSession } from '../files/http-session.js';
import { isHttpUrl } from '../files/http-url.js';
import type { DataFormat } from './dataset.js';

/** A data file as a plan records it. */
export interface FileIdentity {
  /** Bytes. */
  readonly size: number;
  /** Modification time, milliseconds since the epoch (an http(s) file's Last-Modified; 0 when it has none). */
  readonly mtimeMs: number;
  /** Hex SHA-256 of the footer's bytes. */
  readonly fingerprint: string;
  /** An http(s) file's ETag, when the server sends one. */
  readonly etag?: string | undefined;
}

/** The identity of the Parquet or Arrow IPC file at `path`, a local path or an http(s) URL read through `http` (`name` for messages). */
export async function fileIdentity(path: string, format: Exclude<DataFormat, 'arrows'>, name: string, http: HttpSession): Promise<FileIdentity> {
  if (isHttpUrl(path)) {
    const known = await http.identity(path);
    const file = await http.open(path);
    const modified = known.lastModified === undefined ? Number.NaN : Date.parse(known.lastModified);
    return { ...(await footerOf(file, format, name)), mtimeMs: Number.isFinite(modified) ? modified : 0, ...(known.etag ? { etag: known.etag } : {}) };
  }
  const info = await stat(path);
  return { ...(await footerOf(await openFileRange(path), format, name)), mtimeMs: Math.trunc(info.mtimeMs) };
}

/** The size and footer fingerprint of an open file, which it closes. */
async function footerOf(file: FileRange, format: Exclude<DataFormat, 'arrows'>, name: string): Promise<{ size: number; fingerprint: string }> {
  try {
    const tail = format === 'parquet' ? 8 : 10;
    if (file.byteLength < tail) throw new DataError(`${name}: too short to be ${format === 'parquet' ? 'a Parquet' : 'an Arrow IPC'} file`);
    const end = await file.read(file.byteLength - tail, file.byteLength);
    const length = new DataView(end.buffer, end.byteOffset, 4).getUint32(0, true);
    const start = file.byteLength - tail - length;
    if (start < 0) throw new DataError(`${name}: corrupt footer length ${length}`);
    const footer = await file.read(start, file.byteLength);
    return { size: file.byteLength, fingerprint: createHash('sha256').update(footer).digest('hex') };
  } finally {
    await file.close();
  }
}
