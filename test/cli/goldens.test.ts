/**
 * The PyTorch goldens of the core, run through the executable: each case's
 * table is written as Parquet (by DuckDB) and as an Arrow IPC file (by
 * apache-arrow), fitted and applied by bn1d, and compared with PyTorch at
 * 1e-12 and with the core library bit for bit.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  Int64,
  Int8,
  List,
  Table,
  tableToIPC,
  Uint8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { parseState } from '../../src/core/state-json.js';
import { bn1d, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';
import { relativeError } from '../helpers/errors.js';
import { flatten, type Golden, loadGoldens } from '../helpers/goldens.js';
import { runGolden } from '../helpers/run-golden.js';
import { readOutput } from '../helpers/tables.js';

const CASES = ['momentum-none-three-epochs', 'drop-last-momentum-0.1', '3d-fixed-length', '3d-momentum-none-epochs', 'ragged-lists', 'nulls-2d', 'nulls-ragged', 'float32', 'int64-large', 'uint8-pixels', 'int8'];
const goldens = loadGoldens().filter((g) => CASES.includes(g.name));
const dir = scratch();

const LEAF: Record<string, () => DataType> = {
  float64: () => new Float64(),
  float32: () => new Float32(),
  int8: () => new Int8(),
  uint8: () => new Uint8(),
  int32: () => new Int32(),
  int64: () => new Int64(),
};
const DUCK: Record<string, string> = { float64: 'DOUBLE', float32: 'FLOAT', int8: 'TINYINT', uint8: 'UTINYINT', int32: 'INTEGER', int64: 'BIGINT' };

function arrowType(g: Golden): DataType {
  const leaf = LEAF[g.dtype]!();
  if (g.layout === '2d') return leaf;
  const item = new Field('item', leaf, true);
  return g.layout === '3d' ? new FixedSizeList(g.list_size!, item) : new List(item);
}

/** The golden's input as an Arrow IPC file: columns c0, c1, ... in the golden's dtype and layout. */
function writeArrow(g: Golden, path: string): void {
  const columns: Record<string, Vector> = {};
  g.input.forEach((rows, k) => {
    const big = g.dtype === 'int64';
    const cell = (v: number | null) => (v === null ? null : big ? BigInt(v) : v);
    const values = rows.map((r) => (Array.isArray(r) ? r.map(cell) : r === null ? null : cell(r as number)));
    columns[`c${k}`] = vectorFromArray(values as never[], arrowType(g)) as Vector;
  });
  writeFileSync(path, tableToIPC(new Table(columns), 'file'));
}

/** The golden's input as Parquet, written by DuckDB from JSON lines. */
async function writeParquet(g: Golden, path: string): Promise<void> {
  const json = join(dir, `${g.name}.jsonl`);
  const rows = g.input[0]!.map((_, i) => JSON.stringify(Object.fromEntries(g.input.map((col, k) => [`c${k}`, col[i]]))));
  writeFileSync(json, rows.join('\n'));
  const type = DUCK[g.dtype]!;
  const column = (k: number) => (g.layout === '2d' ? `c${k}::${type}` : `c${k}::${type}[]`);
  const spec = g.input.map((_, k) => `c${k}: '${g.layout === '2d' ? 'DOUBLE' : 'DOUBLE[]'}'`).join(', ');
  await query(`COPY (SELECT ${g.input.map((_, k) => `${column(k)} AS c${k}`).join(', ')} FROM read_json('${json}', columns={${spec}})) TO '${path}' (FORMAT parquet)`);
}

describe.each(goldens.map((g) => [g.name, g] as const))('%s through the CLI', (_name, g) => {
  const core = runGolden(g);
  const flags = ['-b', String(g.config.batch_size), '-e', String(g.config.epochs), '-m', String(g.config.momentum ?? 'none'), '--eps', String(g.config.eps), ...(g.config.drop_last ? ['--drop-last'] : [])];

  test.each(['parquet', 'arrow'])('%s: the state matches PyTorch at 1e-12 and the core bit for bit; eval output too', async (format) => {
    const input = join(dir, `${g.name}.${format}`);
    if (format === 'parquet') await writeParquet(g, input);
    else writeArrow(g, input);
    const run = await bn1d(['fit', input, ...flags, '-s', '-']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const state = parseState(run.stdout.toString());
    expect(Array.from(state.runningMean!)).toEqual(Array.from(core.state.runningMean!));
    expect(Array.from(state.runningVar!)).toEqual(Array.from(core.state.runningVar!));
    expect(state.numBatchesTracked).toBe(g.fitted!.num_batches_tracked);
    g.fitted!.running_var.forEach((v, c) => expect(relativeError(state.runningVar![c]!, v)).toBeLessThanOrEqual(1e-12));
    g.fitted!.running_mean.forEach((v, c) => expect(relativeError(state.runningMean![c]!, v)).toBeLessThanOrEqual(1e-12));

    // The golden's weight and bias are not 1 and 0: put them in the state, as a model's trained layer would have.
    const stateFile = join(dir, `${g.name}-${format}.json`);
    const doc = JSON.parse(run.stdout.toString());
    writeFileSync(stateFile, JSON.stringify({ ...doc, weight: g.initial.weight, bias: g.initial.bias }));
    const applied = await bn1d(['apply', input, '-s', stateFile, '--dtype', 'float64']);
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    const table = await readOutput(applied.stdout);
    g.eval_output.forEach((rows, k) => {
      // The output's values, flattened as the core's (list elements in order), with their validity.
      const data = table.getChild(`c${k}`)!.data[0]!;
      const leaf = g.layout === '2d' ? data : data.children[0]!;
      const start = g.layout === 'ragged' ? (data.valueOffsets as Int32Array)[0]! : 0;
      const want = flatten(rows, g).flat;
      let compared = 0;
      want.forEach((w, i) => {
        if (w === null) return;
        expect(leaf.getValid(start + i)).toBe(true);
        expect((leaf.values as Float64Array)[start + i]).toBe(core.evals[k]![i]);
        compared++;
      });
      expect(compared).toBeGreaterThan(0);
      if (g.layout === '2d') rows.forEach((r, i) => expect(data.getValid(i)).toBe(r !== null));
    });
  });
});
