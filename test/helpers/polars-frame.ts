/** A Polars DataFrame with nulls, strings, dates, unsigned integers, a categorical and lists, for files Polars writes in tests. */
import pl from 'nodejs-polars';

/** `rows` rows: id, f (float64, nulls), s (strings, nulls), g (float32), b (booleans, nulls), d (dates), u (uint32), c (categorical), li (lists of float64). */
export function polarsFrame(rows: number) {
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
