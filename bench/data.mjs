/**
 * Benchmark data, generated (seeded, deterministic) and cached in bench/data/:
 * `rows` rows of an int64 id and 8 float32 columns, written as Parquet by DuckDB
 * (snappy, DuckDB's row groups) and, from the same rows, as an Arrow IPC file;
 * and a 3-D table of 4 columns holding 16 float32 values per row. For the
 * shapes of the other sections, the same tables with row groups of a given
 * size (one for the whole file, say), and a wide table of 64 float64 features,
 * an int64 id and a string.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Field, FixedSizeList, Float32, Int64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct } from 'apache-arrow';

export const FEATURES = Array.from({ length: 8 }, (_, k) => `f${k}`);
export const WIDE_FEATURES = Array.from({ length: 64 }, (_, k) => `f${k}`);
const LIST_FEATURES = ['s0', 's1', 's2', 's3'];
const LIST_SIZE = 16;
const BATCH_ROWS = 122_880;
/** DuckDB's default ROW_GROUP_SIZE. */
export const DUCKDB_ROW_GROUP = 122_880;
/** DuckDB's vector size: the row groups it writes are multiples of it. */
export const DUCKDB_VECTOR = 2048;

/** A deterministic pseudo-random float in [0, scale) + offset from DuckDB's hash of (i, k[, j]). */
const value = (args, scale, offset) => `((hash(${args}) % 1000003)::DOUBLE / 1000003 * ${scale} + ${offset})::FLOAT`;

function scalarSql(rows) {
  return `SELECT i::BIGINT AS id, ${FEATURES.map((f, k) => `${value(`i, ${k}`, k + 1, k * 10)} AS ${f}`).join(', ')} FROM range(${rows}) r(i)`;
}

/** An int64 id, a string name (up to 100,000 distinct, of 6 to 10 characters) and 64 float64 features. */
function wideSql(rows) {
  const double = (k) => `((hash(i, ${k}) % 1000003)::DOUBLE / 1000003 * ${k + 1} + ${k * 10}) AS f${k}`;
  return `SELECT i::BIGINT AS id, 'name-' || (hash(i) % 100000)::VARCHAR AS name, ${WIDE_FEATURES.map((_, k) => double(k)).join(', ')} FROM range(${rows}) r(i)`;
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
    parquet: await scalarParquet(dir, rows),
    arrow: join(dir, `scalar-${rows}.arrow`),
    listParquet: await listParquet(dir, listRows),
    listArrow: join(dir, `lists-${listRows}.arrow`),
  };
  const make = async (path, build) => {
    if (existsSync(path)) return;
    await build(`${path}.tmp`);
    renameSync(`${path}.tmp`, path);
  };
  await withDuckDB(async (connection) => {
    await make(files.arrow, (tmp) => writeArrow(connection, scalarSql(rows), tmp, false));
    await make(files.listArrow, (tmp) => writeArrow(connection, listSql(listRows), tmp, true));
  });
  return files;
}

/** Opens an in-memory DuckDB, runs `use(connection)`, closes it. */
async function withDuckDB(use, settings = []) {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    for (const setting of settings) await connection.run(setting);
    return await use(connection);
  } finally {
    connection.closeSync();
  }
}

/** The row counts of a Parquet file's row groups, from DuckDB's parquet_metadata. */
export async function rowGroupRows(path) {
  return withDuckDB(async (connection) => {
    const sql = `SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${path}') ORDER BY row_group_id`;
    return (await connection.runAndReadAll(sql)).getRows().map((row) => Number(row[1]));
  });
}

/**
 * Writes a query's rows to `path` as snappy Parquet in row groups of `groupRows` rows (made once, then
 * reused), and checks with parquet_metadata that DuckDB cut them so: every row group but the last of
 * exactly `groupRows` rows (DuckDB rounds ROW_GROUP_SIZE up to a multiple of its vectors of 2,048 rows,
 * so other sizes are refused here). DuckDB streams COPY from range(), so with a memory limit the
 * generator stays within a few row groups' worth of memory however many rows it writes.
 */
async function groupedParquet(path, sql, rows, groupRows) {
  if (groupRows % DUCKDB_VECTOR !== 0 && groupRows < rows) throw new Error(`row groups of ${groupRows} rows: not a multiple of ${DUCKDB_VECTOR}`);
  if (!existsSync(path)) {
    const settings = ["SET memory_limit = '2GB'", `SET temp_directory = '${path}.spill'`];
    await withDuckDB((connection) => connection.run(`COPY (${sql}) TO '${path}.tmp' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${groupRows})`), settings);
    rmSync(`${path}.spill`, { recursive: true, force: true });
    renameSync(`${path}.tmp`, path);
  }
  const groups = await rowGroupRows(path);
  const expected = Array.from({ length: Math.ceil(rows / groupRows) }, (_, g) => Math.min(groupRows, rows - g * groupRows));
  if (groups.join() !== expected.join()) throw new Error(`${path} has row groups of ${groups.join(', ')} rows, not ${expected.join(', ')}`);
  return path;
}

/** A data file's path: `name-rows` and, for row groups other than DuckDB's default, their size. */
function dataPath(dir, name, rows, groupRows) {
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}-${rows}${groupRows === DUCKDB_ROW_GROUP ? '' : `-rg${groupRows}`}.parquet`);
}

/** `rows` rows of an int64 id and 8 float32 columns (the scalar table) in row groups of `groupRows` rows. */
export function scalarParquet(dir, rows, groupRows = DUCKDB_ROW_GROUP) {
  return groupedParquet(dataPath(dir, 'scalar', rows, groupRows), scalarSql(rows), rows, groupRows);
}

/** The 3-D table of `rows` rows (an id and 4 columns of 16 float32 values) in row groups of `groupRows` rows. */
export function listParquet(dir, rows, groupRows = DUCKDB_ROW_GROUP) {
  return groupedParquet(dataPath(dir, 'lists', rows, groupRows), listSql(rows), rows, groupRows);
}

/** `rows` rows of an int64 id, a string name and 64 float64 features `f0`..`f63`, in row groups of `groupRows` rows. */
export function wideParquet(dir, rows, groupRows = DUCKDB_ROW_GROUP) {
  return groupedParquet(dataPath(dir, 'wide', rows, groupRows), wideSql(rows), rows, groupRows);
}
