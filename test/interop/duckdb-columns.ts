/**
 * The columns of the Parquet files DuckDB writes for the writer × reader
 * matrix: one line per column, a name and the SQL of row i (a BIGINT from
 * range()), with nulls placed as in the other writers' tables.
 */

/** A DuckDB column: the SQL of row i, a cast applied after the nulls are placed, and notPolars when Polars cannot read it as it is. */
export interface DuckColumn {
  name: string;
  sql: string;
  cast?: string;
  notPolars?: true;
  /** Polars reads the Parquet column as binary, and its Arrow form (UTF-8 text) as a string. */
  textInArrow?: true;
}

/** The SQL run before the table: a uniform number in [0, 1) per row and column, and an ENUM type. */
export const DUCK_SETUP = [
  'CREATE OR REPLACE MACRO unit(i, k) AS (hash(i, k) % 1000003)::DOUBLE / 1000003',
  'DROP TYPE IF EXISTS mood',
  "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
];

const micros = (k: number, range: string) => `(hash(i, ${k}) % ${range})::BIGINT`;
const text = "CASE WHEN i % 50 = 1 THEN '' WHEN i % 3 = 0 THEN 's' || (i % 10) ELSE 'a longer string, row ' || i || ', név ✓' END";

export const DUCK_COLUMNS: DuckColumn[] = [
  { name: 'i8', sql: '(floor(unit(i, 1) * 256) - 128)::TINYINT' },
  { name: 'i16', sql: '(floor(unit(i, 2) * 65536) - 32768)::SMALLINT' },
  { name: 'i32', sql: '(floor(unit(i, 3) * 2001) - 1000)::INTEGER' },
  { name: 'i64', sql: '(hash(i, 4) >> 1)::BIGINT - 4611686018427387904' },
  { name: 'u8', sql: '(hash(i, 5) % 256)::UTINYINT' },
  { name: 'u16', sql: '(hash(i, 6) % 65536)::USMALLINT' },
  { name: 'u32', sql: '(hash(i, 7) % 4294967296)::UINTEGER' },
  { name: 'u64', sql: 'hash(i, 8)' },
  { name: 'f32', sql: '((unit(i, 10) - 0.3) * 50)::FLOAT' },
  { name: 'f64', sql: '1e4 + (unit(i, 11) - 0.5) * 100 + i * 1e-3' },
  { name: 'f64_special', sql: "CASE i % 97 WHEN 0 THEN 'NaN'::DOUBLE WHEN 1 THEN '-0'::DOUBLE WHEN 2 THEN 'inf'::DOUBLE WHEN 3 THEN '-inf'::DOUBLE WHEN 4 THEN 5e-324 ELSE unit(i, 12) * 1e300 END" },
  { name: 'bool', sql: 'unit(i, 13) < 0.5' },
  { name: 'str', sql: text },
  { name: 'blob', sql: "unhex(left(printf('%016x', hash(i, 14)), 2 * (i % 9)::INTEGER))" },
  { name: 'enum', sql: "(['sad', 'ok', 'happy'])[i % 3 + 1]::mood" },
  { name: 'uuid', sql: 'md5(i::VARCHAR)::UUID' },
  { name: 'json', sql: `('{"row": ' || i || ', "s": "' || (i % 7) || '"}')::JSON`, textInArrow: true },
  { name: 'date', sql: "DATE '1970-01-01' + (floor(unit(i, 15) * 40000) - 10000)::INTEGER" },
  { name: 'time', sql: `TIME '00:00:00' + to_microseconds(${micros(24, '86400000000')})` },
  { name: 'time_tz', sql: `(TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_microseconds(${micros(25, '86400000000')}))::TIMETZ` },
  { name: 'ts', sql: `make_timestamp(${micros(19, '4000000000000000')} - 1000000000000000)` },
  { name: 'ts_s', sql: `make_timestamp(${micros(17, '4000000000000000')})::TIMESTAMP_S` },
  { name: 'ts_ms', sql: `make_timestamp(${micros(18, '4000000000000000')})::TIMESTAMP_MS` },
  { name: 'ts_ns', sql: `make_timestamp_ns(${micros(20, '4000000000000000000')} - 1000000000000000000)` },
  { name: 'ts_tz', sql: `make_timestamp(${micros(22, '4000000000000000')})::TIMESTAMPTZ` },
  { name: 'interval', sql: `to_months((i % 400)::INTEGER) + to_days((i % 31)::INTEGER) + to_milliseconds(${micros(26, '86400000')})`, notPolars: true },
  { name: 'dec4', sql: '((floor(unit(i, 34) * 19999) - 9999)::DECIMAL(5, 0) / 10)::DECIMAL(4, 1)' },
  { name: 'dec18', sql: `(${micros(35, '1999999999999999')} - 999999999999999)::DECIMAL(18, 0) * 0.001` },
  { name: 'dec38', sql: '(((hash(i, 36) % 100000000000000000)::HUGEINT * 10000000000 + i * 7 - 500000000000000000000000000)::DECIMAL(38, 0) * 0.0000000001)::DECIMAL(38, 10)' },
  { name: 'lst', sql: 'list_transform(range(i % 5), lambda j: CASE WHEN (i + j) % 29 = 0 THEN NULL ELSE (unit(i, 37 + j) - 0.5) * 8 + 2 END)::DOUBLE[]' },
  { name: 'lst_str', sql: "list_transform(range(i % 4), lambda j: CASE WHEN (i + j) % 23 = 0 THEN NULL ELSE 'x' || j || i END)" },
  { name: 'lst_lst', sql: 'list_transform(range(i % 3), lambda j: list_transform(range(j), lambda m: (i + m)::INTEGER))' },
  { name: 'arr', sql: 'list_transform(range(3), lambda j: CASE WHEN (i + j) % 31 = 0 THEN NULL ELSE unit(i, 42 + j) * 20 - 5 END)::FLOAT[]', cast: 'FLOAT[3]' },
  { name: 'struct', sql: "{'a': i::INTEGER, 'b': CASE WHEN i % 9 = 0 THEN NULL ELSE 'b' || i END}" },
  { name: 'lst_struct', sql: "list_transform(range(i % 3), lambda j: {'k': j::INTEGER, 'v': 'v' || (i + j)})" },
  // Polars reads a null MAP of a file without ARROW:schema as an empty map (and bn1d's outputs, which have one, as null):
  // DuckDB's cells compare this column.
  { name: 'map', sql: "map_from_entries(list_transform(range(i % 3), lambda j: {'key': 'k' || j, 'value': (i + j)::INTEGER}))", notPolars: true },
  { name: 'union', sql: "CASE WHEN i % 2 = 0 THEN i::INTEGER::UNION(n INTEGER, s VARCHAR) ELSE ('s' || i)::UNION(n INTEGER, s VARCHAR) END" },
];

/** The SELECT that makes the table: every column, null every 17th row at a different phase per column. */
export function duckSelect(rows: number): string {
  const columns = DUCK_COLUMNS.map((c, k) => {
    const value = `CASE WHEN (i + ${3 * k}) % 17 = 0 THEN NULL ELSE ${c.sql} END`;
    return `${c.cast ? `(${value})::${c.cast}` : value} AS ${c.name}`;
  });
  return `SELECT ${columns.join(',\n  ')}\nFROM range(${rows}) r(i)`;
}
