/** Polars as an independent writer and reader of Parquet and Arrow IPC in tests, and a table of most Polars types. */
import { readFileSync } from 'node:fs';
import pl from 'nodejs-polars';

export { pl };

/** Every slot i for which this holds is null, in every column. */
const isNull = (i: number, k: number) => i % k === k - 1;

/**
 * A table of `rows` rows with one column of most Polars types, nulls in
 * every column: `fsl` (Array[f32, 3]), `li` (List[i64]) and `x` (i32) are
 * numeric features, everything else passes through.
 */
export function polarsTable(rows: number): pl.DataFrame {
  const at = <T>(k: number, f: (i: number) => T) => Array.from({ length: rows }, (_, i) => (isNull(i, k) ? null : f(i)));
  const base = Date.UTC(2024, 0, 1);
  const df = pl.DataFrame([
    pl.Series('x', at(7, (i) => (i * 37) % 1000 - 500), pl.Int32),
    pl.Series('cat', at(5, (i) => ['red', 'green', 'blue', `c${i % 50}`][i % 4]!), pl.Categorical),
    pl.Series('fsl', at(6, (i) => [i % 100, (i % 7) + 0.5, -(i % 13)]), pl.FixedSizeList(pl.Float32, 3)),
    pl.Series('fsl_pass', at(4, (i) => [i % 3, i % 5]), pl.FixedSizeList(pl.Int16, 2)),
    pl.Series('dt_ms', at(3, (i) => new Date(base + i * 1000)), pl.Datetime('ms')),
    pl.Series('dt_us_tz', at(4, (i) => new Date(base + i * 60_000)), pl.Datetime('us', 'Europe/Paris')),
    pl.Series('dt_ns_utc', at(5, (i) => new Date(base - i * 3_600_000)), pl.Datetime('ns', 'UTC')),
    pl.Series('dur', at(3, (i) => i * 250), pl.Duration('ms')),
    pl.Series('date', at(6, (i) => new Date(base + (i % 3000) * 86_400_000)), pl.Date),
    pl.Series('time', at(7, (i) => BigInt(i % 86_400) * 1_000_000_000n + 123n), pl.Int64).cast(pl.Time),
    pl.Series('str', at(3, (i) => (i % 2 ? `short ${i}` : `a string longer than twelve bytes ${i} héllo`)), pl.String),
    pl.Series('li', at(4, (i) => Array.from({ length: i % 4 }, (_, k) => i * 10 + k)), pl.List(pl.Int64)),
    pl.Series('dec', at(5, (i) => (i % 2000) / 4 - 100), pl.Float64).cast(pl.Decimal(12, 2)),
    pl.Series('i8', at(3, (i) => (i % 256) - 128), pl.Int8),
    pl.Series('i16', at(4, (i) => (i % 65536) - 32768), pl.Int16),
    pl.Series('i64', at(5, (i) => BigInt(i) * 1_000_000_007n - 9n), pl.Int64),
    pl.Series('u8', at(6, (i) => i % 256), pl.UInt8),
    pl.Series('u16', at(7, (i) => i % 65536), pl.UInt16),
    pl.Series('u32', at(3, (i) => 4_294_967_295 - i), pl.UInt32),
    pl.Series('u64', at(4, (i) => 18_446_744_073_709_551_615n - BigInt(i)), pl.UInt64),
    pl.Series('f32', at(5, (i) => i / 8), pl.Float32),
    pl.Series('f64', at(6, (i) => i / 3), pl.Float64),
    pl.Series('b', at(3, (i) => i % 2 === 0), pl.Bool),
  ]);
  const struct = pl.struct([pl.col('i16').alias('a'), pl.col('str').alias('s')]);
  return df.withColumns(pl.when(pl.col('u8').gt(200)).then(pl.lit(null)).otherwise(struct).alias('st'));
}

/**
 * Writes `df` as Parquet with Polars: with `rowGroupSize`, through the
 * streaming sink, in row groups of that many rows (strings stored as
 * LargeUtf8), else with DataFrame.writeParquet, in one row group (strings
 * stored as Utf8View).
 */
export function writePolarsParquet(df: pl.DataFrame, path: string, compression: 'zstd' | 'snappy', rowGroupSize?: number): void {
  if (rowGroupSize) df.lazy().sinkParquet(path, { compression, rowGroupSize }).collectSync();
  else df.writeParquet(path, { compression });
}

/** A Parquet, Arrow IPC file or Arrow IPC stream file, read by Polars (by its extension). */
export function readWithPolars(path: string): pl.DataFrame {
  const bytes = readFileSync(path);
  if (path.endsWith('.parquet')) return pl.readParquet(bytes);
  return path.endsWith('.arrows') ? pl.readIPCStream(bytes) : pl.readIPC(bytes);
}

/** Each column's Polars dtype, as text. */
export function polarsTypes(df: pl.DataFrame): Record<string, string> {
  return Object.fromEntries(Object.entries(df.schema).map(([name, type]) => [name, String(type)]));
}
