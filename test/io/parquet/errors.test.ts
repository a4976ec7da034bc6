/**
 * What a user's file can do wrong, as the Parquet reader reports it: one
 * DataError that starts with the file name and says what is wrong, never a
 * raw library error. Also the reader's lifecycle.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { openParquet } from '../../../src/io/parquet/read.js';
import { PARQUET_TESTING, readParquet, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const dir = tempDir();

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The error reading the whole file ends in (undefined if it reads). */
async function failure(path: string, name = path.split('/').pop()!): Promise<unknown> {
  try {
    await readParquet(path, name);
    return undefined;
  } catch (error) {
    return error;
  }
}

async function expectDataError(path: string, message: RegExp): Promise<void> {
  const error = await failure(path);
  expect(error).toBeInstanceOf(DataError);
  expect((error as Error).message.startsWith(`${path.split('/').pop()}: `)).toBe(true);
  expect((error as Error).message).toMatch(message);
}

/** A Parquet file written by hyparquet-writer with the given schema. */
function hyparquetFile(name: string, schema: SchemaElement[], columnData: { name: string; data: unknown[] }[], codec?: 'LZO'): string {
  const writer = new ByteWriter();
  parquetWrite({
    writer, schema, columnData: columnData as never, statistics: false,
    ...(codec ? { codec, compressors: { [codec]: (input: Uint8Array) => input } } : {}),
  });
  return file(name, writer.getBytes());
}

describe('files that are not readable Parquet', () => {
  test('a missing file', async () => {
    await expect(openParquet(join(dir, 'missing.parquet'), 'missing.parquet')).rejects.toThrow(/^missing\.parquet: cannot open: no such file$/);
  });

  test('a file too short to be Parquet', async () => {
    await expectDataError(file('short.parquet', 'PAR1PAR1'), /not a Parquet file \(only 8 bytes\)/);
    await expectDataError(file('empty.parquet', ''), /not a Parquet file/);
  });

  test('a file without the PAR1 magic number', async () => {
    await expectDataError(file('text.parquet', 'id,value\n1,2\n3,4\n'), /not a Parquet file \(no PAR1 magic number\)/);
  });

  test('a footer length beyond the file, and a footer that does not decode', async () => {
    const good = readFileSync(join(PARQUET_TESTING, 'alltypes_plain.parquet'));
    const long = Buffer.from(good);
    long.writeUInt32LE(0xffffff, long.length - 8);
    await expectDataError(file('long-footer.parquet', long), /corrupt Parquet footer/);
    const garbled = Buffer.from(good);
    const length = garbled.readUInt32LE(garbled.length - 8);
    garbled.fill(0xee, garbled.length - 8 - length, garbled.length - 8 - length + 40);
    await expectDataError(file('garbled-footer.parquet', garbled), /corrupt Parquet footer/);
  });

  test('a file cut short', async () => {
    const good = readFileSync(join(PARQUET_TESTING, 'alltypes_plain.parquet'));
    await expectDataError(file('cut.parquet', good.subarray(0, good.length - 100)), /not a Parquet file/);
  });

  test('a compression codec the reader lacks is named', async () => {
    const path = hyparquetFile('lzo.parquet', [{ name: 'root', num_children: 1 }, { name: 'x', type: 'INT32', repetition_type: 'REQUIRED' }], [{ name: 'x', data: [1, 2, 3] }], 'LZO');
    await expectDataError(path, /unsupported compression codec LZO in column "x"/);
  });
});

describe('columns of a type the reader cannot read', () => {
  test('the file opens, the column is a Null field saying why, and reading its batches names the column and the type', async () => {
    const schema: SchemaElement[] = [
      { name: 'root', num_children: 2 },
      { name: 'ok', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'wide', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 34, repetition_type: 'REQUIRED', converted_type: 'DECIMAL', precision: 80, scale: 0 },
    ];
    const path = hyparquetFile('wide.parquet', schema, [{ name: 'ok', data: [1, 2] }, { name: 'wide', data: [1n, 2n] }]);
    const reader = await openParquet(path, 'wide.parquet');
    expect(reader.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(['ok: Int32', 'wide: Null']);
    expect(reader.schema.fields[1]!.metadata.get('bn1d:unsupported')).toBe('DECIMAL with precision 80');
    const batches = (async () => { for await (const batch of reader.batches()) void batch; })();
    await expect(batches).rejects.toThrow(/^wide\.parquet: unsupported type in column "wide" \(row group 0\): DECIMAL with precision 80$/);
    await reader.close();
  });
});

describe('corrupt pages', () => {
  /** A tiny seeded generator, so that failures reproduce. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state / 0x7fffffff;
    };
  }

  test.each(['nullable.impala.parquet', 'delta_encoding_optional_column.parquet', 'datapage_v2.snappy.parquet', 'alltypes_dictionary.parquet'])(
    '%s with bytes of its pages overwritten: each read ends well or in a DataError',
    async (name) => {
      const good = readFileSync(join(PARQUET_TESTING, name));
      const footer = good.readUInt32LE(good.length - 8) + 8;
      const next = random(name.length);
      let errors = 0;
      for (let round = 0; round < 60; round++) {
        const bytes = Buffer.from(good);
        for (let k = 0; k < 1 + round % 4; k++) bytes[4 + Math.floor(next() * (bytes.length - footer - 4))] = Math.floor(next() * 256);
        const error = await failure(file(`mutated-${round}-${name}`, bytes), name);
        if (error === undefined) continue;
        errors++;
        expect(error, String(error)).toBeInstanceOf(DataError);
        expect((error as Error).message.startsWith(`${name}: `)).toBe(true);
      }
      expect(errors).toBeGreaterThan(0);
    },
  );
});

describe('reader lifecycle', () => {
  test('close() is safe to call twice; numRows and parquetColumns come from the footer', async () => {
    const reader = await openParquet(join(PARQUET_TESTING, 'list_columns.parquet'), 'list_columns.parquet');
    expect(reader.name).toBe('list_columns.parquet');
    expect(reader.numRows).toBe(3);
    expect(reader.parquetColumns!.get('int64_list')!.map((e) => `${e.repetition_type} ${e.name}`)).toEqual(['OPTIONAL int64_list', 'REPEATED list', 'OPTIONAL item']);
    await reader.close();
    await reader.close();
    const batches = (async () => { for await (const batch of reader.batches()) void batch; })();
    await expect(batches).rejects.toThrow(/closed/);
  });
});
