/**
 * Fields named "" (DuckDB writes a UNION to Parquet as a struct whose tag
 * field has the empty name) keep their name in every output: Polars refuses
 * an Arrow schema with a nameless field, and apache-arrow's encoder leaves
 * empty names out unless told otherwise (src/io/arrow/field-names.ts).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ok, scratch } from '../helpers/cli.js';
import { readWithPolars } from '../helpers/polars-table.js';
import { query } from '../helpers/duckdb.js';

const dir = scratch();
const input = join(dir, 'union.parquet');
const state = join(dir, 'state.json');

beforeAll(async () => {
  await query(`COPY (SELECT i::DOUBLE AS x,
      CASE WHEN i % 3 = 0 THEN union_value(num := i::INTEGER)::UNION(num INTEGER, str VARCHAR)
           ELSE union_value(str := 's' || i)::UNION(num INTEGER, str VARCHAR) END AS u
    FROM range(1000) t(i)) TO '${input}' (FORMAT parquet)`);
  await ok(['fit', input, '-c', 'x', '-s', state, '-q']);
});

describe('a struct field named ""', () => {
  test.each(['parquet', 'arrow', 'arrows'])('passes through to .%s, and Polars reads it with its name', async (format) => {
    const output = join(dir, `out.${format}`);
    await ok(['apply', input, '-s', state, '-o', output, '-q']);
    const frame = readWithPolars(output);
    const before = readWithPolars(input);
    expect(String(frame.getColumn('u').dtype)).toBe(String(before.getColumn('u').dtype));
    expect(frame.getColumn('u').toArray()).toEqual(before.getColumn('u').toArray());
    expect((frame.getColumn('u').toArray()[3] as unknown as Record<string, unknown>)['']).toBe(0);
  });
});
