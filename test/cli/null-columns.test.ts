/**
 * Null-typed columns (all values null: Polars' pl.lit(null), Arrow's Null)
 * pass through every output: Parquet stores them as INT32 with the NULL
 * logical type, as Arrow C++ and Polars write them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Float64, makeData, Null, RecordBatch, Schema, Struct, tableToIPC, Table, vectorFromArray } from 'apache-arrow';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, test } from 'vitest';
import { ok, scratch } from '../helpers/cli.js';
import { readWithPolars } from '../helpers/polars-table.js';
import { query } from '../helpers/duckdb.js';

const dir = scratch();
const ROWS = 70_000;
const state = join(dir, 'state.json');

beforeAll(async () => {
  const x = Array.from({ length: ROWS }, (_, i) => (i % 9 === 0 ? null : i / 7));
  pl.DataFrame({ x }).withColumns(pl.lit(null).alias('nothing')).writeParquet(join(dir, 'polars.parquet'));
  const schema = new Schema([new Field('x', new Float64(), true), new Field('nothing', new Null(), true)]);
  const batch = new RecordBatch(schema, makeData({
    type: new Struct(schema.fields),
    length: ROWS,
    children: [vectorFromArray(x, new Float64()).data[0]!, makeData({ type: new Null(), length: ROWS })],
  }));
  writeFileSync(join(dir, 'arrow.arrow'), tableToIPC(new Table([batch]), 'file'));
  await ok(['fit', join(dir, 'polars.parquet'), '-c', 'x', '-s', state, '-q']);
});

describe('a Null column', () => {
  test.each([
    ['polars.parquet', 'parquet'], ['polars.parquet', 'arrow'], ['polars.parquet', 'arrows'],
    ['arrow.arrow', 'parquet'], ['arrow.arrow', 'arrows'],
  ])('from %s to .%s stays Null with every row null, read by Polars', async (input, format) => {
    const output = join(dir, `${input}-out.${format}`);
    await ok(['apply', join(dir, input), '-s', state, '-o', output, '-q']);
    const frame = readWithPolars(output);
    expect(String(frame.getColumn('nothing').dtype)).toBe('DataType(Null)');
    expect([frame.height, frame.getColumn('nothing').nullCount()]).toEqual([ROWS, ROWS]);
    if (format === 'parquet') {
      const [row] = await query(`SELECT count(*) AS n, count(nothing) AS values FROM read_parquet('${output}')`);
      expect(row).toEqual({ n: String(ROWS), values: '0' });
      const [element] = await query(`SELECT type, logical_type FROM parquet_schema('${output}') WHERE name = 'nothing'`);
      expect(element).toEqual({ type: 'INT32', logical_type: 'NullType()' });
    }
  });
});
