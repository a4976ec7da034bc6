/**
 * An Arrow IPC file read for some of its columns reads only their buffers of
 * each record batch, and gives exactly what reading every batch whole and
 * then dropping the other columns gives: for every arrow-testing file, files
 * apache-arrow and Polars write (compressed or not), and corrupt inputs
 * (the same DataErrors). The file range reads are counted, and the read gap
 * can be set, so that small files are read buffer by buffer too.
 */
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Dictionary, Field, Float64, Int8, Int32, List, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Utf8, vectorFromArray,
} from 'apache-arrow';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { READ_GAP } from '../../../src/io/arrow/body-plan.js';
import { FbTable } from '../../../src/io/arrow/flatbuffer.js';
import { openArrowFile } from '../../../src/io/arrow/read.js';
import type { DatasetReader } from '../../../src/io/dataset/dataset.js';
import { project, projectBatch } from '../../../src/io/dataset/projection.js';
import { polarsFrame } from '../../helpers/polars-frame.js';
import { viewTable } from '../../helpers/polars.js';
import { batchImage } from './batch-image.js';
import { bufferAt, type Located, messages, nodeAt, patched, writeBatches } from './ipc-bytes.js';
import { INTEGRATION, READ_DATASETS, scratchDir } from './testdata.js';

const io = vi.hoisted(() => ({ gap: undefined as number | undefined, bytes: 0 }));

vi.mock(import('../../../src/io/arrow/body-plan.js'), async (importOriginal) => {
  const actual = await importOriginal();
  return { ...actual, planBody: (buffers, wanted, length) => actual.planBody(buffers, wanted, length, io.gap ?? actual.READ_GAP) };
});

vi.mock(import('../../../src/io/files/file-range.js'), async (importOriginal) => {
  const actual = await importOriginal();
  return {
    ...actual,
    async openFileRange(path: string) {
      const file = await actual.openFileRange(path);
      return {
        ...file,
        async read(start: number, end: number) {
          const bytes = await file.read(start, end);
          io.bytes += bytes.length;
          return bytes;
        },
        async readInto(target: Uint8Array, position: number) {
          const n = await file.readInto(target, position);
          io.bytes += n;
          return n;
        },
      };
    },
  };
});

afterEach(() => {
  io.gap = undefined;
});

const dir = scratchDir();
let written = 0;

/** The bytes as a file of the scratch folder. */
function fileOf(bytes: Uint8Array): string {
  const path = join(dir, `f${written++}.arrow`);
  writeFileSync(path, bytes);
  return path;
}

async function collect(batches: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

/** The column sets a file is read for: each column, the first and last, and every other one. */
function projectionsOf(reader: DatasetReader): string[][] {
  const names = [...new Set(reader.schema.fields.map((f) => f.name))];
  const sets = names.map((n) => [n]);
  if (names.length > 2) sets.push([names[0]!, names.at(-1)!], names.filter((_, i) => i % 2 === 1));
  return sets;
}

/**
 * Reads the file whole, then for each projection by batches() and by
 * readChunk(), each read gap in turn; every projected batch must equal the
 * whole batch cut down to the columns.
 */
async function expectProjectionsMatch(path: string, gaps: readonly number[] = [-1, READ_GAP]): Promise<number> {
  const reader = await openArrowFile(path, 'in.arrow');
  let compared = 0;
  try {
    const whole = await collect(reader.batches());
    for (const columns of projectionsOf(reader)) {
      const expected = whole.map((b) => batchImage(projectBatch(b, project(reader.schema, columns))));
      for (const gap of gaps) {
        io.gap = gap;
        expect((await collect(reader.batches(columns))).map(batchImage), `${columns.join(',')} gap ${gap}`).toEqual(expected);
        for (let i = 0; i < whole.length; i++) {
          expect(batchImage(await reader.readChunk!(i, columns)), `chunk ${i} of ${columns.join(',')} gap ${gap}`).toEqual(expected[i]);
        }
        compared += expected.length;
      }
    }
  } finally {
    await reader.close();
  }
  return compared;
}

describe('projections read the same as whole batches', () => {
  test.each(READ_DATASETS)('%s.arrow_file', async (dataset) => {
    await expectProjectionsMatch(join(INTEGRATION, `${dataset}.arrow_file`));
  });

  test('files apache-arrow writes: nulls, lists, structs, strings and dictionaries in several batches', async () => {
    const dictionary = new Dictionary(new Utf8(), new Int32(), 0);
    const point = new Struct([new Field('a', new Float64(), true), new Field('s', new Utf8(), true)]);
    const fields = [
      new Field('x', new Float64(), true), new Field('l', new List(new Field('item', new Int32(), true)), true),
      new Field('d', dictionary, true), new Field('p', point, true), new Field('n', new Int32(), false),
    ];
    const schema = new Schema(fields);
    const words = vectorFromArray(['low', 'mid', 'high', 'a longer word'], new Utf8());
    const batchOf = (from: number, rows: number) => {
      const at = (f: (i: number) => unknown) => Array.from({ length: rows }, (_, k) => f(from + k));
      const children = [
        vectorFromArray(at((i) => (i % 7 === 0 ? null : i / 4)), new Float64()).data[0]!,
        vectorFromArray(at((i) => (i % 5 === 0 ? null : Array.from({ length: i % 4 }, (_, j) => (j === 1 ? null : i * j)))), fields[1]!.type).data[0]!,
        makeData({ type: dictionary, length: rows, nullCount: 0, data: Int32Array.from(at((i) => (i as number) % 4) as number[]), dictionary: words }),
        vectorFromArray(at((i) => (i % 6 === 0 ? null : { a: i % 3 === 0 ? null : -i, s: `s${i}` })), point).data[0]!,
        makeData({ type: new Int32(), length: rows, nullCount: 0, data: Int32Array.from(at((i) => i) as number[]) }),
      ];
      return new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }));
    };
    const bytes = RecordBatchFileWriter.writeAll([batchOf(0, 300), batchOf(300, 0), batchOf(300, 1000), batchOf(1300, 7)]).toUint8Array(true);
    expect(await expectProjectionsMatch(fileOf(bytes))).toBeGreaterThan(0);
  });

  test.each(['uncompressed', 'lz4', 'zstd'] as const)('files Polars writes (%s): views, lists, structs, booleans, dates', async (compression) => {
    // Polars writes a categorical of several chunks as replaced dictionaries, which an IPC file may not hold.
    const views = viewTable(3000, 3);
    const frames = [views.select(...views.columns.filter((c) => c !== 'cat')), polarsFrame(2500).drop('c')];
    for (const frame of frames) await expectProjectionsMatch(fileOf(frame.writeIPC({ compression })));
  });
});

describe('alignment', () => {
  test('a buffer off the 8-byte grid reads as from the whole body, and the columns beside it stay aligned', async () => {
    const fields = [new Field('b', new Int8(), false), new Field('z', new Float64(), false)];
    const schema = new Schema(fields);
    const children = [
      makeData({ type: new Int8(), length: 10, nullCount: 0, data: Int8Array.from({ length: 10 }, (_, i) => i + 1) }),
      makeData({ type: new Float64(), length: 10, nullCount: 0, data: Float64Array.from({ length: 10 }, (_, i) => i / 2) }),
    ];
    const bytes = await writeBatches(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: 10, nullCount: 0, children }))], 'file');
    // b's values start a byte later: at body offset 1, still inside their padding.
    const shifted = patched(bytes, (view, list) => {
      const at = bufferAt(list.find((m) => m.meta.batch)!, 1);
      view.setBigInt64(at, view.getBigInt64(at, true) + 1n, true);
    });
    const path = fileOf(shifted);
    await expectProjectionsMatch(path);
    const reader = await openArrowFile(path, 'shifted.arrow');
    io.gap = -1;
    const [b] = await collect(reader.batches(['b']));
    const [z] = await collect(reader.batches(['z']));
    await reader.close();
    expect([...b!.getChild('b')!]).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 0]);
    const values = z!.getChild('z')!.data[0]!.values as Float64Array;
    expect([values.byteOffset % 8, values.byteLength, [...values]]).toEqual([0, 80, [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]]);
  });
});

describe('only the buffers of the columns asked for are read', () => {
  const rows = 16384;
  const names = Array.from({ length: 64 }, (_, c) => `c${c}`);
  const fields = names.map((n) => new Field(n, new Float64(), true));
  const schema = new Schema(fields);
  const batchOf = (b: number) =>
    new RecordBatch(schema, makeData({
      type: new Struct(fields), length: rows, nullCount: 0,
      children: fields.map((f, c) => vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 9 === c % 9 ? null : c * 1e6 + b * rows + i)), new Float64()).data[0]!),
    }));
  const path = fileOf(RecordBatchFileWriter.writeAll([batchOf(0), batchOf(1)]).toUint8Array(true));
  const body = rows * 8 * 64;

  test('one column of 64 reads its validity and data, a small part of each body', async () => {
    const reader = await openArrowFile(path, 'wide.arrow');
    const whole = await collect(reader.batches());
    io.bytes = 0;
    const chunk = await reader.readChunk!(1, ['c17']);
    // Its data and validity (128 KiB and 2 KiB), and the message's metadata.
    expect(io.bytes).toBeGreaterThanOrEqual(rows * 8 + rows / 8);
    expect(io.bytes).toBeLessThan(body / 32);
    expect(batchImage(chunk)).toEqual(batchImage(projectBatch(whole[1]!, project(schema, ['c17']))));
    io.bytes = 0;
    const batches = await collect(reader.batches(['c17', 'c40']));
    expect(io.bytes).toBeLessThan((2 * body) / 8);
    expect(batches.map(batchImage)).toEqual(whole.map((b) => batchImage(projectBatch(b, project(schema, ['c17', 'c40'])))));
    // Every column reads every body.
    io.bytes = 0;
    await collect(reader.batches());
    expect(io.bytes).toBeGreaterThanOrEqual(2 * body);
    await reader.close();
  });
});

describe('corrupt files give the same DataErrors, read whole or for some columns', () => {
  const fields = [new Field('a', new Int32(), false), new Field('s', new Utf8(), true), new Field('z', new Float64(), true)];
  const schema = new Schema(fields);
  const children = [
    makeData({ type: new Int32(), length: 3, nullCount: 0, data: Int32Array.of(1, 2, 3) }),
    vectorFromArray(['ab', null, 'c'], new Utf8()).data[0]!,
    vectorFromArray([0.5, 1.5, null], new Float64()).data[0]!,
  ];
  const good = () => writeBatches(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: 3, nullCount: 0, children }))], 'file');
  const batchOf = (list: Located[]) => list.find((m) => m.meta.batch && !m.meta.dictionary)!;

  /** Where the footer of a file keeps the body length of its first record batch. */
  function footerBodyLength(bytes: Uint8Array): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const start = bytes.length - 10 - view.getInt32(bytes.length - 10, true);
    return start + FbTable.root(bytes.subarray(start, bytes.length - 10)).structs(3, 24).at + 16;
  }

  /** What reading the file ends in (a DataError's message, or "read"): whole, then for `columns` by batches() and by readChunk(). */
  async function outcomes(path: string, columns: string[], before?: () => void): Promise<string[]> {
    const attempt = async (read: (reader: DatasetReader) => Promise<unknown>): Promise<string> => {
      try {
        const reader = await openArrowFile(path, 'bad.arrow');
        before?.();
        try {
          await read(reader);
        } finally {
          await reader.close();
        }
        return 'read';
      } catch (error) {
        expect(error).toBeInstanceOf(DataError);
        return (error as Error).message;
      }
    };
    const out = [await attempt((r) => collect(r.batches()))];
    for (const gap of [-1, READ_GAP]) {
      io.gap = gap;
      out.push(await attempt((r) => collect(r.batches(columns))), await attempt((r) => r.readChunk!(0, columns)));
    }
    return out;
  }

  test.each([
    ['a buffer outside the body', ['a'], (v: DataView, l: Located[]) => v.setBigInt64(bufferAt(batchOf(l), 1), 1000n, true), 'corrupt metadata (buffer offset 1000 out of range)'],
    ['a data buffer too short', ['a'], (v: DataView, l: Located[]) => v.setBigInt64(bufferAt(batchOf(l), 1) + 8, 4n, true), 'column "a": data buffer of 4 bytes, 12 needed'],
    ['a column shorter than its batch', ['z'], (v: DataView, l: Located[]) => v.setBigInt64(nodeAt(batchOf(l), 2), 2n, true), 'column "z" has 2 rows in a batch of 3'],
    ['string offsets past the data', ['s'], (v: DataView, l: Located[]) => {
      const batch = batchOf(l);
      v.setInt32(batch.bodyAt + Number(v.getBigInt64(bufferAt(batch, 3), true)) + 12, 100, true);
    }, 'column "s": value offsets out of range'],
    ['a body longer in its message than in the footer', ['z'], (v: DataView, l: Located[]) => {
      const batch = batchOf(l);
      v.setBigInt64(batch.metadataAt + batch.root.int64Position(3), BigInt(batch.meta.bodyLength + 8), true);
    }, /^corrupt message at \d+ \(body of \d+ bytes, footer says \d+\)$/],
    ['a body too short for its buffers', ['z'], (v: DataView, l: Located[]) => {
      const batch = batchOf(l);
      const last = batch.meta.batch!.buffers.at(-1)!;
      const length = BigInt(last.offset + 1);
      v.setBigInt64(batch.metadataAt + batch.root.int64Position(3), length, true);
      v.setBigInt64(footerBodyLength(new Uint8Array(v.buffer)), length, true);
    }, /^corrupt metadata \(buffer length \d+ out of range\)$/],
  ])('%s', async (_, columns, patch, message) => {
    const results = await outcomes(fileOf(patched(await good(), patch)), columns);
    expect(results).toHaveLength(5);
    for (const result of results) {
      if (typeof message === 'string') expect(result).toBe(`bad.arrow: ${message}`);
      else expect(result).toMatch(new RegExp(`^bad\\.arrow: ${message.source.slice(1)}`));
    }
  });

  test('a file cut short inside a body while it is read', async () => {
    const bytes = await good();
    const batch = batchOf(messages(bytes));
    const path = fileOf(bytes);
    const cut = () => truncateSync(path, batch.bodyAt + 4);
    const restore = () => writeFileSync(path, bytes);
    const results: string[] = [];
    for (const columns of [['a'], ['z']]) {
      for (const gap of [-1, READ_GAP]) {
        io.gap = gap;
        for (const read of [(r: DatasetReader) => collect(r.batches(columns)), (r: DatasetReader) => r.readChunk!(0, columns), (r: DatasetReader) => collect(r.batches())]) {
          restore();
          const reader = await openArrowFile(path, 'bad.arrow');
          cut();
          results.push(await read(reader).then(() => 'read', (e: Error) => (e instanceof DataError ? e.message : `not a DataError: ${e.message}`)));
          await reader.close();
        }
      }
    }
    expect(new Set(results)).toEqual(new Set(['bad.arrow: truncated Arrow IPC file']));
  });

  test('a compressed buffer whose declared size is wrong', async () => {
    const path = join(INTEGRATION, '2.0.0-compression', 'generated_zstd.arrow_file');
    const broken = patched(readFileSync(path), (view, list) => {
      for (const batch of list.filter((m) => m.meta.batch && !m.meta.dictionary)) {
        for (const b of batch.meta.batch!.buffers) {
          const at = batch.bodyAt + b.offset;
          if (b.length > 8 && view.getBigInt64(at, true) > 0n) view.setBigInt64(at, view.getBigInt64(at, true) + 8n, true);
        }
      }
    });
    const results = await outcomes(fileOf(broken), ['ints']);
    for (const result of results) expect(result).toMatch(/^bad\.arrow: corrupt compressed buffer \(Zstandard data is \d+ bytes, \d+ expected\)$/);
  });

  test('a corrupt column left out of a projection is not read, and the others read as they are', async () => {
    const bytes = patched(await good(), (v, l) => {
      const batch = batchOf(l);
      v.setInt32(batch.bodyAt + Number(v.getBigInt64(bufferAt(batch, 3), true)) + 12, 100, true);
    });
    const path = fileOf(bytes);
    expect((await outcomes(path, ['s']))[0]).toBe('bad.arrow: column "s": value offsets out of range');
    expect(await outcomes(path, ['a', 'z'])).toEqual(['bad.arrow: column "s": value offsets out of range', 'read', 'read', 'read', 'read']);
    const reader = await openArrowFile(path, 'bad.arrow');
    const [batch] = await collect(reader.batches(['a', 'z']));
    await reader.close();
    expect(batch!.toArray().map((r) => r.toJSON())).toEqual([{ a: 1, z: 0.5 }, { a: 2, z: 1.5 }, { a: 3, z: null }]);
  });
});
