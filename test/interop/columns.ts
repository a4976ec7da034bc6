/**
 * The columns of the tables that Polars and apache-arrow write for the
 * writer × reader matrix: one line per column, with its Arrow type, the value
 * of row i and the writers that produce it. Polars reads the table as Arrow
 * and writes its own types from it (String, Categorical, Enum, Array...).
 */
import {
  Binary, Bool, type DataType, DateDay, DateMillisecond, Decimal, DenseUnion, Dictionary, DurationMicrosecond, DurationMillisecond,
  DurationNanosecond, DurationSecond, Field, FixedSizeBinary, FixedSizeList, Float16, Float32, Float64, Int8, Int16, Int32, Int64,
  IntervalDayTime, IntervalMonthDayNano, IntervalYearMonth, LargeBinary, LargeUtf8, List, Map_, Null, SparseUnion, Struct,
  TimeMicrosecond, TimeMillisecond, TimeNanosecond, TimeSecond, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond,
  TimestampSecond, Uint8, Uint16, Uint32, Uint64, Utf8,
} from 'apache-arrow';

/** Rows of every input: more than 65,536, so that 16-bit limits show. */
export const ROWS = 100_000;
/** Rows per record batch and per row group of the inputs. */
export const BATCH_ROWS = 30_000;
/** The features chosen with -c, in channel order: every writer has these five names. */
export const FEATURES = ['i32', 'f32', 'f64', 'lst', 'arr'];

/** A uniform number in [0, 1) for row i of column k, the same on every run. */
export function unit(i: number, k: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 2 ** 32;
}

/** Whether row i of the k-th column is null: every 17th row, at a different phase per column. */
export function isNull(i: number, k: number): boolean {
  return (i + 3 * k) % 17 === 0;
}

export interface TableColumn {
  name: string;
  type: () => DataType;
  /**
   * The value of row i (where it is not null). For `raw` columns, what the
   * buffer holds: a number or bigint, a bigint for decimals, the words of an
   * interval; otherwise a value for apache-arrow's builders.
   */
  value: (i: number) => unknown;
  raw?: true;
  /**
   * The tables that have the column: Polars' and apache-arrow's ('both'),
   * one of them, or the apache-arrow table of types Parquet has no form for
   * ('arrow-only', beside the features).
   */
  by: 'both' | 'polars' | 'arrow' | 'arrow-only';
  metadata?: Record<string, string>;
  /** Polars cannot read the type: the Polars reader leaves the column out. */
  notPolars?: true;
}

const f = (name: string, type: DataType, nullable = true) => new Field(name, type, nullable);
const u = (i: number, k: number, scale: number) => Math.floor(unit(i, k) * scale);
const big = (i: number, k: number) => BigInt(u(i, k, 2 ** 32)) * 2n ** 21n + BigInt(u(i, k + 50, 2 ** 21));
const items = (i: number, n: number, value: (j: number) => unknown, nullEvery = 0) =>
  Array.from({ length: n }, (_, j) => (nullEvery && (i + j) % nullEvery === 0 ? null : value(j)));
const text = (i: number) => (i % 50 === 1 ? '' : i % 3 === 0 ? `s${i % 10}` : `a longer string, row ${i}, név ✓`);
const CATEGORIES = ['red', 'green', 'blue', 'a category name longer than twelve bytes'];
const MOODS = ['sad', 'ok', 'happy'];
const union = () => [f('n', new Int32()), f('s', new Utf8())];

export const TABLE_COLUMNS: TableColumn[] = [
  { name: 'i8', type: () => new Int8(), value: (i) => u(i, 1, 256) - 128, by: 'both' },
  { name: 'i16', type: () => new Int16(), value: (i) => u(i, 2, 65536) - 32768, by: 'both' },
  { name: 'i32', type: () => new Int32(), value: (i) => u(i, 3, 2001) - 1000, by: 'both' },
  { name: 'i64', type: () => new Int64(), value: (i) => big(i, 4) * 1024n - 2n ** 62n, by: 'both' },
  { name: 'u8', type: () => new Uint8(), value: (i) => u(i, 5, 256), by: 'both' },
  { name: 'u16', type: () => new Uint16(), value: (i) => u(i, 6, 65536), by: 'both' },
  { name: 'u32', type: () => new Uint32(), value: (i) => u(i, 7, 2 ** 32), by: 'both' },
  { name: 'u64', type: () => new Uint64(), value: (i) => (BigInt(u(i, 8, 2 ** 32)) << 32n) | BigInt(i), by: 'both' },
  { name: 'f16', type: () => new Float16(), value: (i) => u(i, 9, 1000) / 8, by: 'both' },
  { name: 'f32', type: () => new Float32(), value: (i) => Math.fround((unit(i, 10) - 0.3) * 50), by: 'both' },
  { name: 'f64', type: () => new Float64(), value: (i) => 1e4 + (unit(i, 11) - 0.5) * 100 + i * 1e-3, by: 'both' },
  { name: 'f64_special', type: () => new Float64(), value: (i) => [NaN, -0, Infinity, -Infinity, 5e-324][i % 97] ?? unit(i, 12) * 1e300, by: 'both' },
  { name: 'bool', type: () => new Bool(), value: (i) => unit(i, 13) < 0.5, by: 'both' },
  { name: 'str', type: () => new Utf8(), value: text, by: 'both' },
  { name: 'large_str', type: () => new LargeUtf8(), value: text, by: 'arrow' },
  { name: 'bin', type: () => new Binary(), value: (i) => Uint8Array.from({ length: i % 20 }, (_, j) => (i * j) & 255), by: 'both' },
  { name: 'large_bin', type: () => new LargeBinary(), value: (i) => Uint8Array.from({ length: i % 7 }, (_, j) => (i + j) & 255), by: 'arrow' },
  { name: 'fixed_bin', type: () => new FixedSizeBinary(16), value: (i) => Uint8Array.from({ length: 16 }, (_, j) => (i >> j) & 255), by: 'arrow' },
  { name: 'cat', type: () => new Dictionary(new Utf8(), new Int32()), value: (i) => CATEGORIES[u(i, 14, 4)], by: 'both' },
  { name: 'dict_i8', type: () => new Dictionary(new Utf8(), new Int8()), value: (i) => CATEGORIES[i % 4], by: 'arrow' },
  { name: 'dict_int', type: () => new Dictionary(new Int32(), new Int16()), value: (i) => (i % 5) * 1000, by: 'arrow' },
  { name: 'enum', type: () => new Dictionary(new Utf8(), new Uint32()), value: (i) => MOODS[i % 3], by: 'polars', metadata: { _PL_ENUM_VALUES2: '3;sad2;ok5;happy' } },
  { name: 'date', type: () => new DateDay(), value: (i) => u(i, 15, 40000) - 10000, raw: true, by: 'both' },
  { name: 'date_ms', type: () => new DateMillisecond(), value: (i) => BigInt(u(i, 16, 40000) - 10000) * 86_400_000n, raw: true, by: 'arrow' },
  { name: 'ts_s', type: () => new TimestampSecond('Europe/Berlin'), value: (i) => BigInt(u(i, 17, 4e9)) - 10n ** 9n, raw: true, by: 'arrow' },
  { name: 'ts_ms', type: () => new TimestampMillisecond(), value: (i) => BigInt(u(i, 18, 4e12)) - 10n ** 12n, raw: true, by: 'both' },
  { name: 'ts_us', type: () => new TimestampMicrosecond(), value: (i) => big(i, 19) - 2n ** 52n, raw: true, by: 'both' },
  { name: 'ts_ns', type: () => new TimestampNanosecond(), value: (i) => big(i, 20) * 1000n + BigInt(i % 1000), raw: true, by: 'both' },
  { name: 'ts_ms_tz', type: () => new TimestampMillisecond('Asia/Kolkata'), value: (i) => BigInt(u(i, 21, 4e12)), raw: true, by: 'both' },
  { name: 'ts_us_tz', type: () => new TimestampMicrosecond('UTC'), value: (i) => big(i, 22), raw: true, by: 'both' },
  { name: 'ts_ns_tz', type: () => new TimestampNanosecond('America/New_York'), value: (i) => big(i, 23) * 999n, raw: true, by: 'both' },
  { name: 'time', type: () => new TimeNanosecond(), value: (i) => BigInt(u(i, 24, 86_400e6)) * 1000n + BigInt(i % 1000), raw: true, by: 'both' },
  { name: 'time_s', type: () => new TimeSecond(), value: (i) => u(i, 25, 86_400), raw: true, by: 'arrow' },
  { name: 'time_ms', type: () => new TimeMillisecond(), value: (i) => u(i, 26, 86_400e3), raw: true, by: 'arrow' },
  { name: 'time_us', type: () => new TimeMicrosecond(), value: (i) => BigInt(u(i, 27, 86_400e6)), raw: true, by: 'arrow' },
  { name: 'dur_s', type: () => new DurationSecond(), value: (i) => BigInt(u(i, 28, 1e9)) - 5n * 10n ** 8n, raw: true, by: 'arrow' },
  { name: 'dur_ms', type: () => new DurationMillisecond(), value: (i) => BigInt(u(i, 29, 1e12)) - 5n * 10n ** 11n, raw: true, by: 'both' },
  { name: 'dur_us', type: () => new DurationMicrosecond(), value: (i) => big(i, 30) - 2n ** 52n, raw: true, by: 'both' },
  { name: 'dur_ns', type: () => new DurationNanosecond(), value: (i) => big(i, 31) * 1000n - 2n ** 62n, raw: true, by: 'both' },
  { name: 'interval_ym', type: () => new IntervalYearMonth(), value: (i) => [i % 400 - 200], raw: true, by: 'arrow-only', notPolars: true },
  { name: 'interval_dt', type: () => new IntervalDayTime(), value: (i) => [i % 1000, u(i, 32, 86_400_000)], raw: true, by: 'arrow-only', notPolars: true },
  { name: 'interval_mdn', type: () => new IntervalMonthDayNano(), value: (i) => [i % 24, i % 31, u(i, 33, 2 ** 31), i % 20], raw: true, by: 'arrow-only', notPolars: true },
  { name: 'dec9', type: () => new Decimal(2, 9, 128), value: (i) => BigInt(u(i, 34, 1999999999)) - 999999999n, raw: true, by: 'both' },
  { name: 'dec38', type: () => new Decimal(10, 38, 128), value: (i) => big(i, 35) * 10n ** 21n - 5n * 10n ** 36n + BigInt(i), raw: true, by: 'both' },
  { name: 'dec76', type: () => new Decimal(5, 76, 256), value: (i) => big(i, 36) * 10n ** 60n - BigInt(i), raw: true, by: 'arrow', notPolars: true },
  { name: 'lst', type: () => new List(f('item', new Float64())), value: (i) => items(i, i % 5, (j) => (unit(i, 37 + j) - 0.5) * 8 + 2, 29), by: 'both' },
  { name: 'lst_str', type: () => new List(f('item', new Utf8())), value: (i) => items(i, i % 4, (j) => `x${j}${text(i + j)}`, 23), by: 'both' },
  { name: 'lst_lst', type: () => new List(f('item', new List(f('item', new Int32())))), value: (i) => items(i, i % 3, (j) => items(i, j, (m) => i + m, 7), 11), by: 'both' },
  { name: 'arr', type: () => new FixedSizeList(3, f('item', new Float32())), value: (i) => items(i, 3, (j) => Math.fround(unit(i, 42 + j) * 20 - 5), 31), by: 'both' },
  { name: 'arr_i16', type: () => new FixedSizeList(2, f('item', new Int16())), value: (i) => items(i, 2, (j) => (i * (j + 1)) % 30000, 13), by: 'both' },
  { name: 'struct', type: () => new Struct([f('a', new Int32()), f('b', new Utf8())]), value: (i) => ({ a: i, b: i % 9 === 0 ? null : text(i) }), by: 'both' },
  // Polars 0.54 reads the null maps of this IPC file as empty lists.
  { name: 'map', type: () => new Map_(f('entries', new Struct([f('key', new Utf8(), false), f('value', new Int32())]), false) as never), value: (i) => new Map(items(i, i % 3, (j) => [`k${j}`, i + j]) as [string, number][]), by: 'arrow', notPolars: true },
  { name: 'union_dense', type: () => new DenseUnion([0, 1], union()), value: (i) => (i % 2 ? i : text(i)), by: 'arrow-only', notPolars: true },
  { name: 'union_sparse', type: () => new SparseUnion([0, 1], union()), value: (i) => (i % 3 ? text(i) : i), by: 'arrow-only', notPolars: true },
  { name: 'null', type: () => new Null(), value: () => null, by: 'both' },
];

export type TableKind = 'polars' | 'arrow' | 'arrow-only';

/** The columns of a table, in catalogue order. */
export function tableColumns(table: TableKind): TableColumn[] {
  if (table === 'arrow-only') return TABLE_COLUMNS.filter((c) => c.by === 'arrow-only' || (c.by === 'both' && FEATURES.includes(c.name)));
  return TABLE_COLUMNS.filter((c) => c.by === 'both' || c.by === table);
}
