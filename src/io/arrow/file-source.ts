/**
 * Random access to an Arrow IPC file through positional reads: the footer
 * and its blocks, checked against the file size, then any one message read on
 * demand: its metadata, then its body into a buffer of its own, whole or
 * only the buffers asked for (body-plan.ts).
 */
import { type FileRange, openFileRange } from '../files/file-range.js';
import { planBody } from './body-plan.js';
import { FbTable } from './flatbuffer.js';
import { ArrowFormatError } from './format-error.js';
import { type MessageMeta, readMessageMeta } from './message.js';
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
    private readonly file: FileRange,
    readonly size: number,
  ) {}

  /** Opens a path, or takes a file already open (an http(s) input: http-range.ts). */
  static async open(path: string | FileRange): Promise<ArrowFileSource> {
    const file = typeof path === 'string' ? await openFileRange(path) : path;
    return new ArrowFileSource(file, file.byteLength);
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

  /** The checked metadata of a block's message, its body left unread. */
  async readHead(block: Block): Promise<{ meta: MessageMeta; metadata: Uint8Array }> {
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
    return { meta, metadata };
  }

  /**
   * The message of a block, its body read whole; or, with `wanted` (which
   * names the buffers to read, by index, given the checked metadata), a data
   * message whose body holds only those buffers: its buffer regions point
   * into that partial body, and the others are empty.
   */
  async readMessage(block: Block, wanted?: (meta: MessageMeta) => readonly number[]): Promise<RawMessage> {
    const { meta, metadata } = await this.readHead(block);
    const bodyAt = block.offset + block.metadataLength;
    const buffers = wanted?.(meta);
    if (!buffers || !meta.batch) return { meta, metadata, body: await this.readAt(bodyAt, block.bodyLength) };
    const plan = planBody(meta.batch.buffers, buffers, block.bodyLength);
    const body = allocate(plan.size);
    for (const { from, to, at } of plan.reads) await this.readInto(body.subarray(at, at + to - from), bodyAt + from);
    return { meta: { ...meta, batch: { ...meta.batch, buffers: plan.buffers } }, metadata, body };
  }

  /** Exactly `length` bytes at `position`, in a buffer of their own (so 8-byte aligned). */
  private async readAt(position: number, length: number): Promise<Uint8Array> {
    this.checkRange(position, length);
    const out = allocate(length);
    await this.readInto(out, position);
    return out;
  }

  /** Fills `target` with the bytes at `position`. */
  private async readInto(target: Uint8Array, position: number): Promise<void> {
    this.checkRange(position, target.length);
    if ((await this.file.readInto(target, position)) < target.length) throw new ArrowFormatError('truncated Arrow IPC file');
  }

  private checkRange(position: number, length: number): void {
    if (this.closed) throw new Error('Arrow file is closed');
    if (position < 0 || length < 0 || position + length > this.size) throw new ArrowFormatError('truncated Arrow IPC file');
  }

  /** Releases the file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}

/** An uninitialized buffer of its own (every byte of it is read into before use). */
function allocate(length: number): Uint8Array {
  const out = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.subarray(0, 6));
}
