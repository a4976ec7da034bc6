/** Paths of the third-party Arrow test files, and small helpers for the Arrow reader and writer tests. */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { afterAll } from 'vitest';
import { openArrowFile, openArrowStream } from '../../../src/io/arrow/read.js';
import type { DatasetReader } from '../../../src/io/dataset/dataset.js';
import { SHARED } from '../../helpers/cli.js';

export const ARROW_TESTING = join(SHARED, 'arrow-testing');
export const INTEGRATION = join(ARROW_TESTING, 'integration');

/** A new empty folder, removed after the tests of the file that asked for it (call it at the top level). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bn1d-arrow-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens an arrow-testing file by its extension: `.stream` as a stream (read in chunks), anything else as a file. */
export function openByExtension(path: string, name = path.split('/').pop()!): Promise<DatasetReader> {
  return path.endsWith('.stream') ? openArrowStream(createReadStream(path), name) : openArrowFile(path, name);
}

/** Every batch of a reader, which is closed afterwards. */
export async function readAll(reader: DatasetReader): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  try {
    for await (const batch of reader.batches()) batches.push(batch);
  } finally {
    await reader.close();
  }
  return batches;
}

/** The bytes in chunks of `size`, counting how many chunks were taken and whether the consumer stopped early. */
export function chunked(bytes: Uint8Array, size: number) {
  const state = { taken: 0, total: Math.ceil(bytes.length / size), returned: false };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (let at = 0; at < bytes.length; at += size) {
        state.taken++;
        yield bytes.subarray(at, at + size);
      }
    } finally {
      state.returned = state.taken < state.total;
    }
  }
  return { chunks: chunks(), state };
}

/** Bytes as a one-chunk stream. */
export async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The arrow-testing integration datasets (each as `.arrow_file`, `.stream`
 * and `.json.gz`) that are read, checked value by value against the JSON.
 */
export const READ_DATASETS = [
  '0.14.1/generated_dictionary',
  '0.14.1/generated_nested',
  '0.14.1/generated_primitive',
  '1.0.0-littleendian/generated_custom_metadata',
  '1.0.0-littleendian/generated_datetime',
  '1.0.0-littleendian/generated_dictionary',
  '1.0.0-littleendian/generated_dictionary_unsigned',
  '1.0.0-littleendian/generated_duplicate_fieldnames',
  '1.0.0-littleendian/generated_extension',
  '1.0.0-littleendian/generated_interval',
  '1.0.0-littleendian/generated_map',
  '1.0.0-littleendian/generated_nested',
  '1.0.0-littleendian/generated_nested_dictionary',
  '1.0.0-littleendian/generated_nested_large_offsets',
  '1.0.0-littleendian/generated_null',
  '1.0.0-littleendian/generated_null_trivial',
  '1.0.0-littleendian/generated_primitive',
  '1.0.0-littleendian/generated_primitive_large_offsets',
  '1.0.0-littleendian/generated_primitive_no_batches',
  '1.0.0-littleendian/generated_primitive_zerolength',
  '1.0.0-littleendian/generated_recursive_nested',
  '1.0.0-littleendian/generated_union',
  '2.0.0-compression/generated_lz4',
  '2.0.0-compression/generated_uncompressible_lz4',
  '2.0.0-compression/generated_uncompressible_zstd',
  '2.0.0-compression/generated_zstd',
  '4.0.0-shareddict/generated_shared_dict',
  'cpp-21.0.0/generated_binary_view',
  'cpp-21.0.0/generated_decimal',
  'cpp-21.0.0/generated_decimal256',
  'cpp-21.0.0/generated_decimal32',
  'cpp-21.0.0/generated_decimal64',
  'cpp-21.0.0/generated_dictionary',
  'cpp-21.0.0/generated_interval_mdn',
  'cpp-21.0.0/generated_list_view',
  'cpp-21.0.0/generated_nested',
  'cpp-21.0.0/generated_primitive',
];

/** The integration datasets that are refused, with the end of the message (after "<name>: "). */
export const REFUSED_DATASETS: Readonly<Record<string, string>> = {
  '1.0.0-bigendian/generated_dictionary': 'big-endian Arrow IPC is not supported',
  '1.0.0-bigendian/generated_nested': 'big-endian Arrow IPC is not supported',
  '1.0.0-bigendian/generated_primitive': 'big-endian Arrow IPC is not supported',
  'cpp-21.0.0/generated_run_end_encoded': 'unsupported Arrow type RunEndEncoded in column "ree16_int32"',
};
