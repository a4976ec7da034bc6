/**
 * Benchmark data, generated (seeded, deterministic) and cached in bench/data/:
 * `rows` rows of an int64 id and 8 float32 columns, written as Parquet by DuckDB
 * (snappy, DuckDB's row groups) and, from the same rows, as an Arrow IPC file;
 * and a 3-D table of 4 columns holding 16 float32 values per row.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Field, FixedSizeList, Float32, Int64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct } from 'apache-arrow';

export const FEATURES = Array.from({ length: 8 }, (_, k) => `f${k}`);
const LIST_FEATURES = ['s0', 's1', 's2', 's3'];
const LIST_SIZE = 16;
const BATCH_ROWS = 122_880;

/** A deterministic pseudo-random float in [0, scale) + offset from DuckDB's hash of (i, k[, j]). */
const value = (args, scale, offset) => `((hash(${args}) % 1000003)::DOUBLE / 1000003 * ${scale} + ${offset})::FLOAT`;

function scalarSql(rows) {
  return `SELECT i::BIGINT AS id, ${FEATURES.map((f, k) => `${value(`i, ${k}`, k + 1, k * 10)} AS ${f}`).join(', ')} FROM range(${rows}) r(i)`;
}

function listSql(rows) {
  const list = (k) => `[${value(`i, ${k}, j`, 2, k)} FOR j IN range(${LIST_SIZE})]::FLOAT[${LIST_SIZE}]`;
  return `SELECT i::BIGINT AS id, ${LIST_FEATURES.map((f, k) => `${list(k)} AS ${f}`).join(', ')} FROM range(${rows}) r(i)`;
}

/** Streams a query's result into an Arrow IPC file, in record batches of BATCH_ROWS rows. */
async function writeArrow(connection, sql, path, lists) {
  const names = ['id', ...(lists ? LIST_FEATURES : FEATURES)];
  const leaf = (name) => (lists && name !== 'id' ? new FixedSizeList(LIST_SIZE, new Field('item', new Float32(), false)) : name === 'id' ? new Int64() : new Float32());
  const schema = new Schema(names.map((n) => new Field(n, leaf(n), false)));
  const writer = new RecordBatchFileWriter();
  writer.reset(undefined, schema);
  let buffers = names.map(() => []);
  let rows = 0;
  const flush = () => {
    if (rows === 0) return;
    const children = names.map((name, c) => {
      const arrays = buffers[c];
      const total = arrays.reduce((n, a) => n + a.length, 0);
      const values = new (name === 'id' ? BigInt64Array : Float32Array)(total);
      let at = 0;
      for (const a of arrays) values.set(a, (at += a.length) - a.length);
      const type = leaf(name);
      if (type instanceof FixedSizeList) {
        const child = makeData({ type: new Float32(), length: total, nullCount: 0, data: values });
        return makeData({ type, length: rows, nullCount: 0, child });
      }
      return makeData({ type, length: rows, nullCount: 0, data: values });
    });
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children })));
    buffers = names.map(() => []);
    rows = 0;
  };
  const result = await connection.stream(sql);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    names.forEach((name, c) => {
      const vector = chunk.getColumnVector(c);
      // DuckDB's vectors keep their values in typed arrays; an ARRAY vector's values are in its child.
      const items = lists && name !== 'id' ? vector.childData.items : vector.items;
      buffers[c].push(items.slice(0, lists && name !== 'id' ? chunk.rowCount * LIST_SIZE : chunk.rowCount));
    });
    rows += chunk.rowCount;
    if (rows >= BATCH_ROWS) flush();
  }
  flush();
  writer.finish();
  writeFileSync(path, await writer.toUint8Array());
}

/** The data files for `rows` rows (made once, then reused); returns their paths. */
export async function benchData(dir, rows, listRows) {
  mkdirSync(dir, { recursive: true });
  const files = {
    parquet: join(dir, `scalar-${rows}.parquet`),
    arrow: join(dir, `scalar-${rows}.arrow`),
    listParquet: join(dir, `lists-${listRows}.parquet`),
    listArrow: join(dir, `lists-${listRows}.arrow`),
  };
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const make = async (path, build) => {
    if (existsSync(path)) return;
    await build(`${path}.tmp`);
    renameSync(`${path}.tmp`, path);
  };
  await make(files.parquet, (tmp) => connection.run(`COPY (${scalarSql(rows)}) TO '${tmp}' (FORMAT parquet, COMPRESSION snappy)`));
  await make(files.arrow, (tmp) => writeArrow(connection, scalarSql(rows), tmp, false));
  await make(files.listParquet, (tmp) => connection.run(`COPY (${listSql(listRows)}) TO '${tmp}' (FORMAT parquet, COMPRESSION snappy)`));
  await make(files.listArrow, (tmp) => writeArrow(connection, listSql(listRows), tmp, true));
  connection.closeSync();
  return files;
}
