/**
 * The ARROW:schema codec: it decodes what Polars writes, Polars decodes what
 * it encodes, and anything else is an Error (never a crash or a hang).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Dictionary, DurationMillisecond, DurationNanosecond, Field, FixedSizeList, Float16, Float32, Int8, Int32, Int64, LargeList, LargeUtf8, Map_, Schema,
  Struct, Table, TimestampMicrosecond, Uint32, Utf8, Utf8View, vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeArrowSchema, encodeArrowSchema, storedSchema } from '../../../src/io/parquet/arrow-schema.js';
import { pl, polarsTable, polarsTypes, writePolarsParquet } from '../../helpers/polars-table.js';
import { removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

/** The ARROW:schema value of a Parquet file's footer. */
function arrowSchemaOf(path: string): string {
  const bytes = readFileSync(path);
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return metadata.key_value_metadata!.find((kv) => kv.key === 'ARROW:schema')!.value!;
}

const describeFields = (schema: Schema) => schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable} ${JSON.stringify([...f.metadata])}`);

describe('an ARROW:schema written by Polars', () => {
  const dir = tempDir();
  test.each([['writeParquet', undefined], ['sinkParquet', 100]] as const)('(%s) decodes to the Arrow types Polars stored', (_, group) => {
    const path = join(dir, `polars-${group ?? 'one'}.parquet`);
    writePolarsParquet(polarsTable(10), path, 'zstd', group);
    const schema = decodeArrowSchema(arrowSchemaOf(path));
    const strings = group ? 'LargeUtf8' : 'Utf8View';
    expect(Object.fromEntries(schema.fields.map((f) => [f.name, String(f.type)]))).toMatchObject({
      cat: `Dictionary<Uint32, ${strings}>`, fsl: 'FixedSizeList[3]<Float32>', fsl_pass: 'FixedSizeList[2]<Int16>',
      dt_ms: 'Timestamp<MILLISECOND>', dt_us_tz: 'Timestamp<MICROSECOND, Europe/Paris>', dt_ns_utc: 'Timestamp<NANOSECOND, UTC>',
      dur: 'Duration<MILLISECOND>', date: 'Date32<DAY>', time: 'Time64<NANOSECOND>', str: strings, li: 'LargeList<Int64>',
      dec: 'Decimal[12e+2]', u64: 'Uint64', st: `Struct<{a:Int16, s:${strings}}>`,
    });
    expect([...schema.fields.find((f) => f.name === 'cat')!.metadata.keys()]).toEqual(['_PL_CATEGORICAL2']);
  });

  test('re-encoded, is decoded the same, and Polars reads a file carrying it', () => {
    const path = join(dir, 'polars-once.parquet');
    writePolarsParquet(polarsTable(10), path, 'zstd');
    const schema = decodeArrowSchema(arrowSchemaOf(path));
    const again = decodeArrowSchema(encodeArrowSchema(schema));
    expect(describeFields(again)).toEqual(describeFields(schema));
  });
});

describe('encodeArrowSchema', () => {
  const schema = new Schema(
    [
      new Field('cat', new Dictionary(new Utf8(), new Int8(), 3, true), true, new Map([['k', 'v']])),
      new Field('fsl', new FixedSizeList(3, new Field('item', new Float32(), true)), false),
      new Field('ts', new TimestampMicrosecond('America/New_York'), true),
      new Field('big', new LargeList(new Field('item', new LargeUtf8(), true)), true),
      new Field('view', new Utf8View(), true),
      new Field('dur', new DurationNanosecond(), true),
      new Field('half', new Float16(), true),
      new Field('st', new Struct([new Field('a', new Int64(), true), new Field('m', new Map_(new Field('entries', new Struct<{ key: Utf8; value: Int32 }>([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]), false)), true)]), true),
      new Field('dict32', new Dictionary(new LargeUtf8(), new Uint32(), 4), true),
    ],
    new Map([['pandas', '{"columns": []}'], ['origin', 'test']]),
  );

  test('frames the Schema message as a stream does: continuation marker, length, 8-byte padding', () => {
    const bytes = Buffer.from(encodeArrowSchema(schema), 'base64');
    expect(bytes.readUInt32LE(0)).toBe(0xffffffff);
    expect(bytes.readInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.length % 8).toBe(0);
  });

  test('round-trips types, nullability, dictionaries and metadata', () => {
    const back = decodeArrowSchema(encodeArrowSchema(schema));
    expect(describeFields(back)).toEqual(describeFields(schema));
    expect([...back.metadata]).toEqual([...schema.metadata]);
    const cat = back.fields[0]!.type as Dictionary;
    expect([cat.id, cat.isOrdered, String(cat.indices)]).toEqual([3, true, 'Int8']);
  });

  test('the pre-1.0 framing (a length without the continuation marker) decodes too', () => {
    const bytes = Buffer.from(encodeArrowSchema(schema), 'base64');
    expect(describeFields(decodeArrowSchema(bytes.subarray(4).toString('base64')))).toEqual(describeFields(schema));
  });

  test('Polars reads the types it cannot get from Parquet types alone back from a file bn1d wrote', async () => {
    const table = new Table({
      cat: vectorFromArray(['a', 'b', null, 'a'], new Dictionary(new Utf8(), new Int32())),
      ts: vectorFromArray([1000, 2000, null, 4000], new TimestampMicrosecond('Asia/Tokyo')),
      // nodejs-polars names every Duration unit ms: the unit itself is checked on the Arrow side.
      dur: vectorFromArray([1n, null, 3n, 4n], new DurationMillisecond()),
    });
    const path = join(tempDir(), 'bn1d.parquet');
    writeFileSync(path, await writeParquet(table.schema, table.batches));
    expect(polarsTypes(pl.readParquet(readFileSync(path)))).toEqual({
      cat: 'DataType(Categorical)', ts: 'DataType(Datetime(us,Asia/Tokyo))', dur: 'DataType(Duration(ms))',
    });
  });
});

describe('an ARROW:schema that is not one', () => {
  const valid = Buffer.from(encodeArrowSchema(new Schema([new Field('a', new Int64(), true), new Field('s', new Utf8(), true)])), 'base64');

  test.each([
    ['empty', ''],
    ['not base64 of a message', 'bm90IGEgc2NoZW1h'],
    ['truncated', valid.subarray(0, valid.length - 12).toString('base64')],
    ['a length past the end', Buffer.concat([valid.subarray(0, 4), Buffer.from([0xff, 0xff, 0, 0]), valid.subarray(8)]).toString('base64')],
  ])('%s: an Error, and storedSchema says why', (_, value) => {
    expect(() => decodeArrowSchema(value)).toThrow(Error);
    const stored = storedSchema([{ key: 'ARROW:schema', value }, { key: 'other', value: 'kept' }]);
    expect(stored.arrow).toBeUndefined();
    expect(stored.problem).toEqual(expect.any(String));
    expect([...stored.metadata]).toEqual([['other', 'kept']]);
  });

  test('any corruption of a valid one decodes or throws an Error, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const bytes = Buffer.from(valid);
        for (const [at, value] of edits) bytes[at] = value;
        try {
          decodeArrowSchema(bytes.toString('base64'));
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
