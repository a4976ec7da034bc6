/**
 * Positional reads on one open file: the file is never loaded whole, each
 * read fetches exactly the byte range asked for.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** An open file read by byte ranges; also a hyparquet AsyncBuffer. */
export interface FileRange {
  readonly byteLength: number;
  /** Bytes [start, end) as a fresh ArrayBuffer (the AsyncBuffer contract). */
  slice(start: number, end?: number): Promise<ArrayBuffer>;
  /** Bytes [start, end) as a Uint8Array over a fresh buffer. */
  read(start: number, end: number): Promise<Uint8Array>;
  /** Fills `target` with the bytes from `position` on, up to the end of the file; returns how many it read. */
  readInto(target: Uint8Array, position: number): Promise<number>;
  /** Closes the file; safe to call twice. */
  close(): Promise<void>;
}

/** `target`, filled by `file` with its bytes from `position` on; an error when the file ends first. */
export async function readFull(file: Pick<FileRange, 'readInto'>, target: Uint8Array, position: number): Promise<Uint8Array> {
  const done = await file.readInto(target, position);
  if (done < target.length) throw new Error(`unexpected end of file at byte ${position + done}`);
  return target;
}

/** Opens `path` for positional reads. Errors are the raw fs errors (ENOENT...). */
export async function openFileRange(path: string): Promise<FileRange> {
  const handle = await open(path, 'r');
  let byteLength: number;
  try {
    byteLength = (await handle.stat()).size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  return fileRange(handle, byteLength);
}

function fileRange(handle: FileHandle, byteLength: number): FileRange {
  let closed: Promise<void> | undefined;
  async function readInto(target: Uint8Array, position: number): Promise<number> {
    if (closed) throw new Error('file is closed');
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }
  async function read(start: number, end: number): Promise<Uint8Array> {
    const from = Math.max(0, Math.min(start, byteLength));
    const to = Math.max(from, Math.min(end, byteLength));
    return readFull({ readInto }, new Uint8Array(to - from), from);
  }
  return {
    byteLength,
    read,
    readInto,
    async slice(start, end = byteLength) {
      return (await read(start, end)).buffer as ArrayBuffer;
    },
    close() {
      closed ??= handle.close();
      return closed;
    },
  };
}
