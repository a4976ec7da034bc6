/**
 * Column streams: a column written a run of rows at a time has the pages,
 * bytes and statistics of the same rows written whole, whatever the runs
 * (one row, a few, unaligned, longer than a page), and a file written
 * through writeColumns' stream parts reads back in DuckDB with every value,
 * null and list (with nulls or without), several pages per chunk, and min, max and null count of
 * the values themselves.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Data, Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Table, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { openColumnStream } from '../../../src/io/parquet/column-stream.js';
import type { ChunkOut } from '../../../src/io/parquet/file-write.js';
import { PartsWriter } from '../../../src/io/parquet/parts-writer.js';
import { createParquetWriter } from '../../../src/io/parquet/write.js';
import { planWrite } from '../../../src/io/parquet/write-plan.js';
import { query } from '../../helpers/duckdb.js';
import { memorySink } from '../../helpers/memory-sink.js';
import { walkPages } from './page-walk.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const ROWS = 300_003; // not a multiple of 8: the last page ends inside a byte of levels
const nullAt = (i: number) => i % 9 === 4 || (i >= 140_000 && i < 140_050);
const d = (i: number) => (nullAt(i) ? null : i === 7 ? -0 : Math.cos(i) * 1e4 + i / 3);
const f = (i: number) => Math.fround((i % 1000) - 499.75);
const n = (i: number) => (i % 5 === 1 ? null : ((i * 7919) % 20_011) - 10_000);
/** Row i: null every 13th, empty every 7th, else 1..20 elements, a null every 11th. */
const l = (i: number) => (i % 13 === 5 ? null : i % 7 === 3 ? [] : Array.from({ length: 1 + (i % 20) }, (_, j) => ((i + j) % 11 === 0 ? null : Math.fround((i - j) / 16))));
/** Row i: 0 to 3 elements, no nulls (the dense path). */
const m = (i: number) => Array.from({ length: i % 4 }, (_, j) => i + j / 4);
const x = (i: number) => (i % 17 === 2 ? null : [i / 3, -i, i % 4 === 0 ? null : i * 2]);

function table(): Table {
  const index = Array.from({ length: ROWS }, (_, i) => i);
  return new Table({
    d: vectorFromArray(index.map(d), new Float64()),
    f: vectorFromArray(index.map(f), new Float32()),
    n: vectorFromArray(index.map(n), new Int32()),
    l: vectorFromArray(index.map(l), new List(new Field('item', new Float32(), true))),
    m: vectorFromArray(index.map(m), new List(new Field('item', new Float64(), false))),
    x: vectorFromArray(index.map(x), new FixedSizeList(3, new Field('item', new Float64(), true))),
  });
}

const t = table();
const data = (name: string): Data => t.getChild(name)!.data[0]!;
const schema = new Schema(t.schema.fields.map((field) => new Field(field.name, field.type, field.name !== 'f')));
const columns = planWrite(schema);

/** Runs of seeded random lengths over `rows` rows: many short ones (1 to 9 rows), some long (up to 300,000). */
function runLengths(rows: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let at = 0; at < rows;) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = Math.min(rows - at, s % 4 === 0 ? 1 + (s % 9) : 1 + (s % 300_000));
    out.push(n);
    at += n;
  }
  return out;
}

/** Column `c` written from its data in runs of these lengths (the stream told how many rows come, or not): its bytes and chunks. */
function written(c: number, lengths: number[], rows?: number): { bytes: Uint8Array; chunks: ChunkOut[] } {
  const writer = new PartsWriter();
  const stream = openColumnStream(writer, columns[c]!, 'SNAPPY', rows);
  const whole = data(columns[c]!.name);
  let at = 0;
  for (const length of lengths) {
    stream.push(whole.slice(at, length));
    at += length;
  }
  const chunks = stream.finish();
  expect(stream.rows).toBe(ROWS);
  return { bytes: Buffer.concat(writer.take()), chunks };
}

describe('column streams', () => {
  test.each(['d', 'f', 'n', 'l', 'm', 'x'])('column %s in runs of any length has the bytes and chunks of the column written whole', (name) => {
    const c = columns.findIndex((column) => column.name === name);
    const whole = written(c, [ROWS]);
    expect(whole.chunks[0]!.offsetIndex!.page_locations.length).toBeGreaterThan(1);
    for (const seed of [1, 2, 3]) {
      const lengths = runLengths(ROWS, seed);
      expect(lengths.length).toBeGreaterThan(4);
      for (const runs of [written(c, lengths), written(c, lengths, ROWS)]) {
        expect(Buffer.from(runs.bytes).equals(Buffer.from(whole.bytes))).toBe(true);
        expect(runs.chunks).toEqual(whole.chunks);
      }
    }
  });

  test('the bytes do not depend on what the page buffers held before (they are used again from chunk to chunk)', () => {
    const d = columns.findIndex((column) => column.name === 'd');
    const lengths = runLengths(ROWS, 5);
    const first = written(d, lengths);
    // Other columns, with other nulls, through the same buffers.
    for (const name of ['n', 'l', 'x']) written(columns.findIndex((column) => column.name === name), runLengths(ROWS, 6));
    const again = written(d, lengths);
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  test('a file written a run at a time reads back in DuckDB, with pages of 1 MiB of values and the statistics of its values', async () => {
    const sink = memorySink();
    const writer = createParquetWriter(sink, schema);
    await writer.writeColumns!(ROWS, async (c) => ({
      async stream(target) {
        const out = target.open();
        let at = 0;
        for (const length of runLengths(ROWS, 7 + c)) {
          out.push(data(columns[c]!.name).slice(at, length));
          at += length;
          await target.flush();
        }
        return out.finish();
      },
    }));
    await writer.finish();
    const path = join(tempDir(), 'streamed.parquet');
    writeFileSync(path, sink.bytes());

    const rows = await query(`SELECT d, f, n, l, m, x FROM read_parquet('${path}')`);
    expect(rows.length).toBe(ROWS);
    for (let i = 0; i < ROWS; i += 61) {
      const row = rows[i]!;
      expect(row.d).toBe(d(i));
      expect(row.f).toBe(f(i));
      expect(row.n).toBe(n(i));
      expect(row.l).toEqual(l(i));
      expect(row.m).toEqual(m(i));
      expect(row.x).toEqual(x(i));
    }
    const { chunks } = await walkPages(path);
    const pages = (path: string) => chunks.find((chunk) => chunk.path === path)!.pages.map((page) => page.header.data_page_header_v2!.num_rows);
    // 1 MiB of values: 131,072 float64 rows, 262,144 float32 or int32 rows.
    expect(pages('d')).toEqual([131_072, 131_072, ROWS - 2 * 131_072]);
    expect(pages('f')).toEqual([262_144, ROWS - 262_144]);
    expect(pages('l.list.element').length).toBeGreaterThan(3);

    const stats = await query(`SELECT path_in_schema AS p, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata('${path}') ORDER BY column_id`);
    const values = (name: string, at: (i: number) => unknown) => Array.from({ length: ROWS }, (_, i) => at(i)).flat().filter((v): v is number => typeof v === 'number');
    const range = (a: number[]) => [a.reduce((p, q) => Math.min(p, q)), a.reduce((p, q) => Math.max(p, q))];
    const nulls = (at: (i: number) => unknown) => Array.from({ length: ROWS }, (_, i) => at(i)).filter((v) => v === null).length;
    const expected: Record<string, [number[], number]> = {
      d: [range(values('d', d)), nulls(d)],
      f: [range(values('f', f)), 0],
      n: [range(values('n', n)), nulls(n)],
      'l, list, element': [range(values('l', l)), Array.from({ length: ROWS }, (_, i) => l(i)).reduce((k, r) => k + (r === null || r.length === 0 ? 1 : r.filter((v) => v === null).length), 0)],
    };
    for (const [p, [[lo, hi], nullCount]] of Object.entries(expected)) {
      const row = stats.find((s) => s.p === p)!;
      // A zero minimum is stored as -0 (the format asks for it): compared as numbers.
      expect([Number(row.lo) + 0, Number(row.hi), Number(row.nulls)]).toEqual([lo + 0, hi, nullCount]);
    }
  });
});
