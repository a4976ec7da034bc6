/**
 * Min/max statistics of bn1d's Parquet outputs, black box: every column chunk
 * of every type (from DuckDB, Polars and Arrow inputs) has the min and max
 * DuckDB computes for its row group, the footer says their order, and DuckDB
 * and Polars skip row groups by them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dictionary, Float16, Float64, Int32, makeData, makeVector, Table, tableToIPC, Uint64, Utf8, vectorFromArray } from 'apache-arrow';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, test } from 'vitest';
import { ok, scratch } from '../helpers/cli.js';
import { describeParquet, query } from '../helpers/duckdb.js';
import { chunkStatistics, columnOrders, destroyRowGroup, rowGroupRows } from '../helpers/parquet-meta.js';
import { polarsFrame } from '../helpers/polars-frame.js';

const dir = scratch();

/** DuckDB expressions whose min and max over a row group are the min and max of a leaf. */
const LEAF_EXPRESSIONS: Record<string, [string, string]> = {
  'li.list.element': ['list_min(li)', 'list_max(li)'],
  'st.a': ['st.a', 'st.a'],
  'st.b': ['st.b', 'st.b'],
  'm.key_value.key': ['list_min(map_keys(m))', 'list_max(map_keys(m))'],
  'm.key_value.value': ['list_min(map_values(m))', 'list_max(map_values(m))'],
};

/** Expects every chunk's min/max to be DuckDB's min and max of its row group (of `rows` rows), and none for `unordered` leaves. */
async function expectStatistics(path: string, rows: number, unordered: string[]): Promise<void> {
  const stats = await chunkStatistics(path);
  const leaves = [...new Set(stats.map((s) => s.path))];
  for (const leaf of leaves) {
    const chunks = stats.filter((s) => s.path === leaf);
    if (unordered.includes(leaf)) {
      expect(chunks.map((s) => [s.min, s.max]), leaf).toEqual(chunks.map(() => [null, null]));
      continue;
    }
    const [lo, hi] = LEAF_EXPRESSIONS[leaf] ?? [`"${leaf}"`, `"${leaf}"`];
    const want = await query(
      `SELECT file_row_number // ${rows} AS row_group, min(${lo})::VARCHAR AS lo, max(${hi})::VARCHAR AS hi
       FROM read_parquet('${path}', file_row_number = true) GROUP BY row_group ORDER BY row_group`,
    );
    expect(chunks.map((s) => [s.min, s.max]), leaf).toEqual(want.map((w) => [w.lo, w.hi]));
    expect(chunks.every((s) => s.nulls !== null), leaf).toBe(true);
  }
}

const ALL_TYPES = `
  CASE WHEN i % 11 = 2 THEN NULL ELSE sin(i) * 100 END AS x,
  CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 37 % 256 - 128)::TINYINT END AS i8,
  ((i * 7919) % 65536 - 32768)::SMALLINT AS i16, ((i::BIGINT * 1000003) % 4294967296 - 2147483648)::INTEGER AS i32,
  CASE WHEN i % 5 = 0 THEN NULL ELSE (i - 2500)::BIGINT * 1234567890123456 END AS i64,
  (i * 5 % 256)::UTINYINT AS u8, (i * 31 % 65536)::USMALLINT AS u16, ((i::BIGINT * 2654435761) % 4294967296)::UINTEGER AS u32,
  CASE WHEN i % 2 = 0 THEN i::UBIGINT ELSE 18446744073709551615 - i::UBIGINT END AS u64,
  CASE i % 5 WHEN 0 THEN '-0.0'::FLOAT WHEN 1 THEN 3e38::FLOAT WHEN 2 THEN NULL ELSE (i / 3 - 500)::FLOAT END AS f32,
  CASE i % 5 WHEN 0 THEN '0.0'::DOUBLE WHEN 1 THEN -1e308 WHEN 2 THEN NULL ELSE i / 7 - 300 END AS f64,
  CASE WHEN i % 4 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
  CASE WHEN i % 9 = 4 THEN NULL ELSE 'héllo ' || (i * 7 % 1000) || ' 日本' END AS s,
  ('\\x00\\xFF' || (i * 3 % 1000))::BLOB AS blob,
  DATE '1969-12-25' + (i * 17 % 3000) AS d,
  TIMESTAMP '1960-01-01 00:00:00.123456' + (i * 13 % 5000) * INTERVAL 10 DAY AS ts,
  (TIMESTAMP '2000-01-01 00:00:00.123' + (i * 7 % 5000) * INTERVAL 1 DAY)::TIMESTAMP_MS AS ts_ms,
  (TIMESTAMP '2000-01-01 00:00:00' + (i * 7 % 5000) * INTERVAL 1 SECOND)::TIMESTAMP_NS AS ts_ns,
  TIME '01:02:03.456789' + (i * 11 % 5000) * INTERVAL 1 SECOND AS t,
  ((i % 100 - 50) * 1.25)::DECIMAL(4, 2) AS dec4, ((i * 7 % 5000 - 2500) * 123.457)::DECIMAL(9, 3) AS dec9,
  ((i * 7 % 5000 - 2500) * 1234567.123456)::DECIMAL(18, 6) AS dec18,
  ((i * 7 % 5000 - 2500)::VARCHAR || '2345678901234567.1234567891')::DECIMAL(38, 10) AS dec38,
  ('00000000-0000-4000-8000-' || lpad((i * 7 % 5000)::VARCHAR, 12, '0'))::UUID AS uuid,
  INTERVAL (i) DAY + INTERVAL (i % 13) MONTH AS iv,
  CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN [] ELSE [i * 3 % 1000, NULL, -i] END::INTEGER[] AS li,
  CASE WHEN i % 4 = 1 THEN NULL ELSE {'a': CASE WHEN i % 2 = 0 THEN NULL ELSE i * 3 % 997 END, 'b': 'x' || (i * 7 % 1000)} END AS st,
  CASE WHEN i % 4 = 2 THEN NULL ELSE MAP {'k' || (i * 3 % 1000): i % 500, 'z': NULL} END AS m`;

/** Arrow columns that do not come from Parquet: FLOAT16, a dictionary, unsigned 64-bit. */
function arrowTypes(rows: number): Table {
  const at = <T>(f: (i: number) => T) => Array.from({ length: rows }, (_, i) => f(i));
  const halves = Uint16Array.from(at((i) => [0x3c00, 0xbc00, 0x7b00, 0xfb00, 0x0001, 0x8001, 0x4248][(i * 5) % 7]! + (i % 11)));
  return new Table({
    x: vectorFromArray(at((i) => (i % 10 === 3 ? null : Math.cos(i))), new Float64()),
    h: makeVector(makeData({ type: new Float16(), length: rows, nullCount: 0, data: halves })),
    dict: vectorFromArray(at((i) => (i % 6 === 1 ? null : ['pear', 'apple', 'fig', 'Zebra', 'ärger'][(i * 3) % 5]!)), new Dictionary(new Utf8(), new Int32())),
    u64: vectorFromArray(at((i) => (i % 2 ? 2n ** 64n - 1n - BigInt(i) : BigInt(i))), new Uint64()),
  });
}

describe('statistics', () => {
  let types: string;
  beforeAll(async () => {
    types = join(dir, 'types.parquet');
    await query(`COPY (SELECT ${ALL_TYPES} FROM (SELECT range::INTEGER AS i FROM range(5000))) TO '${types}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  });

  test('every column chunk of every type has the min and max DuckDB computes for its row group (none for INTERVAL)', async () => {
    const out = join(dir, 'types-out.parquet');
    await ok(['apply', types, '--mode', 'train', '-c', 'x', '-o', out, '--row-group-size', '1000']);
    expect(await rowGroupRows(out)).toEqual([1000, 1000, 1000, 1000, 1000]);
    await expectStatistics(out, 1000, ['iv']);
    const orders = await columnOrders(out);
    expect(orders.length).toBe(new Set((await chunkStatistics(out)).map((s) => s.path)).size);
    expect(new Set(orders)).toEqual(new Set(['ColumnOrder(TYPE_ORDER=TypeDefinedOrder())']));
  });

  test('so do the chunks of a Polars-written input (dates, unsigned, categorical, lists), and of an Arrow input (FLOAT16, dictionaries)', async () => {
    const polars = join(dir, 'polars.parquet');
    polarsFrame(3000).writeParquet(polars, { compression: 'snappy' });
    const out = join(dir, 'polars-stats.parquet');
    await ok(['apply', polars, '--mode', 'train', '-c', 'f,g', '-o', out, '--row-group-size', '700']);
    await expectStatistics(out, 700, []);
    const input = join(dir, 'types.arrow');
    writeFileSync(input, tableToIPC(arrowTypes(1000), 'file'));
    const arrow = join(dir, 'arrow-stats.parquet');
    await ok(['apply', input, '--mode', 'train', '-c', 'x', '-o', arrow, '--row-group-size', '300']);
    expect((await describeParquet(arrow)).map(([name, type]) => `${name} ${type}`)).toEqual(['x DOUBLE', 'h FLOAT', 'dict VARCHAR', 'u64 UBIGINT']);
    await expectStatistics(arrow, 300, []);
  });

  test('DuckDB and Polars skip row groups by them: a query whose filter rules out a destroyed row group still answers', async () => {
    const sorted = join(dir, 'sorted.parquet');
    await query(`COPY (SELECT i::DOUBLE AS x, i::BIGINT AS k, (2147483000 + i * 10)::UINTEGER AS u, 'k' || lpad(i::VARCHAR, 6, '0') AS s,
      (DATE '2000-01-01' + i::INTEGER) AS d, ((i - 20000) * 0.125)::DECIMAL(18, 3) AS dec, ((i - 20000) * 0.5)::DECIMAL(30, 1) AS wide
      FROM range(40000) r(i)) TO '${sorted}' (FORMAT parquet, ROW_GROUP_SIZE 100000)`);
    const out = join(dir, 'sorted-out.parquet');
    await ok(['apply', sorted, '--mode', 'train', '-c', 'x', '-o', out, '--row-group-size', '10000']);
    const broken = join(dir, 'sorted-broken.parquet');
    await destroyRowGroup(out, 0, broken);
    const filters = ['k >= 10000', 'u > 2147583000', "s >= 'k010000'", "d >= DATE '2000-01-01' + 10000", 'dec >= -1250', 'wide >= -5000'];
    for (const filter of filters) {
      const count = async (path: string) => (await query(`SELECT count(*) AS n FROM read_parquet('${path}') WHERE ${filter}`))[0]!.n;
      expect(await count(broken), filter).toBe(await count(out));
    }
    await expect(query(`SELECT sum(k) FROM read_parquet('${broken}') WHERE k < 10000`)).rejects.toThrow();
    const polars = [
      pl.col('k').gtEq(pl.lit(10000).cast(pl.Int64)),
      pl.col('u').gtEq(pl.lit(2147583000).cast(pl.UInt32)),
      pl.col('s').gtEq(pl.lit('k010000')),
      pl.col('d').gtEq(pl.lit(new Date(Date.UTC(2027, 5, 1))).cast(pl.Date)),
    ];
    for (const filter of polars) {
      const height = (path: string) => pl.scanParquet(path).filter(filter).collectSync().height;
      expect(height(broken), String(filter)).toBe(height(out));
    }
    expect(() => pl.scanParquet(broken).filter(pl.col('k').lt(10000)).collectSync()).toThrow();
  });
});
