/**
 * DuckDB as a reader of the matrix (Parquet): its column types, rows in
 * file order, and equality of values joined on their row numbers.
 */
import { query } from '../helpers/duckdb.js';
import { type Frame, type Reader, type Row, toRow } from './frame.js';

/** A number type in a DuckDB type name, which a normalized feature replaces. */
const LEAF = /\b(?:U?(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))/;

class DuckFrame implements Frame {
  constructor(
    readonly path: string,
    readonly names: string[],
    readonly types: Map<string, string>,
    readonly rows: number,
  ) {}
  type(name: string): string {
    return this.types.get(name) ?? '?';
  }
  shortType(name: string): string {
    return this.type(name);
  }
  private from(alias: string): string {
    return `read_parquet('${this.path}', file_row_number = true) ${alias}`;
  }
  async numbers(name: string): Promise<Row[]> {
    const rows = await query(`SELECT "${name}" AS v FROM ${this.from('t')} ORDER BY file_row_number`);
    return rows.map((r) => toRow(r.v));
  }
  async differences(output: Frame, names: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    // DuckDB's equality, and the text of the values (which tells -0 from 0, and months from 30 days).
    const differs = (c: string, own: boolean) =>
      `${own ? `i."${c}" IS DISTINCT FROM o."${c}" OR ` : ''}i."${c}"::VARCHAR IS DISTINCT FROM o."${c}"::VARCHAR`;
    const join = `FROM ${this.from('i')} FULL JOIN ${(output as DuckFrame).from('o')} USING (file_row_number)`;
    for (const c of names) {
      let rows: Record<string, unknown>[];
      try {
        rows = await query(`SELECT count(*) AS n, min(file_row_number) AS first ${join} WHERE ${differs(c, true)}`);
      } catch {
        rows = await query(`SELECT count(*) AS n, min(file_row_number) AS first ${join} WHERE ${differs(c, false)}`);
      }
      if (Number(rows[0]!.n) === 0) continue;
      const [at] = await query(`SELECT i."${c}"::VARCHAR AS input, o."${c}"::VARCHAR AS output ${join} WHERE file_row_number = ${rows[0]!.first}`);
      out.set(c, `${rows[0]!.n} rows differ, first row ${rows[0]!.first}: ${String(at!.output).slice(0, 200)}, input ${String(at!.input).slice(0, 200)}`);
    }
    return out;
  }
}

export const duckdbReader: Reader = {
  name: 'duckdb',
  reads: (format) => format === 'parquet',
  async open(path) {
    const described = await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    const [count] = await query(`SELECT count(*) AS n FROM read_parquet('${path}')`);
    const types = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
    return new DuckFrame(path, [...types.keys()], types, Number(count!.n));
  },
  featureType: (input) => input.replace(LEAF, /\bDOUBLE\b/.test(input) ? 'DOUBLE' : 'FLOAT'),
};

