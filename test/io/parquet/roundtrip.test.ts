/**
 * Parquet -> Arrow -> Parquet is lossless: every READ file of the corpus,
 * written back with the reader's schema elements, has the same schema
 * elements and the same values bit for bit (checked with this reader), and
 * DuckDB, an independent reader, sees the same types and the same rows.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { afterAll, describe, expect, test } from 'vitest';
import {
  duckDifference, duckdb, duckTypes, PARQUET_TESTING, queryText, readParquet, removeTempDirs, tableImage, tempDir, TESTDATA, writeParquet,
} from './helpers.js';
import { ROOT } from '../../helpers/cli.js';

afterAll(removeTempDirs);

/** Files DuckDB itself cannot read (codec or layout it lacks); only this reader checks their round trip. */
const DUCKDB_CANNOT_READ = new Set([
  'hadoop_lz4_compressed.parquet', 'hadoop_lz4_compressed_larger.parquet', 'non_hadoop_lz4_compressed.parquet',
  'byte_stream_split_extended.gzip.parquet', 'map_no_value.parquet', 'ARROW-17100.parquet',
]);

const corpus = readdirSync(PARQUET_TESTING)
  .filter((file) => file.endsWith('.parquet') && !['large_string_map.brotli.parquet', 'nation.dict-malformed.parquet'].includes(file))
  .map((file) => join(PARQUET_TESTING, file))
  .concat(['ARROW-17100.parquet', 'alltypes-java.parquet', 'generated_simple_numerics/blogs.parquet'].map((f) => join(TESTDATA, 'arrow-testing', 'parquet', f)));

/**
 * The elements as written: INTEGER logical types become their converted type
 * (see fileSchema), and a logical type unknown to the format is dropped.
 */
function asWritten(elements: readonly SchemaElement[]): SchemaElement[] {
  return elements.map((element) => {
    const { logical_type, converted_type, ...rest } = element;
    const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as unknown as SchemaElement;
    if (logical_type?.type === 'INTEGER') return { ...clean, converted_type: `${logical_type.isSigned ? 'INT' : 'UINT'}_${logical_type.bitWidth}` as never };
    return {
      ...clean,
      ...(converted_type ? { converted_type } : {}),
      ...(typeof logical_type?.type === 'string' ? { logical_type } : {}),
    };
  });
}

describe('every READ file round-trips', () => {
  const dir = tempDir();
  test.each(corpus.map((path) => [path.split('/').pop()!, path]))('%s', async (file, path) => {
    const original = await readParquet(path);
    const out = join(dir, file);
    const rowGroupRows = original.batches.map((b) => b.numRows);
    writeFileSync(out, await writeParquet(original.schema, original.batches, { parquetColumns: original.parquetColumns, ...(rowGroupRows.length ? { rowGroupRows } : {}) }));
    const copy = await readParquet(out);

    expect(copy.schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable}`)).toEqual(original.schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable}`));
    for (const [name, elements] of original.parquetColumns) {
      expect(asWritten(copy.parquetColumns.get(name)!), name).toEqual(asWritten(elements));
    }
    expect(copy.numRows).toBe(original.numRows);
    expect(copy.batches.map((b) => b.numRows)).toEqual(original.batches.map((b) => b.numRows));
    expect(tableImage(copy.batches, copy.schema)).toEqual(tableImage(original.batches, original.schema));

    const db = await duckdb();
    if (DUCKDB_CANNOT_READ.has(file)) {
      if (file !== 'map_no_value.parquet') {
        expect(await queryText(db, `SELECT count(*) FROM read_parquet('${out}')`)).toEqual([[String(original.numRows)]]);
      }
      return;
    }
    expect(await duckTypes(db, out)).toEqual(await duckTypes(db, path));
    expect(await duckDifference(db, path, out)).toEqual([0, 0]);
  });
});

describe('real tables (ZSTD, written by DuckDB)', () => {
  test.each(['wine', 'digits', 'breast_cancer', 'diabetes'])('%s.parquet holds exactly the values of %s.csv', async (name) => {
    const [header, ...rows] = readFileSync(join(ROOT, 'fixtures', 'real', `${name}.csv`), 'utf8').trim().split('\n').map((line) => line.split(','));
    const { schema, batches } = await readParquet(join(ROOT, 'fixtures', 'real', `${name}.parquet`));
    expect(schema.fields.map((f) => f.name)).toEqual(header);
    schema.fields.forEach((field, c) => {
      const got = batches.flatMap((b) => Array.from(b.getChild(field.name)!.toArray() as ArrayLike<number | bigint>));
      const expected = rows.map((row) => (String(field.type) === 'Int64' ? BigInt(row[c]!) : Number(row[c]!)));
      expect(got, field.name).toEqual(expected);
    });
  });
});
