import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dictionary, Field, Int32, RecordBatchStreamWriter, Schema, Struct, Table, tableFromArrays, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { openArrowFile, openArrowStream } from '../../../src/io/arrow/read.js';
import { compareToGolden, readGolden } from './golden.js';
import { ARROW_TESTING, chunked, INTEGRATION, once, openByExtension, READ_DATASETS, readAll, REFUSED_DATASETS, scratchDir } from './testdata.js';

const KINDS = ['arrow_file', 'stream'] as const;

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** Reads everything and returns the error it ends in. */
async function readFailure(open: Promise<import('../../../src/io/dataset/dataset.js').DatasetReader>): Promise<Error> {
  return failure(open.then(readAll));
}

describe('arrow-testing integration files', () => {
  test('the expectation lists cover every dataset', () => {
    const found = readdirSync(INTEGRATION, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(INTEGRATION, d.name)).filter((f) => f.endsWith('.json.gz')).map((f) => `${d.name}/${f.slice(0, -8)}`));
    expect([...READ_DATASETS, ...Object.keys(REFUSED_DATASETS)].sort()).toEqual(found.sort());
  });

  test.each(READ_DATASETS.flatMap((d) => KINDS.map((k) => `${d}.${k}`)))('reads %s exactly as its JSON says', async (file) => {
    const reader = await openByExtension(join(INTEGRATION, file));
    const golden = readGolden(join(INTEGRATION, file.replace(/\.\w+$/, '.json.gz')));
    const rows = golden.batches.reduce((sum: number, b: { count: number }) => sum + b.count, 0);
    expect(reader.format).toBe(file.endsWith('.stream') ? 'arrows' : 'arrow');
    expect(reader.numRows).toBe(file.endsWith('.stream') ? undefined : rows);
    expect(reader.schema.fields.map((f) => f.name)).toEqual(golden.schema.fields.map((f: { name: string }) => f.name));
    expect(reader.schema.fields.map((f) => f.nullable)).toEqual(golden.schema.fields.map((f: { nullable: boolean }) => f.nullable));
    const batches = await readAll(reader);
    expect(compareToGolden(batches, golden)).toEqual([]);
    expect(batches.every((b) => b.schema === reader.schema)).toBe(true);
  });

  test("every pass over a file, and random access, give batches of the reader's schema", async () => {
    const reader = await openArrowFile(join(INTEGRATION, '1.0.0-littleendian', 'generated_dictionary.arrow_file'), 'd.arrow');
    const batches = [];
    for (let pass = 0; pass < 2; pass++) for await (const batch of reader.batches()) batches.push(batch);
    batches.push(await reader.readChunk!(1));
    await reader.close();
    expect(batches).toHaveLength(2 * reader.chunkCount! + 1);
    expect(batches.every((b) => b.schema === reader.schema)).toBe(true);
  });

  test.each(Object.keys(REFUSED_DATASETS).flatMap((d) => KINDS.map((k) => `${d}.${k}`)))('refuses %s with a one-line reason', async (file) => {
    const error = await readFailure(openByExtension(join(INTEGRATION, file), 'in.arrow'));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(`in.arrow: ${REFUSED_DATASETS[file.replace(/\.\w+$/, '')]}`);
  });

  test('refuses a schema with an unknown metadata version (V6)', async () => {
    const bytes = readFileSync(join(ARROW_TESTING, 'forward-compatibility', 'schema_v6.arrow'));
    const error = await readFailure(openArrowStream(once(bytes), 'v6.arrows'));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('v6.arrows: unknown Arrow metadata version V6');
  });

  test('big-endian data is refused rather than read as wrong numbers', async () => {
    const file = join(INTEGRATION, '1.0.0-bigendian', 'generated_primitive.arrow_file');
    await expect(openArrowFile(file, 'be.arrow')).rejects.toThrow(/^be\.arrow: big-endian/);
  });
});

describe('stream reading', () => {
  const primitive = readFileSync(join(INTEGRATION, '1.0.0-littleendian', 'generated_primitive.stream'));
  const golden = readGolden(join(INTEGRATION, '1.0.0-littleendian', 'generated_primitive.json.gz'));

  test('consumes the input only as far as the batches asked for', async () => {
    const { chunks, state } = chunked(primitive, 256);
    const reader = await openArrowStream(chunks, 'stdin');
    const afterOpen = state.taken;
    expect(afterOpen).toBeLessThan(state.total / 4);
    const batches = reader.batches()[Symbol.asyncIterator]();
    await batches.next();
    expect(state.taken).toBeGreaterThan(afterOpen);
    expect(state.taken).toBeLessThan(state.total);
    await reader.close();
    await reader.close();
    expect(state.returned).toBe(true);
  });

  test('reads the same values from one-byte chunks', async () => {
    const batches = await readAll(await openArrowStream(chunked(primitive, 1).chunks, 'stdin'));
    expect(compareToGolden(batches, golden)).toEqual([]);
  });

  test('is zero-copy: numeric columns are views of the input', async () => {
    const bytes = tableToIPC(tableFromArrays({ a: Int32Array.from([1, 2, 3]), b: Float64Array.from([0.5, 1.5, 2.5]) }), 'stream');
    const [batch] = await readAll(await openArrowStream(once(bytes), 'x'));
    expect(batch!.getChild('a')!.data[0]!.values.buffer).toBe(bytes.buffer);
    expect(batch!.getChild('b')!.data[0]!.values.buffer).toBe(bytes.buffer);
    expect([...batch!.getChild('b')!]).toEqual([0.5, 1.5, 2.5]);
  });

  test('can be read only once', async () => {
    const reader = await openArrowStream(once(primitive), 'stdin');
    await readAll(reader);
    await expect(reader.batches()[Symbol.asyncIterator]().next()).rejects.toThrow(/only be read once/);
  });

  test.each([
    ['empty input', new Uint8Array(0), 'stdin: empty input: no Arrow IPC schema found'],
    ['a cut metadata length', primitive.subarray(0, 6), 'stdin: truncated Arrow IPC stream'],
    ['a cut message', primitive.subarray(0, 2000), 'stdin: truncated Arrow IPC stream'],
    ['a stream that starts with a record batch', primitive.subarray(primitive.readInt32LE(4) + 8), /^stdin: no schema at the start$/],
    ['two schemas', Buffer.concat([primitive.subarray(0, primitive.length - 8), primitive]), 'stdin: unexpected second schema in the stream'],
  ])('refuses %s', async (_, bytes, message) => {
    const error = await readFailure(openArrowStream(once(bytes), 'stdin'));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(message);
  });
});

describe('file reading', () => {
  const dir = scratchDir();
  const path = join(INTEGRATION, '2.0.0-compression', 'generated_zstd.arrow_file');

  test('reads the batches again on a second pass', async () => {
    const reader = await openArrowFile(join(INTEGRATION, '1.0.0-littleendian', 'generated_dictionary.arrow_file'), 'd.arrow');
    const golden = readGolden(join(INTEGRATION, '1.0.0-littleendian', 'generated_dictionary.json.gz'));
    const first = [];
    for await (const batch of reader.batches()) first.push(batch);
    const second = await readAll(reader);
    expect(compareToGolden(first, golden)).toEqual([]);
    expect(compareToGolden(second, golden)).toEqual([]);
  });

  test('decompressed columns share one aligned body per batch', async () => {
    const [batch] = await readAll(await openArrowFile(path, 'z.arrow'));
    const ints = batch!.getChild('ints')!.data[0]!.values as BigInt64Array;
    expect(ints).toBeInstanceOf(BigInt64Array);
    expect(ints.byteOffset % 8).toBe(0);
    expect(batch!.getChild('strs')!.data[0]!.values.buffer).toBe(ints.buffer);
  });

  test.each([
    ['a missing file', 'missing.arrow', /^m\.arrow: ENOENT: no such file or directory/],
    ['a directory', '.', /^m\.arrow: (EISDIR|not an Arrow IPC file)/],
    ['a file cut short', 'cut.arrow', /^m\.arrow: not an Arrow IPC file \(no ARROW1 magic at its end\)$/],
    ['a file too short to be one', 'tiny.arrow', /^m\.arrow: not an Arrow IPC file \(too short\)$/],
  ])('refuses %s', async (_, file, message) => {
    const bytes = readFileSync(path);
    writeFileSync(join(dir, 'cut.arrow'), bytes.subarray(0, bytes.length - 3));
    writeFileSync(join(dir, 'tiny.arrow'), bytes.subarray(0, 12));
    const error = await readFailure(openArrowFile(join(dir, file), 'm.arrow'));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(message);
  });

  test('close is safe to call twice', async () => {
    const reader = await openArrowFile(path, 'z.arrow');
    await reader.close();
    await reader.close();
    expect(await readAll(reader)).toEqual([]);
  });
});

describe('schema limits', () => {
  test('refuses nesting deeper than 64 levels', async () => {
    let type: Struct | Int32 = new Int32();
    for (let depth = 0; depth < 70; depth++) type = new Struct([new Field('s', type, true)]);
    const writer = new RecordBatchStreamWriter();
    writer.reset(undefined, new Schema([new Field('deep', type, true)]));
    const bytes = writer.finish().toUint8Array(true);
    const error = await readFailure(openArrowStream(once(bytes), 'deep.arrows'));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/^deep\.arrows: column "deep(\.s)+" is nested more than 64 levels deep$/);
  });

  test('reads a schema with many columns and no batches', async () => {
    const fields = Array.from({ length: 2000 }, (_, i) => new Field(`c${i}`, new Int32(), true));
    const writer = new RecordBatchStreamWriter();
    writer.reset(undefined, new Schema(fields));
    const reader = await openArrowStream(once(writer.finish().toUint8Array(true)), 'wide.arrows');
    expect(reader.schema.fields).toHaveLength(2000);
    expect(await readAll(reader)).toEqual([]);
  });

  test('reads a dictionary column built by apache-arrow', async () => {
    const bytes = tableToIPC(new Table({ d: vectorFromArray(['a', 'b', 'a', null], new Dictionary(new Utf8(), new Int32())) }), 'stream');
    const [batch] = await readAll(await openArrowStream(once(bytes), 'x'));
    expect(batch!.schema.fields[0]!.type).toBeInstanceOf(Dictionary);
    expect([...batch!.getChild('d')!]).toEqual(['a', 'b', 'a', null]);
  });
});
