/**
 * The messages of an Arrow IPC stream, read incrementally from byte chunks:
 * each message is pulled from the input only when it is asked for, and no
 * length from the input is allocated before its bytes have arrived.
 */
import { ArrowFormatError } from './format-error.js';
import { readMessageMeta, type MessageMeta } from './message.js';

/**
 * One message: its checked metadata, the flatbuffer bytes, and its body (or,
 * for a record batch read from a file for some columns, only their buffers,
 * which the metadata's buffer regions then locate: file-source.ts).
 */
export interface RawMessage {
  readonly meta: MessageMeta;
  readonly metadata: Uint8Array;
  readonly body: Uint8Array;
}

/** Stream metadata larger than this is refused (a schema of 100,000 columns takes a few MiB). */
const MAX_METADATA = 256 * 2 ** 20;

/** Reads exact byte counts from a sequence of chunks of any size. */
class ChunkReader {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;

  constructor(private readonly input: AsyncIterator<Uint8Array>) {}

  /** The next `n` bytes, or fewer at the end of the input; a view when they lie in one chunk. */
  async read(n: number): Promise<Uint8Array> {
    while (this.buffered < n && !this.ended) {
      const step = await this.input.next();
      if (step.done) this.ended = true;
      else if (step.value.length > 0) {
        this.chunks.push(step.value);
        this.buffered += step.value.length;
      }
    }
    const size = Math.min(n, this.buffered);
    const first = this.chunks[0];
    if (size === 0 || !first) return new Uint8Array(0);
    this.buffered -= size;
    if (first.length >= size) {
      this.chunks[0] = first.subarray(size);
      if (this.chunks[0].length === 0) this.chunks.shift();
      return first.subarray(0, size);
    }
    const out = new Uint8Array(size);
    for (let at = 0; at < size; ) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length, size - at);
      out.set(chunk.subarray(0, take), at);
      at += take;
      if (take === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(take);
    }
    return out;
  }

  /** Stops the input early. */
  async close(): Promise<void> {
    this.ended = true;
    this.chunks.length = 0;
    await this.input.return?.();
  }
}

/** The messages of a stream, one per call, up to its end-of-stream marker or the end of the input. */
export class StreamSource {
  private readonly reader: ChunkReader;
  private finished = false;

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.reader = new ChunkReader(chunks[Symbol.asyncIterator]());
  }

  /** The next message, or null at the end of the stream. */
  async next(): Promise<RawMessage | null> {
    if (this.finished) return null;
    let head = await this.reader.read(4);
    let length = readInt32(head);
    // Since Arrow 0.15 a 0xFFFFFFFF continuation marker precedes the length; older streams start with it.
    if (length === -1) {
      head = await this.reader.read(4);
      length = head.length === 0 ? 0 : readInt32(head);
    }
    if (head.length === 0 || length === 0) {
      this.finished = true;
      return null;
    }
    if (length < 0 || length > MAX_METADATA) throw new ArrowFormatError(`corrupt stream (message metadata length ${length})`);
    const metadata = await this.reader.read(length);
    if (metadata.length < length) throw truncated();
    const meta = readMessageMeta(metadata);
    const body = await this.reader.read(meta.bodyLength);
    if (body.length < meta.bodyLength) throw truncated();
    return { meta, metadata, body };
  }

  /** Stops reading the input; safe to call twice. */
  async close(): Promise<void> {
    this.finished = true;
    await this.reader.close();
  }
}

function readInt32(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  if (bytes.length < 4) throw truncated();
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true);
}

function truncated(): ArrowFormatError {
  return new ArrowFormatError('truncated Arrow IPC stream');
}
