/**
 * The library's apply(), normalize(), readState() and writeState(), called
 * from the package's name as a user's file calls them: the same bytes and
 * values as the CLI, outputs read back by apache-arrow and Polars.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type RecordBatch, Table, tableFromIPC } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { apply, fit, normalize, readState, type State, writeState } from 'bn1d';
import { ok, ROOT, scratch } from '../helpers/cli.js';
import { pl, readWithPolars } from '../helpers/polars-table.js';

const WINE = join(ROOT, 'fixtures', 'real', 'wine.parquet');
const FEATURES = ['alcohol', 'malic_acid', 'proline'];

function wineTable() {
  return tableFromIPC(pl.readParquet(readFileSync(WINE)).writeIPC());
}

async function collect(batches: AsyncIterable<RecordBatch>): Promise<Table> {
  const all: RecordBatch[] = [];
  for await (const batch of batches) all.push(batch);
  return new Table(all);
}

/** Fits the three features to a state file with the CLI; returns its path and the document. */
async function fitted(dir: string): Promise<{ path: string; state: State }> {
  const path = join(dir, 'stats.json');
  await ok(['fit', WINE, '-c', FEATURES.join(','), '-b', '32', '-s', path]);
  return { path, state: JSON.parse(readFileSync(path, 'utf8')) as State };
}

describe('apply()', () => {
  test('writes the bytes the CLI writes, for Parquet and Arrow outputs, from a path or a document', async () => {
    const dir = scratch();
    const { path, state } = await fitted(dir);
    for (const ext of ['parquet', 'arrow', 'arrows']) {
      const cli = join(dir, `cli.${ext}`);
      await ok(['apply', WINE, '--state', path, '-o', cli]);
      const fromPath = join(dir, `lib-path.${ext}`);
      const fromDocument = join(dir, `lib-doc.${ext}`);
      await apply(WINE, path, { output: fromPath });
      await apply(WINE, state, { output: fromDocument });
      expect(readFileSync(fromPath).equals(readFileSync(cli))).toBe(true);
      expect(readFileSync(fromDocument).equals(readFileSync(cli))).toBe(true);
    }
    // Polars reads the library's output: the features normalized, the rest as it was.
    const out = readWithPolars(join(dir, 'lib-doc.parquet'));
    const input = pl.readParquet(readFileSync(WINE));
    const mean = state.running_mean![0]!;
    const scale = 1 / Math.sqrt(state.running_var![0]! + state.eps);
    const alcohol = input.getColumn('alcohol').toArray() as number[];
    const normalized = out.getColumn('alcohol').toArray() as number[];
    expect(normalized).toHaveLength(178);
    normalized.forEach((y, i) => expect(Math.abs(y - (alcohol[i]! - mean) * scale)).toBeLessThan(1e-12 * Math.max(1, Math.abs(y))));
    expect(String(out.getColumn('proline').dtype)).toBe('DataType(Float32)'); // an integer column is normalized to float32, as --dtype says
    expect(out.getColumn('ash').toArray()).toEqual(input.getColumn('ash').toArray());
  });

  test('compression and rowGroupSize shape a Parquet output as the flags do', async () => {
    const dir = scratch();
    const { path } = await fitted(dir);
    const cli = join(dir, 'cli.parquet');
    const lib = join(dir, 'lib.parquet');
    await ok(['apply', WINE, '--state', path, '-o', cli, '--compression', 'zstd', '--row-group-size', '50']);
    await apply(WINE, path, { output: lib, compression: 'zstd', rowGroupSize: 50 });
    expect(readFileSync(lib).equals(readFileSync(cli))).toBe(true);
  });

  test('never replaces an existing file unless force is set, and leaves no output when it fails', async () => {
    const dir = scratch();
    const { path } = await fitted(dir);
    const output = join(dir, 'out.parquet');
    writeFileSync(output, 'keep me');
    await expect(apply(WINE, path, { output })).rejects.toThrow(/exists: pass options.force to overwrite it/);
    expect(readFileSync(output, 'utf8')).toBe('keep me');
    await apply(WINE, path, { output, force: true });
    expect(readWithPolars(output).height).toBe(178);
    const missing = join(dir, 'never.parquet');
    await expect(apply(WINE, { ...JSON.parse(readFileSync(path, 'utf8')), features: ['nope', 'malic_acid', 'proline'] }, { output: missing })).rejects.toThrow(/has no column "nope"/);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('normalize()', () => {
  test('a Table in, record batches out with the values the CLI writes; other columns are the same vectors', async () => {
    const dir = scratch();
    const { path, state } = await fitted(dir);
    const cli = join(dir, 'cli.arrow');
    await ok(['apply', WINE, '--state', path, '-o', cli]);
    const expected = tableFromIPC(readFileSync(cli));
    const table = wineTable();
    const out = await collect(normalize(table, state));
    expect(out.schema.fields.map((f) => f.name)).toEqual(table.schema.fields.map((f) => f.name));
    for (const name of FEATURES) expect(Array.from(out.getChild(name)!.toArray() as Float64Array)).toEqual(Array.from(expected.getChild(name)!.toArray() as Float64Array));
    expect(out.getChild('ash')!.toArray()).toStrictEqual(table.getChild('ash')!.toArray());
  });

  test('train mode normalizes each batch by its own statistics, as apply --mode train does', async () => {
    const dir = scratch();
    const cli = join(dir, 'cli.arrow');
    await ok(['apply', WINE, '--mode', 'train', '-b', '40', '-c', 'alcohol,ash', '-o', cli]);
    const expected = tableFromIPC(readFileSync(cli));
    const out = await collect(normalize(wineTable(), null, { mode: 'train', batchSize: 40, columns: ['alcohol', 'ash'] }));
    for (const name of ['alcohol', 'ash']) expect(Array.from(out.getChild(name)!.toArray() as Float64Array)).toEqual(Array.from(expected.getChild(name)!.toArray() as Float64Array));
    // A batch's own mean is 0: the first 40 rows of a column sum to about nothing.
    const first = (out.getChild('alcohol')!.toArray() as Float64Array).subarray(0, 40);
    expect(Math.abs(first.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
  });

  test('is a stage of a Node stream pipeline', async () => {
    const dir = scratch();
    const { state } = await fitted(dir);
    const table = wineTable();
    const batches = table.batches.flatMap((b) => [b.slice(0, 100), b.slice(100)]);
    let rows = 0;
    await pipeline(
      Readable.from(batches),
      (source: AsyncIterable<RecordBatch>) => normalize(source, state),
      new Writable({
        objectMode: true,
        write(batch: RecordBatch, _encoding, done) {
          rows += batch.numRows;
          done();
        },
      }),
    );
    expect(rows).toBe(178);
  });
});

describe('readState() and writeState()', () => {
  test('writeState writes the bytes bn1d fit writes; readState and JSON.parse give the same document', async () => {
    const dir = scratch();
    const cli = join(dir, 'cli.json');
    await ok(['fit', WINE, '-e', '2', '-s', cli]);
    const state = await fit(WINE, { epochs: 2 });
    const lib = join(dir, 'lib.json');
    await writeState(state, lib);
    expect(readFileSync(lib, 'utf8')).toBe(readFileSync(cli, 'utf8'));
    expect(await readState(cli)).toStrictEqual(JSON.parse(readFileSync(cli, 'utf8')));
  });

  test('JSON.stringify of a document is a state file the CLI applies', async () => {
    const dir = scratch();
    const state = await fit(WINE, { columns: ['hue'] });
    const path = join(dir, 'plain.json');
    writeFileSync(path, JSON.stringify(state));
    const out = join(dir, 'out.arrow');
    await ok(['apply', WINE, '--state', path, '-o', out]);
    expect(tableFromIPC(readFileSync(out)).getChild('hue')!.length).toBe(178);
    expect(await readState(path)).toStrictEqual(state);
  });

  test("a PyTorch safetensors state_dict reads as the document bn1d import writes, once its features are named", async () => {
    const dir = scratch();
    const torch = join(ROOT, 'fixtures', 'interop', 'torch-two-layers.safetensors');
    const imported = join(dir, 'imported.json');
    await ok(['import', torch, '--prefix', 'encoder.bn.', '--features', 'p,q', '-o', imported]);
    const read = await readState(torch, { prefix: 'encoder.bn.', features: ['p', 'q'] });
    expect(read).toStrictEqual(JSON.parse(readFileSync(imported, 'utf8')));
    await expect(readState(torch, { features: ['p', 'q'] })).rejects.toMatchObject({ hint: 'import-prefix' });
    await expect(readState(torch, { prefix: 'encoder.bn.' })).rejects.toThrow(/pass options.features with 2 column names in channel order/);
  });

  test('a broken document or file is refused with the field it breaks', async () => {
    const dir = scratch();
    const state = await fit(WINE, { columns: ['hue'] });
    await expect(writeState({ ...state, running_var: [1, 2] }, join(dir, 'bad.json'))).rejects.toThrow(/running_var/);
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
    writeFileSync(join(dir, 'text.json'), '{"format": "bn1d-state"');
    await expect(readState(join(dir, 'text.json'))).rejects.toThrow(/not valid JSON/);
  });
});
