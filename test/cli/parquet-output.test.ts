/**
 * bn1d apply to Parquet, black box: every --compression codec read back by
 * DuckDB and Polars, the codec and row groups that follow the input by
 * default, --row-group-size, and the usage errors of both flags. The
 * statistics of the outputs are in test/io/parquet/statistics.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Float64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, type Table, tableFromIPC, Utf8, vectorFromArray } from 'apache-arrow';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, test } from 'vitest';
import { fails, ok, ROOT, scratch, SHARED } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { chunkCodecs, rowGroupRows } from '../helpers/parquet-meta.js';
import { polarsFrame } from '../helpers/polars-frame.js';
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

  test.each(CODECS)('%s: columns of nulls only (pages with no value bytes) read back, in bn1d and DuckDB', async (name) => {
    const input = join(dir, 'all-null.parquet');
    if (!existsSync(input)) {
      await query(`COPY (SELECT i::DOUBLE AS x, NULL::DOUBLE AS y, NULL::VARCHAR AS s FROM range(50) r(i)) TO '${input}' (FORMAT parquet)`);
    }
    const out = join(dir, `all-null-${name}.parquet`);
    await ok(['apply', input, '--mode', 'train', '-c', 'x', '-o', out, '--compression', name]);
    const again = join(dir, `all-null-${name}.arrow`);
    await ok(['apply', out, '--mode', 'train', '-c', 'x', '-o', again]);
    const table = tableFromIPC(readFileSync(again));
    expect([table.numRows, table.getChild('y')!.nullCount, table.getChild('s')!.nullCount]).toEqual([50, 50, 50]);
    expect(await query(`SELECT count(*) AS n, count(y) AS y, count(s) AS s FROM read_parquet('${out}')`)).toEqual([{ n: '50', y: '0', s: '0' }]);
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
