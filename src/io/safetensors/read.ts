/**
 * The safetensors format: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian tensor bytes. Every length and offset is checked against the
 * file's size before anything is allocated from it.
 */
import { DataError } from '../../core/errors.js';
import { formatCount, groupThousands } from '../../core/format-count.js';
import { duplicateKey } from './json.js';

/** Bytes per element of every dtype safetensors defines (sub-byte and exotic types are refused). */
export const DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  U16: 2,
  I16: 2,
  F16: 2,
  BF16: 2,
  U32: 4,
  I32: 4,
  F32: 4,
  U64: 8,
  I64: 8,
  F64: 8,
};

/** The key of the header that holds string metadata instead of a tensor. */
export const METADATA_KEY = '__metadata__';

/** One tensor of a safetensors file: its bytes are data.subarray(begin, end) of the file's data area. */
export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** The tensor's bytes (a view into the file), little-endian. */
  readonly bytes: Uint8Array;
}

/** A parsed safetensors file: tensors in header order, and the string metadata. */
export interface Safetensors {
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The safetensors library refuses headers over 100 MB; so does bn1d. */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Whether a file's first bytes are a safetensors header length rather than
 * JSON text: an 8-byte length always holds control bytes (its high bytes
 * are 0 for any real header), which JSON text cannot start with.
 */
export function isSafetensorsHead(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  for (let i = 0; i < 8; i++) {
    const byte = head[i]!;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return true;
  }
  return false;
}

/** Parses a whole safetensors file; `source` (the path) starts every error message. */
export function parseSafetensors(file: Uint8Array, source: string): Safetensors {
  const fail = (what: string): never => {
    throw new DataError(`${source}: ${what}`);
  };
  if (file.length < 8) fail(`${formatCount(file.length)} bytes is too short for a safetensors file (it starts with an 8-byte header length)`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed > BigInt(file.length - 8)) fail(`the safetensors header claims ${groupThousands(String(claimed))} bytes but only ${formatCount(file.length - 8)} follow the length: the file is truncated or not safetensors`);
  const headerLength = Number(claimed);
  if (headerLength > MAX_HEADER_BYTES) fail(`the safetensors header of ${formatCount(headerLength)} bytes is over the 100 MB limit`);
  if (headerLength < 2 || file[8] !== 0x7b) fail('the safetensors header does not start with "{"');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength));
  } catch {
    return fail('the safetensors header is not valid UTF-8');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return fail(`the safetensors header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('the safetensors header is not a JSON object');
  const twice = duplicateKey(text);
  if (twice !== undefined) fail(`the safetensors header has the key ${JSON.stringify(twice)} twice`);

  const dataStart = 8 + headerLength;
  const data = file.subarray(dataStart);
  const header = doc as Record<string, unknown>;
  const metadata = parseMetadata(header[METADATA_KEY], fail);
  const ranges: { name: string; begin: number; end: number }[] = [];
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    const { dtype, shape, begin, end } = parseEntry(name, entry, data.length, fail);
    tensors.set(name, { name, dtype, shape, bytes: data.subarray(begin, end) });
    ranges.push({ name, begin, end });
  }
  checkLayout(ranges, data.length, fail);
  return { tensors, metadata };
}

function parseMetadata(value: unknown, fail: (what: string) => never): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`"${METADATA_KEY}" must be an object of strings`);
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') fail(`"${METADATA_KEY}" entry ${JSON.stringify(key)} must be a string (got ${JSON.stringify(text)})`);
  }
  return value as Record<string, string>;
}

function parseEntry(name: string, entry: unknown, dataLength: number, fail: (what: string) => never) {
  const tensor = `tensor ${JSON.stringify(name)}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`${tensor} must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`${tensor} has no "dtype" string`);
  const size = DTYPE_SIZES[dtype as string];
  if (size === undefined) fail(`${tensor} has the unknown dtype ${JSON.stringify(dtype)}`);
  const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`${tensor} has a "shape" that is not a list of integers >= 0`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) fail(`${tensor} has "data_offsets" that are not two integers >= 0`);
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`${tensor} has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataLength) fail(`${tensor} has data_offsets [${begin}, ${end}] beyond the ${dataLength} bytes of data after the header`);
  // The element count stops growing once it needs more bytes than the range holds, so it never overflows.
  const extents = shape as number[];
  const span = end - begin;
  let count = extents.includes(0) ? 0 : 1;
  let partial = false;
  for (let i = 0; i < extents.length && count > 0; i++) {
    count *= extents[i]!;
    if (count * size! > span && i < extents.length - 1) {
      partial = true;
      break;
    }
  }
  if (count * size! !== span) {
    fail(`${tensor} of dtype ${dtype} and shape [${extents.join(', ')}] needs ${partial ? 'more than ' : ''}${formatCount(count * size!)} bytes, but its data_offsets span ${formatCount(span)}`);
  }
  return { dtype: dtype as string, shape: shape as number[], begin, end };
}

/** Tensors must tile the data area: no overlap, no gap, nothing after the last one. */
function checkLayout(ranges: { name: string; begin: number; end: number }[], dataLength: number, fail: (what: string) => never): void {
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: string | undefined;
  for (const range of sorted) {
    const tensor = `tensor ${JSON.stringify(range.name)}`;
    if (range.begin < at) fail(`${tensor} (bytes ${range.begin}-${range.end}) overlaps tensor ${JSON.stringify(previous)} (which ends at ${at})`);
    if (range.begin > at) fail(`bytes ${at}-${range.begin} of the data, before ${tensor}, belong to no tensor`);
    at = range.end;
    previous = range.name;
  }
  if (at < dataLength) fail(`${formatCount(dataLength - at)} trailing bytes after the last tensor belong to no tensor`);
}
