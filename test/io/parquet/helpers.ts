/** Helpers of the Parquet reader and writer tests: reading whole files, exact row images, DuckDB. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type Data, type RecordBatch, type Schema, Type, Vector } from 'apache-arrow';
import type { SchemaElement } from 'hyparquet';
import type { WriterOptions } from '../../../src/io/dataset/dataset.js';
import { openParquet } from '../../../src/io/parquet/read.js';
import { createParquetWriter } from '../../../src/io/parquet/write.js';
import { SHARED } from '../../helpers/cli.js';
import { memorySink } from '../../helpers/memory-sink.js';

/** The shared third-party test data (see its README.md). */
export const TESTDATA = SHARED;
/** Files of apache/parquet-testing. */
export const PARQUET_TESTING = join(TESTDATA, 'parquet-testing');

/** Everything a reader gives for a file. */
export interface ReadResult {
  schema: Schema;
  numRows: number | undefined;
  parquetColumns: ReadonlyMap<string, readonly SchemaElement[]>;
  batches: RecordBatch[];
}

/** Opens, reads every batch and closes. */
export async function readParquet(path: string, name = path.split('/').pop()!): Promise<ReadResult> {
  const reader = await openParquet(path, name);
  try {
    const batches: RecordBatch[] = [];
    for await (const batch of reader.batches()) batches.push(batch);
    return { schema: reader.schema, numRows: reader.numRows, parquetColumns: reader.parquetColumns!, batches };
  } finally {
    await reader.close();
  }
}

/** Writes batches with the Parquet writer into memory. */
export async function writeParquet(schema: Schema, batches: RecordBatch[], options?: WriterOptions): Promise<Uint8Array> {
  const sink = memorySink();
  const writer = createParquetWriter(sink, schema, options);
  for (const batch of batches) await writer.write(batch);
  await writer.finish();
  return sink.bytes();
}

const tempDirs: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs(). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bn1d-parquet-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory tempDir() made (call it in afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The rows of one column across batches, each as an exact text image (bit patterns of floats included). */
export function columnImage(batches: RecordBatch[], name: string): string[] {
  const out: string[] = [];
  for (const batch of batches) {
    const index = batch.schema.fields.findIndex((field) => field.name === name);
    const data = batch.data.children[index]!;
    for (let i = 0; i < data.length; i++) out.push(slotImage(data, i));
  }
  return out;
}

/** Every column's image. */
export function tableImage(batches: RecordBatch[], schema: Schema): Record<string, string[]> {
  return Object.fromEntries(schema.fields.map((field) => [field.name, columnImage(batches, field.name)]));
}

function isValid(data: Data, i: number): boolean {
  if (!data.nullBitmap || data.nullCount === 0) return true;
  const bit = data.offset + i;
  return ((data.nullBitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Exact text image of slot i of `data`: hex bytes for fixed-width values, nested brackets for lists and structs. */
export function slotImage(data: Data, i: number): string {
  if (data.type.typeId === Type.Null || !isValid(data, i)) return 'null';
  const type = data.type;
  switch (type.typeId) {
    case Type.Bool: {
      const bit = data.offset + i;
      return ((data.values[bit >> 3]! >> (bit & 7)) & 1) === 1 ? 'true' : 'false';
    }
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      return hex((data.values as Uint8Array).subarray(Number(offsets[i]!), Number(offsets[i + 1]!)));
    }
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      const child = data.children[0]!;
      const items: string[] = [];
      for (let c = Number(offsets[i]!); c < Number(offsets[i + 1]!); c++) items.push(slotImage(child, c));
      return `[${items.join(',')}]`;
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const items: string[] = [];
      for (let c = i * size; c < (i + 1) * size; c++) items.push(slotImage(data.children[0]!, c));
      return `[${items.join(',')}]`;
    }
    case Type.Struct:
      return `{${data.children.map((child, c) => `${type.children[c]!.name}:${slotImage(child, i)}`).join(',')}}`;
    default: {
      const values = data.values as ArrayBufferView & { BYTES_PER_ELEMENT: number };
      const perSlot = values.BYTES_PER_ELEMENT * data.stride;
      return hex(new Uint8Array(values.buffer, values.byteOffset + i * perSlot, perSlot));
    }
  }
}

let instance: Promise<DuckDBInstance> | undefined;

/** A connection to an in-memory DuckDB. */
export async function duckdb(): Promise<DuckDBConnection> {
  instance ??= DuckDBInstance.create(':memory:');
  return (await instance).connect();
}

/** Rows of a query, each value as DuckDB's text. */
export async function queryText(db: DuckDBConnection, sql: string): Promise<string[][]> {
  const result = await db.runAndReadAll(sql);
  return result.getRows().map((row) => row.map((value) => (value === null ? 'NULL' : String(value))));
}

/** `name TYPE` of every column of a Parquet file, as DuckDB describes it. */
export async function duckTypes(db: DuckDBConnection, path: string): Promise<string[]> {
  const rows = await queryText(db, `DESCRIBE SELECT * FROM read_parquet('${path}')`);
  return rows.map((row) => `${row[0]} ${row[1]}`);
}

/** Rows in a but not in b, and in b but not in a (multiset difference, by DuckDB). */
export async function duckDifference(db: DuckDBConnection, a: string, b: string): Promise<[number, number]> {
  const count = async (x: string, y: string) =>
    Number((await queryText(db, `SELECT count(*) FROM (SELECT * FROM read_parquet('${x}') EXCEPT ALL SELECT * FROM read_parquet('${y}'))`))[0]![0]);
  return [await count(a, b), await count(b, a)];
}

/** Plain JS values of a column: bigint, number, string, Uint8Array, arrays for lists, objects for structs. */
export function columnValues(batches: RecordBatch[], name: string): unknown[] {
  return batches.flatMap((batch) => {
    const vector = batch.getChild(name)!;
    return Array.from({ length: vector.length }, (_, i) => plain(vector.get(i)));
  });
}

function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (value instanceof Vector) return Array.from(value, plain);
  const json = (value as { toJSON(): Record<string, unknown> }).toJSON();
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, plain(v)]));
}

