/**
 * Compressed Arrow IPC inputs (LZ4 frames, ZSTD) decode to the values Polars
 * reads from them: bn1d decodes each input and writes its batches again,
 * uncompressed, and Polars reads both; the uncompressed input is the other
 * side of each comparison.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataFrame } from 'nodejs-polars';
import { describe, expect, test } from 'vitest';
import { openArrowFile, openArrowStream } from '../../../src/io/arrow/read.js';
import { polarsFrame } from '../../helpers/polars-frame.js';
import { polarsRead, polarsValues, viewTable } from '../../helpers/polars.js';
import { messagesOf, writeBatches } from './ipc-bytes.js';
import { INTEGRATION, once, readAll, scratchDir } from './testdata.js';

const dir = scratchDir();

/** What Polars reads from bn1d's reading of `bytes` (an IPC file or stream), written again uncompressed. */
async function throughBn1d(bytes: Uint8Array, kind: 'file' | 'stream'): Promise<DataFrame> {
  const path = join(dir, `input.${kind}`);
  writeFileSync(path, bytes);
  const reader = kind === 'file' ? await openArrowFile(path, 'in') : await openArrowStream(once(bytes), 'in');
  const schema = reader.schema;
  const out = await writeBatches(schema, await readAll(reader), kind);
  expect(messagesOf(out).every((m) => !m.batch || m.batch.codec === null)).toBe(true);
  return polarsRead(out);
}

/** Every column of two frames, value by value. */
function expectSame(got: DataFrame, expected: DataFrame): void {
  expect(got.columns).toEqual(expected.columns);
  expect(got.height).toBe(expected.height);
  for (const name of expected.columns) expect(polarsValues(got, name), name).toEqual(polarsValues(expected, name));
}

/** The frame in `count` chunks, which Polars writes as as many record batches. */
function inBatches(frame: DataFrame, count: number): DataFrame {
  const size = Math.ceil(frame.height / count);
  let out = frame.slice(0, size);
  for (let at = size; at < frame.height; at += size) out = out.vstack(frame.slice(at, size));
  return out;
}

/** The body compression of the data messages of IPC bytes (null: none). */
const codecs = (bytes: Uint8Array) => [...new Set(messagesOf(bytes).flatMap((m) => (m.batch ? [m.batch.codec] : [])))];

describe('compressed arrow-testing files', () => {
  test.each(['generated_lz4', 'generated_zstd', 'generated_uncompressible_lz4', 'generated_uncompressible_zstd'].flatMap((name) =>
    (['file', 'stream'] as const).map((kind) => [name, kind] as const),
  ))('%s (%s): the values Polars reads', async (name, kind) => {
    const bytes = readFileSync(join(INTEGRATION, '2.0.0-compression', `${name}.${kind === 'file' ? 'arrow_file' : 'stream'}`));
    expect(codecs(bytes)).toEqual([name.endsWith('lz4') ? 0 : 1]);
    expectSame(await throughBn1d(bytes, kind), polarsRead(bytes));
  });
});

describe('files and streams Polars compresses', () => {
  // Polars writes the categorical of a frame in several chunks as replaced dictionaries, which it refuses in a file.
  const frames = () => [viewTable(3000, 3), inBatches(polarsFrame(2500), 4)];
  test.each(['lz4', 'zstd'] as const)('%s: strings (as views), structs, lists, categoricals, dates and numbers in several batches', async (compression) => {
    for (const kind of ['file', 'stream'] as const) {
      for (const whole of frames()) {
        const frame = kind === 'file' ? whole.select(...whole.columns.filter((c) => c !== 'cat' && c !== 'c')) : whole;
        const write = (options: { compression: 'uncompressed' | 'lz4' | 'zstd' }) => (kind === 'file' ? frame.writeIPC(options) : frame.writeIPCStream(options));
        const compressed = write({ compression });
        expect(codecs(compressed)).toEqual([compression === 'lz4' ? 0 : 1]);
        // nodejs-polars writes a stream as one record batch, a file as one per chunk.
        if (kind === 'file') expect(messagesOf(compressed).filter((m) => m.batch && !m.dictionary).length).toBeGreaterThan(1);
        expectSame(await throughBn1d(compressed, kind), polarsRead(write({ compression: 'uncompressed' })));
      }
    }
  });
});
