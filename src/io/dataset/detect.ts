/** Recognises a data file by its first bytes, never by its name. */
import { DataError } from '../../core/errors.js';
import type { DataFormat } from './dataset.js';

/** Bytes that detectFormat needs to look at. */
export const SNIFF_BYTES = 8;

/**
 * The format of a file that starts with `head`, or undefined when it is no
 * data file: "PAR1" (or "PARE", an encrypted Parquet file, refused by the
 * Parquet reader) is Parquet, "ARROW1" an Arrow IPC file, and a message
 * length prefix an Arrow IPC stream (with the 0xFFFFFFFF continuation
 * marker, or the pre-1.0 framing).
 */
export function recognizeFormat(head: Uint8Array): DataFormat | undefined {
  return markedFormat(head) ?? (isBareStream(head) ? 'arrows' : undefined);
}

/** The format of a file that starts with `head` (see recognizeFormat); any other file is a DataError naming it. */
export function detectFormat(head: Uint8Array, name: string): DataFormat {
  if (head.length === 0) throw new DataError(`${name}: the input is empty (expected Parquet or Arrow IPC data)`);
  const format = recognizeFormat(head);
  if (format) return format;
  throw new DataError(`${name}: not a Parquet or Arrow IPC file (it starts with ${describeHead(head)})${textHint(head)}`);
}

/**
 * The format of data that says what it is in its first bytes: a magic
 * number, or a stream's continuation marker followed by its first message's
 * length. Other files (a safetensors length gone wrong) rarely start so.
 */
export function markedFormat(head: Uint8Array): DataFormat | undefined {
  const text = (n: number) => String.fromCharCode(...head.subarray(0, n));
  if (text(4) === 'PAR1' || text(4) === 'PARE') return 'parquet';
  if (text(6) === 'ARROW1') return 'arrow';
  const [first, length = 0] = firstInts(head);
  return first === -1 && length > 0 ? 'arrows' : undefined;
}

/** Whether `head` starts an Arrow IPC stream without a message after the marker: an empty stream, or the pre-1.0 framing. */
function isBareStream(head: Uint8Array): boolean {
  const [first, root] = firstInts(head);
  if (first === undefined || root === undefined) return false;
  if (first === -1) return root === 0;
  // Before Arrow 0.15 a stream message starts directly with its metadata length,
  // followed by the flatbuffer's root offset, which points inside the metadata.
  return first > 0 && first < 1 << 24 && root > 0 && root < first;
}

/** The two little-endian int32 that start `head`, when it holds them. */
function firstInts(head: Uint8Array): [number, number] | [] {
  if (head.length < 8) return [];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return [view.getInt32(0, true), view.getInt32(4, true)];
}

/** "a Parquet data file", for messages about a data file given where something else belongs. */
export function describeDataFile(format: DataFormat): string {
  return { parquet: 'a Parquet data file', arrow: 'an Arrow IPC data file', arrows: 'an Arrow IPC data stream' }[format];
}

function describeHead(head: Uint8Array): string {
  const shown = head.subarray(0, SNIFF_BYTES);
  const printable = shown.every((b) => b >= 0x20 && b < 0x7f);
  return printable ? JSON.stringify(String.fromCharCode(...shown)) : `bytes ${Buffer.from(shown).toString('hex')}`;
}

function textHint(head: Uint8Array): string {
  const isText = head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80);
  return isText ? '; for CSV, convert it first, e.g. duckdb -c "COPY (FROM \'data.csv\') TO \'data.parquet\'"' : '';
}
