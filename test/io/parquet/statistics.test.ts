/**
 * Min/max statistics of the Parquet writer at the edges of each sort order:
 * NaN, zeros and infinities of floats and FLOAT16, unsigned integers past
 * the signed range, negative decimals in every physical type, long strings
 * (cut and marked inexact), and the types that have no order (INT96).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Data, Decimal, Field, Float16, Float32, Float64, makeData, RecordBatch, Schema, Struct, Uint32, Uint64, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetMetadata, type Statistics } from 'hyparquet';
import { afterAll, describe, expect, test } from 'vitest';
import { query } from '../../helpers/duckdb.js';
import { type ChunkStatistics, chunkStatistics } from '../../helpers/parquet-meta.js';
import { PARQUET_TESTING, readParquet, removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

function batchOf(name: string, data: Data): RecordBatch {
  const fields = [new Field(name, data.type, true)];
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: data.length, nullCount: 0, children: [data] }));
}

const floats = (values: number[], type: Float32 | Float64) => makeData({ type, length: values.length, nullCount: 0, data: (type instanceof Float32 ? Float32Array : Float64Array).from(values) });
const halves = (bits: number[]) => makeData({ type: new Float16(), length: bits.length, nullCount: 0, data: Uint16Array.from(bits) });
/** Unscaled values of a 128-bit decimal column. */
const decimals = (values: bigint[], scale: number, precision: number) => {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    for (let w = 0; w < 4; w++) words[i * 4 + w] = Number(BigInt.asUintN(32, v >> BigInt(32 * w)));
  });
  return makeData({ type: new Decimal(scale, precision, 128), length: values.length, nullCount: 0, data: words });
};

/** Each column written alone; the statistics of its chunk as the footer holds them (decoded by hyparquet) and as DuckDB prints them. */
async function statisticsOf(columns: Record<string, Data>) {
  const footer: Record<string, Statistics> = {};
  const duck: Record<string, ChunkStatistics> = {};
  for (const [name, data] of Object.entries(columns)) {
    const batch = batchOf(name, data);
    const bytes = await writeParquet(batch.schema, [batch]);
    const path = join(tempDir(), `${name}.parquet`);
    writeFileSync(path, bytes);
    footer[name] = parquetMetadata(bytes).row_groups[0]!.columns[0]!.meta_data!.statistics!;
    duck[name] = (await chunkStatistics(path))[0]!;
  }
  return { footer, duck };
}

describe('floats', () => {
  test('NaN is left out, a zero minimum is -0 and a zero maximum +0, infinities stay', async () => {
    const { footer } = await statisticsOf({
      mixed: floats([NaN, 2, 0, -0, 5e-324, Infinity], new Float64()),
      nan: floats([NaN, NaN], new Float32()),
      up: floats([0, 1], new Float64()),
      down: floats([-1, -0], new Float32()),
      h: halves([0x7e00, 0xc000, 0x3c00, 0xb800, 0x0000]), // NaN, -2, 1, -0.5, +0
      hz: halves([0x8000, 0x0000]), // -0, +0
    });
    expect([footer.mixed!.min_value, footer.mixed!.max_value]).toEqual([-0, Infinity]);
    expect(Object.is(footer.mixed!.min_value, -0)).toBe(true);
    expect([footer.nan!.min_value, footer.nan!.max_value, footer.nan!.null_count]).toEqual([undefined, undefined, 0n]);
    expect(Object.is(footer.up!.min_value, -0) && Object.is(footer.up!.max_value, 1)).toBe(true);
    expect(Object.is(footer.down!.min_value, -1) && Object.is(footer.down!.max_value, 0)).toBe(true);
    expect([footer.h!.min_value, footer.h!.max_value]).toEqual([-2, 1]);
    expect(Object.is(footer.hz!.min_value, -0) && Object.is(footer.hz!.max_value, 0)).toBe(true);
  });
});

describe('integers and decimals', () => {
  test('unsigned integers beyond the signed range and negative decimals of every width are ordered by value', async () => {
    const { duck } = await statisticsOf({
      u32: makeData({ type: new Uint32(), length: 3, nullCount: 0, data: Uint32Array.of(1, 3_000_000_000, 2 ** 31) }),
      u64: makeData({ type: new Uint64(), length: 3, nullCount: 0, data: BigUint64Array.of(1n, 2n ** 64n - 1n, 2n ** 63n) }),
      dec9: decimals([-12345n, 100n, -7n], 2, 9),
      dec18: decimals([-(10n ** 17n), 5n, 10n ** 16n], 3, 18),
      dec38: decimals([-1n, 7n, -300n, 10n ** 37n], 2, 38),
    });
    expect([duck.u32!.min, duck.u32!.max]).toEqual(['1', '3000000000']);
    expect([duck.u64!.min, duck.u64!.max]).toEqual(['1', '18446744073709551615']);
    expect([duck.dec9!.min, duck.dec9!.max]).toEqual(['-123.45', '1.00']);
    expect([duck.dec18!.min, duck.dec18!.max]).toEqual(['-100000000000000.000', '10000000000000.000']);
    expect([duck.dec38!.min, duck.dec38!.max]).toEqual(['-3.00', `1${'0'.repeat(35)}.00`]);
  });

  test.each(['byte_array_decimal.parquet', 'fixed_length_decimal_legacy.parquet', 'int32_decimal.parquet', 'int64_decimal.parquet'])(
    '%s written back has the min and max DuckDB computes',
    async (file) => {
      const original = await readParquet(join(PARQUET_TESTING, file));
      const path = join(tempDir(), file);
      writeFileSync(path, await writeParquet(original.schema, original.batches, { parquetColumns: original.parquetColumns }));
      const [stats] = await chunkStatistics(path);
      const [want] = await query(`SELECT min(value)::VARCHAR AS lo, max(value)::VARCHAR AS hi FROM read_parquet('${path}')`);
      expect([stats!.min, stats!.max]).toEqual([want!.lo, want!.hi]);
    },
  );
});

describe('byte arrays and types without an order', () => {
  test('strings longer than 64 bytes are cut to bounds marked inexact that still hold every value', async () => {
    const values = [`${'a'.repeat(100)}z`, 'b'.repeat(80), 'ab'];
    const { duck } = await statisticsOf({ s: vectorFromArray(values, new Utf8()).data[0]! });
    const min = String(duck.s!.min);
    expect(min).toBe('a'.repeat(64));
    expect(String(duck.s!.max)).toBe(`${'b'.repeat(63)}c`);
    expect([duck.s!.minExact, duck.s!.maxExact]).toEqual([false, false]);
    for (const v of values) expect(v >= min && v <= String(duck.s!.max)).toBe(true);
  });

  test('INT96 timestamps get no min or max, while an unsigned column beside them does', async () => {
    const original = await readParquet(join(PARQUET_TESTING, 'int96_from_spark.parquet'));
    const [name] = original.parquetColumns.keys();
    const int96 = original.batches[0]!.getChild(name!)!.data[0]!;
    const u = makeData({ type: new Uint32(), length: int96.length, nullCount: 0, data: Uint32Array.from({ length: int96.length }, (_, i) => 4_000_000_000 - i) });
    const fields = [new Field(name!, int96.type, true), new Field('u', u.type, true)];
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: int96.length, nullCount: 0, children: [int96, u] }));
    const path = join(tempDir(), 'int96.parquet');
    writeFileSync(path, await writeParquet(batch.schema, [batch], { parquetColumns: original.parquetColumns }));
    const [t, unsigned] = await chunkStatistics(path);
    expect((await query(`SELECT type FROM parquet_metadata('${path}') ORDER BY column_id`)).map((r) => r.type)).toEqual(['INT96', 'INT32']);
    expect([t!.min, t!.max]).toEqual([null, null]);
    expect([unsigned!.min, unsigned!.max]).toEqual([String(4_000_000_000 - int96.length + 1), '4000000000']);
  });
});
