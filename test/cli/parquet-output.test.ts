/**
 * bn1d apply to Parquet, black box: every --compression codec read back by
 * DuckDB and Polars, the codec and row groups that follow the input by
 * default, --row-group-size, min/max statistics of every column type (equal
 * to DuckDB's own min and max, and used by DuckDB and Polars to skip row
 * groups), and the usage errors of both flags.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Dictionary, Field, Float16, Float64, Int32, makeData, makeVector, RecordBatch, RecordBatchFileWriter, Schema, Struct, Table, tableFromIPC, tableToIPC, Uint64, Utf8, vectorFromArray,
} from 'apache-arrow';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, test } from 'vitest';
import { fails, ok, ROOT, scratch, SHARED } from '../helpers/cli.js';
import { describeParquet, query } from '../helpers/duckdb.js';
import { chunkCodecs, chunkStatistics, columnOrders, destroyRowGroup, rowGroupRows } from '../helpers/parquet-meta.js';
import { realAsArrow } from '../helpers/tables.js';

const dir = scratch();
const WINE = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const CODECS = [['zstd', 'ZSTD'], ['snappy', 'SNAPPY'], ['gzip', 'GZIP'], ['brotli', 'BROTLI'], ['lz4', 'LZ4_RAW'], ['none', 'UNCOMPRESSED']] as const;
const POLARS_ROWS = 3000;

/** An input, the state fitted on it, and bn1d's Arrow output of it (the reference for normalized values). */
interface Case {
  input: string;
  state: string;
  features: string[];
  reference: Table;
}
const cases: Record<'wine' | 'polars', Case> = {} as never;
let wineArrow: string;

function polarsFrame(rows: number) {
  const at = (f: (i: number) => unknown) => Array.from({ length: rows }, (_, i) => f(i));
  return pl.DataFrame([
    pl.Series('id', at((i) => i), pl.Int64),
    pl.Series('f', at((i) => (i % 7 === 3 ? null : Math.sin(i) * 40 + 3)), pl.Float64),
    pl.Series('s', at((i) => (i % 5 === 1 ? null : `name ${(i * 13) % 101} é`)), pl.Utf8),
    pl.Series('g', at((i) => i / 3 - 100), pl.Float32),
    pl.Series('b', at((i) => (i % 4 === 0 ? null : i % 3 === 0)), pl.Bool),
    pl.Series('d', at((i) => new Date(Date.UTC(2020, 0, 1 + (i % 400)))), pl.Date),
    pl.Series('u', at((i) => 4294967295 - i * 1000), pl.UInt32),
    pl.Series('c', at((i) => ['red', 'green', null][i % 3]), pl.Categorical),
    pl.Series('li', at((i) => (i % 6 === 0 ? null : [i / 2, i % 4 ? null : -i])), pl.List(pl.Float64)),
  ]);
}

async function prepare(input: string, name: string, fitFlags: string[]): Promise<Case> {
  const state = join(dir, `${name}.json`);
  await ok(['fit', input, ...fitFlags, '-s', state, '-q']);
  const ref = join(dir, `${name}-reference.arrow`);
  await ok(['apply', input, '-s', state, '-o', ref, '-q']);
  const features = (JSON.parse(readFileSync(state, 'utf8')) as { features: string[] }).features;
  return { input, state, features, reference: tableFromIPC(readFileSync(ref)) };
}

beforeAll(async () => {
  const polars = join(dir, 'polars.parquet');
  polarsFrame(POLARS_ROWS).writeParquet(polars, { compression: 'snappy' });
  cases.wine = await prepare(WINE, 'wine', ['-x', 'target']);
  cases.polars = await prepare(polars, 'polars', ['-c', 'f,g']);
  wineArrow = (await realAsArrow('wine', dir)).arrow;
});

/** DuckDB's and Polars' reads of `out`: passthrough columns as they read the input, features as bn1d's Arrow output. */
async function expectSameReads(c: Case, out: string): Promise<void> {
  const [inRows, outRows] = [await query(`SELECT * FROM read_parquet('${c.input}')`), await query(`SELECT * FROM read_parquet('${out}')`)];
  const [inFrame, outFrame] = [pl.readParquet(c.input), pl.readParquet(out)];
  expect(outFrame.columns).toEqual(inFrame.columns);
  for (const name of inFrame.columns) {
    const duck = outRows.map((row) => row[name]);
    const polars = outFrame.getColumn(name).toArray();
    if (c.features.includes(name)) {
      const want = Array.from({ length: c.reference.numRows }, (_, i) => c.reference.getChild(name)!.get(i));
      expect(duck, `${name} by DuckDB`).toEqual(want);
      expect(polars, `${name} by Polars`).toEqual(want);
    } else {
      expect(duck, `${name} by DuckDB`).toEqual(inRows.map((row) => row[name]));
      expect(polars, `${name} by Polars`).toEqual(inFrame.getColumn(name).toArray());
    }
  }
}

describe('--compression', () => {
  test.each(CODECS)('%s: every column chunk is %s, and DuckDB and Polars read every value', async (name, codec) => {
    for (const c of [cases.wine, cases.polars]) {
      const out = join(dir, `${name}-${c.input.split('/').pop()}`);
      await ok(['apply', c.input, '-s', c.state, '-o', out, '--compression', name]);
      expect(await chunkCodecs(out)).toEqual([codec]);
      await expectSameReads(c, out);
    }
  });

  test('by default the output uses the codec of a Parquet input (LZ4 as LZ4_RAW), and SNAPPY for Arrow input', async () => {
    const gzip = join(dir, 'gzip-input.parquet');
    await query(`COPY (SELECT i::DOUBLE AS x, 'r' || i AS s FROM range(100) r(i)) TO '${gzip}' (FORMAT parquet, COMPRESSION gzip)`);
    const inputs: [string, string, string[]][] = [
      [WINE, 'ZSTD', ['-s', cases.wine.state]],
      [cases.polars.input, 'SNAPPY', ['-s', cases.polars.state]],
      [gzip, 'GZIP', ['--mode', 'train', '-c', 'x']],
      [join(SHARED, 'parquet-testing', 'hadoop_lz4_compressed.parquet'), 'LZ4_RAW', ['--mode', 'train', '-c', 'v11']],
      [wineArrow, 'SNAPPY', ['-s', cases.wine.state]],
    ];
    for (const [input, codec, flags] of inputs) {
      const out = join(dir, `default-${input.split('/').pop()}.parquet`);
      await ok(['apply', input, ...flags, '-o', out]);
      expect(await chunkCodecs(out), input).toEqual([codec]);
    }
  });
});

/** An Arrow IPC file of `rows` rows of x (float64) and s (utf8), in record batches of `batch` rows. */
function arrowInput(path: string, rows: number, batch: number): void {
  const schema = new Schema([new Field('x', new Float64(), true), new Field('s', new Utf8(), true)]);
  const writer = new RecordBatchFileWriter();
  writer.reset(undefined, schema);
  for (let at = 0; at < rows; at += batch) {
    const n = Math.min(batch, rows - at);
    const x = vectorFromArray(Array.from({ length: n }, (_, i) => ((at + i) % 9 === 4 ? null : (at + i) / 7)), new Float64()).data[0]!;
    const s = vectorFromArray(Array.from({ length: n }, (_, i) => `row ${at + i}`), new Utf8()).data[0]!;
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children: [x, s] })));
  }
  writer.finish();
  writeFileSync(path, writer.toUint8Array(true));
}

describe('row groups', () => {
  let groups: string;
  let arrow: string;
  beforeAll(async () => {
    groups = join(dir, 'groups.parquet');
    await query(`COPY (SELECT i::DOUBLE AS x, 'r' || i AS s FROM range(10000) r(i)) TO '${groups}' (FORMAT parquet, ROW_GROUP_SIZE 3000)`);
    arrow = join(dir, 'batches.arrow');
    arrowInput(arrow, 300_000, 1000);
  });
  const apply = (input: string, out: string, ...flags: string[]) => ok(['apply', input, '--mode', 'train', '-c', 'x', '-o', join(dir, out), ...flags]);

  test("a Parquet input's row groups stay row groups, however large", async () => {
    const big = join(dir, 'big-group.parquet');
    await query(`COPY (SELECT i::DOUBLE AS x FROM range(200000) r(i)) TO '${big}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)`);
    expect(await rowGroupRows(big)).toEqual([200_000]);
    await apply(big, 'big-out.parquet');
    expect(await rowGroupRows(join(dir, 'big-out.parquet'))).toEqual([200_000]);
    const input = await rowGroupRows(groups);
    expect(input.length).toBeGreaterThan(2);
    await apply(groups, 'groups-out.parquet');
    expect(await rowGroupRows(join(dir, 'groups-out.parquet'))).toEqual(input);
  });

  test('other inputs are gathered into row groups of 262,144 rows', async () => {
    await apply(arrow, 'arrow-out.parquet');
    expect(await rowGroupRows(join(dir, 'arrow-out.parquet'))).toEqual([262_144, 37_856]);
  });

  test('--row-group-size cuts exactly that many rows across input row groups and batches, in every mode', async () => {
    await apply(groups, 'rg-7000.parquet', '--row-group-size', '7000');
    expect(await rowGroupRows(join(dir, 'rg-7000.parquet'))).toEqual([7000, 3000]);
    await apply(arrow, 'rg-2500.parquet', '--row-group-size', '2500', '-b', '300');
    expect(await rowGroupRows(join(dir, 'rg-2500.parquet'))).toEqual(Array(120).fill(2500));
    await apply(arrow, 'rg-big.parquet', '--row-group-size', '1000000');
    expect(await rowGroupRows(join(dir, 'rg-big.parquet'))).toEqual([300_000]);
    const rows = await query(`SELECT count(*) AS n, count(DISTINCT s) AS d, min(s) AS lo FROM read_parquet('${join(dir, 'rg-2500.parquet')}')`);
    expect(rows).toEqual([{ n: '300000', d: '300000', lo: 'row 0' }]);
  });
});

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
    const out = join(dir, 'polars-stats.parquet');
    await ok(['apply', cases.polars.input, '-s', cases.polars.state, '-o', out, '--row-group-size', '700']);
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

describe('usage errors', () => {
  test.each([
    [['--compression', 'foo'], 'x.parquet', /--compression.*foo.*zstd/],
    [['--compression', 'zstd'], 'x.arrow', /--compression applies to Parquet outputs only; .*x\.arrow is an Arrow IPC file/],
    [['--row-group-size', '100'], '-', /--row-group-size applies to Parquet outputs only; standard output gets an Arrow IPC stream/],
    [['--row-group-size', '0'], 'x.parquet', /--row-group-size.*positive integer/],
    [['--row-group-size', '1.5'], 'x.parquet', /--row-group-size.*positive integer/],
  ])('%j with -o %s is exit 2 in one line, and writes nothing', async (flags, output, message) => {
    const out = output === '-' ? '-' : join(dir, `usage-${output}`);
    await fails(['apply', WINE, '-s', cases.wine.state, '-o', out, ...flags], 2, message);
    if (out !== '-') expect(existsSync(out)).toBe(false);
  });
});
