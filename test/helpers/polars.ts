/** Polars as an independent writer and reader of Arrow IPC in tests: it writes strings as Arrow string views (Utf8View). */
import pl, { type DataFrame } from 'nodejs-polars';

/** A string for row i: null, short (held inside its view) or long (in a data buffer), some not ASCII. */
function text(i: number, what: string): string | null {
  if (i % 7 === 0) return null;
  return i % 3 === 0 ? `${what}${i % 100}` : `a longer ${what}, row ${i} — naïve café 🚀`;
}

/**
 * `rows` rows in `batches` record batches, with views everywhere Polars puts
 * them: x (float64 with nulls) and n (int32) are the numeric columns; s
 * (strings), st (a struct of a string and an int32), l (lists of strings,
 * with null and empty rows) and cat (categorical: a dictionary of views)
 * pass through.
 */
export function viewTable(rows: number, batches: number): DataFrame {
  const index = Array.from({ length: rows }, (_, i) => i);
  const whole = pl
    .DataFrame({
      x: index.map((i) => (i % 11 === 0 ? null : Math.sin(i) * 100 + 5)),
      n: pl.Series('n', index.map((i) => (i * 7919) % 1000), pl.Int32),
      s: index.map((i) => text(i, 's')),
      a: index.map((i) => text(i + 1, 'a')),
      code: pl.Series('code', index.map((i) => i % 50), pl.Int32),
      l: index.map((i) => (i % 13 === 0 ? null : i % 5 === 0 ? [] : [text(i + 2, 'l') ?? 'x', 'y'])),
      c: index.map((i) => ['red', 'a rather long category name', 'blue'][i % 3]!),
    })
    .withColumns(pl.struct([pl.col('a'), pl.col('code')]).alias('st'), pl.col('c').cast(pl.Categorical).alias('cat'))
    .select('x', 'n', 's', 'st', 'l', 'cat');
  const size = Math.ceil(rows / batches);
  let out = whole.slice(0, size);
  for (let at = size; at < rows; at += size) out = out.vstack(whole.slice(at, size));
  return out;
}

/** Arrow IPC bytes (file or stream, by their magic) read by Polars. */
export function polarsRead(bytes: Uint8Array): DataFrame {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.subarray(0, 6).toString('latin1') === 'ARROW1' ? pl.readIPC(buffer) : pl.readIPCStream(buffer);
}

/** The values of a column, as plain JSON (struct rows as objects, lists as arrays). */
export function polarsValues(frame: DataFrame, name: string): unknown[] {
  return JSON.parse(JSON.stringify(frame.getColumn(name).toArray()));
}
