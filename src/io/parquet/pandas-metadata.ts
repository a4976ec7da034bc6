/**
 * The `pandas` schema metadata pyarrow writes (how to rebuild a pandas
 * DataFrame: index columns, and each column's pandas and numpy types),
 * kept up to date when normalized feature columns become floats, so that
 * pandas does not cast their floats back to the integer, decimal or
 * nullable types they had.
 */

/** The key of the entry. */
const PANDAS = 'pandas';

/** A normalized column: its name, float type and whether its values are lists. */
export interface NormalizedColumn {
  readonly name: string;
  readonly dtype: 'float32' | 'float64';
  readonly list: boolean;
}

interface PandasColumn {
  name?: unknown;
  field_name?: unknown;
  pandas_type?: unknown;
  numpy_type?: unknown;
  metadata?: unknown;
}

/** `metadata` with the pandas entry's normalized columns typed as their floats (unchanged when there is no readable entry). */
export function withNormalizedPandas(metadata: ReadonlyMap<string, string>, columns: readonly NormalizedColumn[]): Map<string, string> {
  const out = new Map(metadata);
  const text = metadata.get(PANDAS);
  if (text === undefined || columns.length === 0) return out;
  let pandas: { columns?: unknown };
  try {
    pandas = JSON.parse(text) as { columns?: unknown };
  } catch {
    return out;
  }
  if (!Array.isArray(pandas?.columns)) return out;
  const byName = new Map(columns.map((column) => [column.name, column]));
  let changed = false;
  for (const entry of pandas.columns as PandasColumn[]) {
    const name = typeof entry?.field_name === 'string' ? entry.field_name : entry?.name;
    const column = typeof name === 'string' ? byName.get(name) : undefined;
    if (!column) continue;
    entry.pandas_type = column.list ? `list[${column.dtype}]` : column.dtype;
    entry.numpy_type = column.list ? 'object' : column.dtype;
    entry.metadata = null;
    changed = true;
  }
  if (changed) out.set(PANDAS, JSON.stringify(pandas));
  return out;
}
