/**
 * Key-value metadata through `bn1d apply`: a Parquet input's entries reach
 * every output (Parquet key-value metadata, Arrow schema metadata), with
 * pandas metadata following the normalized columns; every Parquet output
 * gets an ARROW:schema, also from DuckDB-written and Arrow IPC inputs; an
 * ARROW:schema that cannot be read is one warning, not a failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dictionary, Field, Float64, Int16, Int64, RecordBatch, Schema, Table, tableFromIPC, tableToIPC, TimeSecond, Uint8, Utf8, vectorFromArray } from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { duckdb, queryText, readParquet } from '../io/parquet/helpers.js';
import { bn1d, ok, scratch } from '../helpers/cli.js';
import { polarsTypes, readWithPolars } from '../helpers/polars-table.js';

let dir: string;

beforeAll(() => {
  dir = scratch();
});

/** The key-value metadata of a Parquet file, as DuckDB reads it. */
async function keyValues(path: string): Promise<Record<string, string>> {
  const rows = await queryText(await duckdb(), `SELECT decode(key), decode(value) FROM parquet_kv_metadata('${path}')`);
  return Object.fromEntries(rows.map(([key, value]) => [key!, value!]));
}

/** DuckDB writes `select` to `name` with key-value metadata `kv` (a DuckDB struct literal). */
async function duckParquet(name: string, select: string, kv?: string): Promise<string> {
  const path = join(dir, name);
  await (await duckdb()).run(`COPY (${select}) TO '${path}' (FORMAT parquet${kv ? `, KV_METADATA ${kv}` : ''})`);
  return path;
}

const PANDAS = {
  index_columns: [],
  columns: [
    { name: 'n', field_name: 'n', pandas_type: 'int64', numpy_type: 'Int64', metadata: null },
    { name: 's', field_name: 's', pandas_type: 'unicode', numpy_type: 'object', metadata: null },
    { name: 'd', field_name: 'd', pandas_type: 'decimal', numpy_type: 'object', metadata: { precision: 9, scale: 2 } },
  ],
  pandas_version: '2.2.0',
};

describe('a Parquet input with key-value metadata', () => {
  let input: string;
  beforeAll(async () => {
    const pandas = JSON.stringify(PANDAS).replaceAll("'", "''");
    input = await duckParquet('kv.parquet', "SELECT i::BIGINT AS n, 'v' || i AS s, (i / 4)::DECIMAL(9, 2) AS d FROM range(10) r(i)", `{origin: 'lab 7', pandas: '${pandas}'}`);
  });

  test('keeps it in Parquet outputs, with an ARROW:schema, and pandas metadata typing the normalized columns as floats', async () => {
    const output = join(dir, 'kv-out.parquet');
    await ok(['apply', input, '--mode', 'train', '-c', 'n,d', '-o', output, '-q']);
    const kv = await keyValues(output);
    expect(Object.keys(kv)).toEqual(['origin', 'pandas', 'ARROW:schema']);
    expect(kv.origin).toBe('lab 7');
    const columns = (JSON.parse(kv.pandas!) as typeof PANDAS).columns;
    expect(columns).toEqual([
      { name: 'n', field_name: 'n', pandas_type: 'float32', numpy_type: 'float32', metadata: null },
      PANDAS.columns[1],
      { name: 'd', field_name: 'd', pandas_type: 'float32', numpy_type: 'float32', metadata: null },
    ]);
    expect(JSON.parse(kv.pandas!)).toMatchObject({ index_columns: [], pandas_version: '2.2.0' });
    const back = await readParquet(output);
    expect([...back.schema.metadata.keys()]).toEqual(['origin', 'pandas']);
  });

  test.each(['arrow', 'arrows'])('keeps it as the schema metadata of .%s outputs', async (format) => {
    const output = join(dir, `kv-out.${format}`);
    await ok(['apply', input, '--mode', 'train', '-c', 'n', '-o', output, '-q']);
    const metadata = tableFromIPC(readFileSync(output)).schema.metadata;
    expect(metadata.get('origin')).toBe('lab 7');
    expect((JSON.parse(metadata.get('pandas')!) as typeof PANDAS).columns[0]!.numpy_type).toBe('float32');
  });
});

describe('a DuckDB-written Parquet file (no ARROW:schema)', () => {
  test('normalized into Parquet, gets one, and reads back in Polars with the types of the input', async () => {
    const input = await duckParquet(
      'duck.parquet',
      `SELECT i::INTEGER AS x, i::TINYINT AS i8, i::UBIGINT AS u64, 'row ' || i AS s,
        TIMESTAMPTZ '2024-03-01 10:00:00+00' + i * INTERVAL 1 HOUR AS tstz, TIMESTAMP '2024-03-01' + i * INTERVAL 1 SECOND AS ts,
        DATE '2024-03-01' + i::INTEGER AS d, TIME '10:00:00' + i * INTERVAL 1 MINUTE AS t, (i / 8)::DECIMAL(10, 3) AS dec,
        [i, i + 1]::BIGINT[] AS l, {'a': i, 'b': 's' || i} AS st, CASE WHEN i % 3 = 0 THEN NULL ELSE i / 2 END AS f
        FROM range(50) r(i)`,
    );
    const output = join(dir, 'duck-out.parquet');
    await ok(['apply', input, '--mode', 'train', '-c', 'x,l,f', '-o', output, '-q']);
    expect(Object.keys(await keyValues(input))).toEqual([]);
    expect(Object.keys(await keyValues(output))).toEqual(['ARROW:schema']);
    expect(polarsTypes(readWithPolars(output))).toEqual({
      ...polarsTypes(readWithPolars(input)),
      x: 'DataType(Float32)',
      l: 'DataType(List(DataType(Float32)))',
      f: 'DataType(Float64)',
    });
  });
});

describe('an Arrow IPC input with schema metadata and dictionary columns', () => {
  test('normalized into Parquet, reads back in Polars as Categorical, and keeps the metadata', async () => {
    const table = new Table({
      x: vectorFromArray([1.5, 2, null, 4, 5.5, 6], new Float64()),
      kind: vectorFromArray(['a', 'b', 'a', null, 'c', 'b'], new Dictionary(new Utf8(), new Int16())),
      code: vectorFromArray(['z', 'z', 'y', 'y', null, 'x'], new Dictionary(new Utf8(), new Uint8())),
      n: vectorFromArray([1n, 2n, 3n, 4n, 5n, 6n], new Int64()),
    });
    const schema = new Schema(table.schema.fields.map((f) => new Field(f.name, f.type, f.nullable)), new Map([['source', 'ipc test']]));
    const input = join(dir, 'dict.arrow');
    writeFileSync(input, tableToIPC(new Table(table.batches.map((b) => new RecordBatch(schema, b.data))), 'file'));
    const output = join(dir, 'dict-out.parquet');
    await ok(['apply', input, '--mode', 'train', '-c', 'x', '-o', output, '-q']);
    const polars = readWithPolars(output);
    expect(polarsTypes(polars)).toEqual({ x: 'DataType(Float64)', kind: 'DataType(Categorical)', code: 'DataType(Categorical)', n: 'DataType(Int64)' });
    expect(polars.getColumn('kind').toArray()).toEqual(['a', 'b', 'a', null, 'c', 'b']);
    expect(polars.getColumn('code').toArray()).toEqual(['z', 'z', 'y', 'y', null, 'x']);
    expect((await keyValues(output)).source).toBe('ipc test');
    const back = await readParquet(output);
    expect(back.schema.fields.map((f) => String(f.type))).toEqual(['Float64', 'Dictionary<Int16, Utf8>', 'Dictionary<Uint8, Utf8>', 'Int64']);
  });
});

describe('an Arrow IPC input with times in seconds', () => {
  test('normalized into Parquet (which holds them in milliseconds), reads back in Polars as the same times', async () => {
    const seconds = [8455, 60, null, 86_399, 0];
    const table = new Table({
      x: vectorFromArray([1.5, 2, 3, 4, 5.5], new Float64()),
      t: vectorFromArray(seconds, new TimeSecond()),
    });
    const input = join(dir, 'seconds.arrow');
    writeFileSync(input, tableToIPC(table, 'file'));
    const output = join(dir, 'seconds-out.parquet');
    await ok(['apply', input, '--mode', 'train', '-c', 'x', '-o', output, '-q']);
    expect(readWithPolars(output).getColumn('t').toArray()).toEqual(readWithPolars(input).getColumn('t').toArray());
    expect(readWithPolars(output).getColumn('t').toArray()).toEqual(['02:20:55', '00:01:00', null, '23:59:59', '00:00:00']);
  });
});

describe('an ARROW:schema that cannot be read', () => {
  let input: string;
  beforeAll(async () => {
    input = await duckParquet('corrupt.parquet', 'SELECT i::DOUBLE AS x, i::VARCHAR AS s FROM range(8) r(i)', "{'ARROW:schema': 'bm90IGEgc2NoZW1h', kept: 'yes'}");
  });

  test.each([
    ['apply', (out: string) => ['apply', input, '--mode', 'train', '-o', out]],
    ['fit over two epochs', (out: string) => ['fit', input, '-e', '2', '-s', out]],
  ])('%s: one warning line, and the Parquet types', async (_, args) => {
    const output = join(dir, `corrupt-${_.split(' ')[0]}.${_ === 'apply' ? 'parquet' : 'json'}`);
    const run = await bn1d([...args(output), '-q']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^bn1d: warning: [^\n]*corrupt\.parquet: its ARROW:schema cannot be read \([^\n]*\); reading the Parquet types instead\n$/);
    if (_ === 'apply') {
      const kv = await keyValues(output);
      expect(kv.kept).toBe('yes');
      expect(kv['ARROW:schema']).not.toBe('bm90IGEgc2NoZW1h');
    }
  });
});
