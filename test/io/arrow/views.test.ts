/**
 * Binary and string views through the writers and bn1d's own plumbing:
 * slices (as apply cuts them) written as valid batches that carry only their
 * own bytes, Parquet BYTE_ARRAY values, and the transfer between threads.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Data, makeVector, type RecordBatch } from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { openArrowFile, openArrowStream } from '../../../src/io/arrow/read.js';
import { fromPlain, toPlain } from '../../../src/io/arrow/data-transfer.js';
import { createParquetWriter } from '../../../src/io/parquet/write.js';
import { query } from '../../helpers/duckdb.js';
import { memorySink } from '../../helpers/memory-sink.js';
import { polarsRead, polarsValues, viewTable } from '../../helpers/polars.js';
import { independentRead, messagesOf, writeBatches } from './ipc-bytes.js';
import { INTEGRATION, once, readAll, scratchDir } from './testdata.js';

const dir = scratchDir();

/** Every row of the batches as JSON (bytes as hex). */
function rows(batches: readonly RecordBatch[]): unknown[] {
  const json = JSON.stringify(batches.flatMap((b) => b.toArray()), (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
  return JSON.parse(json);
}

/** The body bytes of the record batches of IPC bytes. */
const bodies = (bytes: Uint8Array) => messagesOf(bytes).filter((m) => m.batch && !m.dictionary).reduce((sum, m) => sum + m.bodyLength, 0);

/** The batch cut at `cuts` (from the first to the last). */
const slices = (batch: RecordBatch, cuts: number[]) => cuts.slice(1).map((end, k) => batch.slice(cuts[k]!, end));

/** Arrow C++'s binary and string views (bv, sv): the batch of 256 rows, from bn1d's reader. */
let cpp: RecordBatch;
beforeAll(async () => {
  const batches = await readAll(await openArrowFile(join(INTEGRATION, 'cpp-21.0.0', 'generated_binary_view.arrow_file'), 'views'));
  cpp = batches.find((b) => b.numRows === 256)!;
});

describe('slices of view columns', () => {
  test.each(['file', 'stream'] as const)('Arrow C++ binary and string views: each slice valid, with only its own bytes (%s)', async (kind) => {
    const bytes = await writeBatches(cpp.schema, slices(cpp, [0, 100, 101, 256]), kind);
    const apache = independentRead(bytes).batches;
    expect(apache.map((b) => b.numRows)).toEqual([100, 1, 155]);
    expect(rows(apache)).toEqual(rows([cpp]));
    const path = join(dir, `cpp.${kind}`);
    writeFileSync(path, bytes);
    const ours = kind === 'file' ? await openArrowFile(path, 'out') : await openArrowStream(once(bytes), 'out');
    expect(rows(await readAll(ours))).toEqual(rows([cpp]));
    expect(bodies(bytes)).toBeLessThan(1.1 * bodies(await writeBatches(cpp.schema, [cpp], kind)));
  });

  test.each(['file', 'stream'] as const)('Polars views in columns, structs, lists and dictionaries: every value, read by Polars (%s)', async (kind) => {
    const path = join(dir, 'polars.arrow');
    const original = viewTable(3000, 1).writeIPC();
    writeFileSync(path, original);
    const [whole] = await readAll(await openArrowFile(path, 'polars.arrow'));
    const bytes = await writeBatches(whole!.schema, slices(whole!, [0, 1000, 2500, 3000]), kind);
    const [expected, got] = [polarsRead(original), polarsRead(bytes)];
    for (const name of ['x', 'n', 's', 'st', 'l', 'cat']) expect(polarsValues(got, name), name).toEqual(polarsValues(expected, name));
    expect(bodies(bytes)).toBeLessThan(1.1 * bodies(await writeBatches(whole!.schema, [whole!], kind)));
  });
});

describe('views elsewhere', () => {
  test('to Parquet: binary views as BYTE_ARRAY, string views as UTF8 strings, every value as DuckDB reads it', async () => {
    const sink = memorySink();
    const writer = createParquetWriter(sink, cpp.schema);
    for (const part of slices(cpp, [0, 100, 101, 256])) await writer.write(part);
    await writer.finish();
    const path = join(dir, 'views.parquet');
    writeFileSync(path, sink.bytes());
    const types = await query(`SELECT name, type, converted_type FROM parquet_schema('${path}') WHERE name IN ('bv', 'sv')`);
    expect(types).toEqual([{ name: 'bv', type: 'BYTE_ARRAY', converted_type: null }, { name: 'sv', type: 'BYTE_ARRAY', converted_type: 'UTF8' }]);
    const read = await query(`SELECT lower(hex(bv)) AS bv, sv FROM read_parquet('${path}')`);
    expect(read).toEqual(rows([cpp]));
  });

  test('the transfer between threads keeps the data buffers of views', () => {
    const values = (data: Data) => [...makeVector(data)].map((v: string | Uint8Array | null) => (v === null ? null : Buffer.from(v).toString('hex')));
    for (const data of cpp.data.children) {
      expect(values(fromPlain(data.type, structuredClone(toPlain(data, new Set()))))).toEqual(values(data));
    }
  });
});
