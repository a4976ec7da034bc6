/**
 * The ARROW:schema bn1d writes never makes Polars read a file differently
 * than it reads the input: every file of apache/parquet-testing that Polars
 * reads, rewritten by bn1d, reads in Polars with the same dtypes and values
 * (INT96 timestamps included, which Polars cannot read as the bytes bn1d
 * keeps). The exceptions are files where Polars' own reading of the input
 * departs from the Parquet format's rules, which bn1d (like pyarrow and
 * DuckDB) follows.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { pl, polarsTypes } from '../../helpers/polars-table.js';
import { PARQUET_TESTING, readParquet, removeTempDirs, tempDir, writeParquet } from './helpers.js';

afterAll(removeTempDirs);

/** Files Polars reads otherwise than the format says, and what it gets wrong. */
const POLARS_DEPARTS: Record<string, string> = {
  'map_no_value.parquet': 'a MAP group without values, read as a list of keys',
  'nested_maps.snappy.parquet': 'null maps inside maps, read as empty maps',
  'nullable.impala.parquet': 'null maps inside lists, read as empty maps',
  'nested_structs.rust.parquet': 'legacy TIMESTAMP_MICROS, adjusted to UTC, read without a timezone',
  'old_list_structure.parquet': 'a 2-level legacy list, read as a list of structs',
  'repeated_primitive_no_list.parquet': 'repeated fields without a LIST group, read as empty lists',
};

/** Polars' frame of a file, or undefined when Polars cannot read it (or show its types). */
function polarsRead(path: string): pl.DataFrame | undefined {
  try {
    const frame = pl.readParquet(readFileSync(path));
    polarsTypes(frame);
    return frame;
  } catch {
    return undefined;
  }
}

const corpus = readdirSync(PARQUET_TESTING).filter((file) => file.endsWith('.parquet') && polarsRead(join(PARQUET_TESTING, file)));

test('Polars reads most of the corpus (the test has files to compare)', () => {
  expect(corpus.length).toBeGreaterThan(40);
});

test.each(corpus)('%s', async (file) => {
  const path = join(PARQUET_TESTING, file);
  let original;
  try {
    original = await readParquet(path);
  } catch (error) {
    expect(error, 'bn1d refuses it in one line (the corpus test says why)').toBeInstanceOf(DataError);
    return;
  }
  const copy = join(tempDir(), file);
  writeFileSync(copy, await writeParquet(original.schema, original.batches, { parquetColumns: original.parquetColumns }));
  const before = polarsRead(path)!;
  const after = polarsRead(copy);
  expect(after, 'Polars reads the copy').toBeDefined();
  if (POLARS_DEPARTS[file]) return;
  expect(polarsTypes(after!)).toEqual(polarsTypes(before));
  expect(after!.frameEqual(before, true)).toBe(true);
});
