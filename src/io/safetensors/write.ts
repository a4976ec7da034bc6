/** Writing the safetensors format: a compact JSON header padded to 8 bytes, then the tensors back to back. */
import { METADATA_KEY, type SafetensorsTensor } from './read.js';

/** Alignment of the data area (and, with the tensor order below, of every 8-byte tensor). */
const ALIGN = 8;

/** dtype order of the safetensors library: wider types first, so every tensor stays aligned. */
const RANK: Readonly<Record<string, number>> = { I64: 3, F64: 2, I32: 1, F32: 1 };

/**
 * The file's bytes. Tensors are ordered as the safetensors library orders
 * them (wider dtypes first, then by name), so the same tensors always give
 * the same bytes; metadata keys are sorted.
 */
export function formatSafetensors(tensors: readonly SafetensorsTensor[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const names = new Set(tensors.map((t) => t.name));
  if (names.size !== tensors.length || names.has(METADATA_KEY)) throw new Error('tensor names must be unique and not __metadata__');
  const ordered = [...tensors].sort((a, b) => (RANK[b.dtype] ?? 0) - (RANK[a.dtype] ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Entries are joined by hand: a JS object would move integer-like keys ("0", "1") to the front.
  const entries: string[] = [];
  const member = (key: string, value: string) => entries.push(`${JSON.stringify(key)}:${value}`);
  const keys = Object.keys(metadata).sort();
  if (keys.length > 0) member(METADATA_KEY, `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  let at = 0;
  for (const t of ordered) {
    member(t.name, JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [at, at + t.bytes.length] }));
    at += t.bytes.length;
  }
  const text = new TextEncoder().encode(`{${entries.join(',')}}`);
  const padded = Math.ceil(text.length / ALIGN) * ALIGN;
  const out = new Uint8Array(8 + padded + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(text, 8);
  out.fill(0x20, 8 + text.length, 8 + padded);
  let offset = 8 + padded;
  for (const t of ordered) {
    out.set(t.bytes, offset);
    offset += t.bytes.length;
  }
  return out;
}
