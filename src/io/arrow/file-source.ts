/**
 * Random access to an Arrow IPC file through an open file handle: the footer
 * and its blocks, checked against the file size, then any one message read on
 * demand (metadata, then the body into its own aligned buffer).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { FbTable } from './flatbuffer.js';
import { ArrowFormatError } from './format-error.js';
import { readMessageMeta } from './message.js';
import type { RawMessage } from './stream-source.js';

/** Where a dictionary or record batch lies in the file. */
export interface Block {
  readonly offset: number;
  readonly metadataLength: number;
  readonly bodyLength: number;
}

/** What the footer says, checked. */
export interface FileFooter {
  readonly version: number;
  readonly schema: FbTable;
  readonly dictionaries: readonly Block[];
  readonly batches: readonly Block[];
}

const MAGIC = 'ARROW1';
/** Magic and padding at the start, footer length and magic at the end. */
const HEAD = 8;
const TAIL = 10;

/** An open Arrow IPC file. */
export class ArrowFileSource {
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<ArrowFileSource> {
    const handle = await open(path, 'r');
    try {
      return new ArrowFileSource(handle, (await handle.stat()).size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Reads and checks the magic numbers and the footer. */
  async readFooter(): Promise<FileFooter> {
    if (this.size < HEAD + TAIL) throw new ArrowFormatError('not an Arrow IPC file (too short)');
    // Like Arrow C++, only the magic after the footer is required: the footer locates everything.
    const tail = await this.readAt(this.size - TAIL, TAIL);
    if (text(tail.subarray(4)) !== MAGIC) throw new ArrowFormatError('not an Arrow IPC file (no ARROW1 magic at its end)');
    const length = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
    const start = this.size - TAIL - length;
    if (length <= 0 || start < HEAD) throw new ArrowFormatError(`corrupt file footer (length ${length})`);
    const footer = FbTable.root(await this.readAt(start, length));
    const schema = footer.table(1);
    if (!schema) throw new ArrowFormatError('corrupt file footer (no schema)');
    const blocks = (field: number): Block[] => {
      const { at, count } = footer.structs(field, 24);
      return Array.from({ length: count }, (_, i) => this.checkBlock(footer, at + 24 * i, start));
    };
    return { version: footer.int16(0), schema, dictionaries: blocks(2), batches: blocks(3) };
  }

  private checkBlock(footer: FbTable, at: number, end: number): Block {
    const offset = footer.int64At(at);
    const metadataLength = footer.int32At(at + 8);
    const bodyLength = footer.int64At(at + 16);
    if (offset < HEAD || metadataLength < 8 || bodyLength < 0n || offset + BigInt(metadataLength) + bodyLength > BigInt(end)) {
      throw new ArrowFormatError(`corrupt file footer (block at ${offset} of ${metadataLength} + ${bodyLength} bytes)`);
    }
    return { offset: Number(offset), metadataLength, bodyLength: Number(bodyLength) };
  }

  /** The message of a block; with `metadataOnly`, its body is left unread (and empty). */
  async readMessage(block: Block, metadataOnly = false): Promise<RawMessage> {
    const bytes = await this.readAt(block.offset, block.metadataLength);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const legacy = view.getInt32(0, true) !== -1;
    const prefix = legacy ? 4 : 8;
    const length = view.getInt32(prefix - 4, true);
    if (length <= 0 || prefix + length > block.metadataLength) {
      throw new ArrowFormatError(`corrupt message at ${block.offset} (metadata length ${length})`);
    }
    const metadata = bytes.subarray(prefix, prefix + length);
    const meta = readMessageMeta(metadata);
    if (meta.bodyLength !== block.bodyLength) {
      throw new ArrowFormatError(`corrupt message at ${block.offset} (body of ${meta.bodyLength} bytes, footer says ${block.bodyLength})`);
    }
    const body = metadataOnly ? new Uint8Array(0) : await this.readAt(block.offset + block.metadataLength, block.bodyLength);
    return { meta, metadata, body };
  }

  /** Exactly `length` bytes at `position`, in a buffer of their own (so 8-byte aligned). */
  private async readAt(position: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new Error('Arrow file is closed');
    if (position < 0 || length < 0 || position + length > this.size) throw new ArrowFormatError('truncated Arrow IPC file');
    const out = Buffer.allocUnsafeSlow(length);
    for (let done = 0; done < length; ) {
      const { bytesRead } = await this.handle.read(out, done, length - done, position + done);
      if (bytesRead === 0) throw new ArrowFormatError('truncated Arrow IPC file');
      done += bytesRead;
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  /** Releases the file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.subarray(0, 6));
}
