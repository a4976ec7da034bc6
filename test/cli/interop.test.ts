/**
 * State files traded with PyTorch, black box: the state_dicts PyTorch wrote
 * (fixtures/interop/, by scripts/make-interop-goldens.py) import and apply to
 * PyTorch's recorded outputs, and bn1d's exports are byte for byte the files
 * PyTorch loaded with load_state_dict(strict=True).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Float64, Int32, Table, tableToIPC, type Vector, vectorFromArray } from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { type BatchNormState } from '../../src/core/state.js';
import { parseState } from '../../src/core/state-json.js';
import { parseSafetensors } from '../../src/io/safetensors/read.js';
import { fails, ok, ROOT, scratch } from '../helpers/cli.js';
import { operandRelativeError } from '../helpers/errors.js';
import { numbers, parquetAsArrow, readOutput } from '../helpers/tables.js';

type Columns = Record<string, number[]>;

interface TorchCase {
  name: string;
  file: string;
  prefix: string;
  import_flags: string[];
  features: string[];
  eps: number;
  momentum: number | null;
  dtypes: string[];
  state: { weight?: number[]; bias?: number[]; running_mean?: number[]; running_var?: number[]; num_batches_tracked?: number };
  input: Columns;
  torch_output: Columns;
  torch_output_float64: Columns;
}

interface ExportCase {
  name: string;
  state: string;
  export_flags: string[];
  file: string;
  table: string;
  features: string[];
  prefix: string;
  dtype: 'F32' | 'F64';
  rows: number;
  torch_output: Columns;
  torch_output_float64: Columns | null;
}

const INTEROP = join(ROOT, 'fixtures', 'interop');
const golden = JSON.parse(readFileSync(join(INTEROP, 'goldens.json'), 'utf8')) as { torch_to_bn1d: TorchCase[]; bn1d_to_torch: ExportCase[] };
const dir = scratch();
const fixture = (file: string) => join('fixtures', 'interop', file);

/** Largest operand-relative error of outputs against a reference, with y = x * alpha + beta from the state. */
function worstError(state: BatchNormState, xs: (feature: string) => ArrayLike<number>, got: (feature: string) => ArrayLike<number>, want: Columns): number {
  let worst = 0;
  let compared = 0;
  state.features.forEach((feature, c) => {
    const mean = state.runningMean ? state.runningMean[c]! : 0;
    const variance = state.runningVar ? state.runningVar[c]! : 1;
    const alpha = (state.weight ? state.weight[c]! : 1) / Math.sqrt(variance + state.eps);
    const beta = (state.bias ? state.bias[c]! : 0) - mean * alpha;
    const x = xs(feature);
    const y = got(feature);
    want[feature]!.forEach((expected, i) => {
      worst = Math.max(worst, operandRelativeError(y[i]!, expected, x[i]!, alpha, beta));
      compared++;
    });
  });
  expect(compared).toBeGreaterThan(0);
  return worst;
}

describe.each(golden.torch_to_bn1d.map((g) => [g.name, g] as const))('PyTorch to bn1d: %s', (_name, g) => {
  const input = join(dir, `${g.name}.arrow`);
  const statePath = join(dir, `${g.name}.json`);
  const wide = g.dtypes.every((d) => d === 'F64');

  beforeAll(() => {
    // The table with a passthrough column in front, as an Arrow IPC file written by apache-arrow.
    const columns: Record<string, Vector> = { id: vectorFromArray(g.input[g.features[0]!]!.map((_, i) => i), new Int32()) as Vector };
    for (const f of g.features) columns[f] = vectorFromArray(g.input[f]!, new Float64()) as Vector;
    writeFileSync(input, tableToIPC(new Table(columns), 'file'));
  });

  test('import reads every stored value exactly, with the settings given', async () => {
    await ok(['import', fixture(g.file), ...g.import_flags, '-o', statePath]);
    const state = parseState(readFileSync(statePath, 'utf8'));
    expect([state.features, state.eps, state.momentum, state.affine]).toEqual([g.features, g.eps, g.momentum, g.state.weight !== undefined]);
    expect(state.weight && Array.from(state.weight)).toEqual(g.state.weight ?? null);
    expect(state.bias && Array.from(state.bias)).toEqual(g.state.bias ?? null);
    expect(Array.from(state.runningMean!)).toEqual(g.state.running_mean);
    expect(Array.from(state.runningVar!)).toEqual(g.state.running_var);
    expect(state.numBatchesTracked).toBe(g.state.num_batches_tracked);
    expect(state.fit).toMatchObject({ imported_from: fixture(g.file) });
  });

  test(`apply reproduces PyTorch: the float64 of the stored values at 1e-12, the ${wide ? 'float64' : 'float32'} layer at ${wide ? '1e-12' : '1e-5'}`, async () => {
    const out = await ok(['apply', input, '-s', statePath, '--dtype', 'float64']);
    const table = await readOutput(out);
    const state = parseState(readFileSync(statePath, 'utf8'));
    const xs = (f: string) => g.input[f]!;
    const got = (f: string) => numbers(table, f);
    expect(worstError(state, xs, got, g.torch_output_float64)).toBeLessThanOrEqual(1e-12);
    expect(worstError(state, xs, got, g.torch_output)).toBeLessThanOrEqual(wide ? 1e-12 : 1e-5);
    expect(Array.from(table.getChild('id')!.toArray() as Int32Array)).toEqual(g.input[g.features[0]!]!.map((_, i) => i));
  });

  if (g.prefix === '' || g.name === 'sequential') {
    test('apply --state takes the safetensors file itself, features from --columns', async () => {
      const direct = await ok(['apply', input, '-s', fixture(g.file), '-c', g.features.join(','), '--dtype', 'float64']);
      // eps is not in a state_dict: apply uses PyTorch's default, as import does without --eps.
      const json = join(dir, `${g.name}-default-eps.json`);
      await ok(['import', fixture(g.file), '--features', g.features.join(','), '-o', json]);
      const imported = await ok(['apply', input, '-s', json, '--dtype', 'float64']);
      const [a, b] = [await readOutput(direct), await readOutput(imported)];
      for (const f of g.features) expect(Array.from(numbers(a, f))).toEqual(Array.from(numbers(b, f)));
      if (g.eps === 1e-5) {
        const state = parseState(readFileSync(statePath, 'utf8'));
        expect(worstError(state, (f) => g.input[f]!, (f) => numbers(a, f), g.torch_output_float64)).toBeLessThanOrEqual(1e-12);
      }
    });
  }

  if (wide) {
    test('safetensors to state to safetensors keeps every tensor bit for bit (F64)', async () => {
      const back = join(dir, `${g.name}-back.safetensors`);
      await ok(['export', statePath, '--dtype', 'float64', '--prefix', g.prefix, '-o', back]);
      const original = parseSafetensors(readFileSync(join(INTEROP, g.file)), g.file).tensors;
      const exported = parseSafetensors(readFileSync(back), back).tensors;
      const layer = [...original.keys()].filter((k) => k.startsWith(g.prefix) && !k.slice(g.prefix.length).includes('.'));
      expect([...exported.keys()].sort()).toEqual(layer.sort());
      for (const key of layer) {
        expect([exported.get(key)!.dtype, exported.get(key)!.shape]).toEqual([original.get(key)!.dtype, original.get(key)!.shape]);
        expect(Buffer.from(exported.get(key)!.bytes).equals(Buffer.from(original.get(key)!.bytes))).toBe(true);
      }
    });
  }
});

describe.each(golden.bn1d_to_torch.map((g) => [g.name, g] as const))('bn1d to PyTorch: %s', (_name, g) => {
  test('export writes exactly the bytes PyTorch loaded with strict=True', async () => {
    const out = join(dir, g.file);
    await ok(['export', g.state, ...g.export_flags, '-o', out]);
    expect(readFileSync(out).equals(readFileSync(join(INTEROP, g.file)))).toBe(true);
    expect((await ok(['export', g.state, ...g.export_flags, '-o', '-'])).equals(readFileSync(out))).toBe(true);
  });

  test('apply --state with the export reproduces PyTorch on the table', async () => {
    const state = parseState((await ok(['import', fixture(g.file), '-o', '-'])).toString());
    expect(state.features).toEqual(g.features);
    const table = await readOutput(await ok(['apply', g.table, '-s', fixture(g.file), '--dtype', 'float64']));
    const input = await parquetAsArrow(join(ROOT, g.table));
    const xs = (f: string) => numbers(input, f);
    const got = (f: string) => numbers(table, f);
    expect(numbers(table, g.features[0]!).length).toBeGreaterThanOrEqual(g.rows);
    if (g.torch_output_float64) {
      expect(worstError(state, xs, got, g.torch_output_float64)).toBeLessThanOrEqual(1e-12);
      expect(worstError(state, xs, got, g.torch_output)).toBeLessThanOrEqual(1e-5);
    } else {
      expect(worstError(state, xs, got, g.torch_output)).toBeLessThanOrEqual(1e-12);
    }
  });

  test('the export imports to the state it came from (values as stored) and exports to the same tensors', async () => {
    const original = parseState(readFileSync(join(ROOT, g.state), 'utf8'));
    const json = join(dir, `${g.name}-imported.json`);
    await ok(['import', fixture(g.file), '-o', json]);
    const state = parseState(readFileSync(json, 'utf8'));
    const stored = (v: Float64Array | null) => v && Array.from(v, g.dtype === 'F32' ? Math.fround : Number);
    expect([state.features, state.eps, state.momentum, state.numBatchesTracked]).toEqual([original.features, original.eps, original.momentum, original.numBatchesTracked]);
    for (const key of ['runningMean', 'runningVar', 'weight', 'bias'] as const) expect(state[key] && Array.from(state[key]!)).toEqual(stored(original[key]));
    expect(state.fit).toEqual({ ...original.fit, imported_from: fixture(g.file), ...(g.prefix ? { prefix: g.prefix } : {}) });
    const again = join(dir, `${g.name}-again.safetensors`);
    await ok(['export', json, ...g.export_flags, '-o', again]);
    const a = parseSafetensors(readFileSync(again), again).tensors;
    const b = parseSafetensors(readFileSync(join(INTEROP, g.file)), g.file).tensors;
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [key, t] of b) expect(Buffer.from(a.get(key)!.bytes).equals(Buffer.from(t.bytes))).toBe(true);
  });
});

describe('usage and refusals', () => {
  const f32 = fixture('wine-f32.safetensors');
  const torchFile = fixture('torch-f32-sgd.safetensors');

  test('export needs -o, refuses to overwrite without --force, and never writes over its input', async () => {
    await fails(['export', fixture('wine-state.json')], 2, /required option '-o, --output <path>' not specified/);
    const out = join(dir, 'exists.safetensors');
    writeFileSync(out, 'keep me');
    await fails(['export', fixture('wine-state.json'), '-o', out], 2, /exists: pass --force to overwrite it/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    await ok(['export', fixture('wine-state.json'), '-o', out, '--force']);
    expect(readFileSync(out).equals(readFileSync(join(INTEROP, 'wine-f32.safetensors')))).toBe(true);
    await fails(['export', out, '-o', `${dir}/./exists.safetensors`, '--force'], 2, /is the input/);
  });

  test('a state float32 cannot hold is refused, and no file appears', async () => {
    const state = JSON.parse(readFileSync(join(INTEROP, 'wine-state.json'), 'utf8'));
    state.running_var[4] = 1e39;
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, JSON.stringify(state));
    const out = join(dir, 'huge.safetensors');
    await fails(['export', huge, '-o', out], 1, /huge\.json as float32: "running_var" of feature "magnesium" is Infinity/);
    expect(existsSync(out)).toBe(false);
    await ok(['export', huge, '--dtype', 'float64', '-o', out]);
  });

  test('import asks for what a state_dict does not hold, and refuses files that are not safetensors', async () => {
    const out = join(dir, 'refused.json');
    await fails(['import', torchFile, '-o', out], 2, /torch-f32-sgd\.safetensors does not name its features .*: pass --features with 4 column names/);
    await fails(['import', torchFile, '--features', 'a,b', '-o', out], 2, /--features lists 2 features, but the tensors hold 4 channels/);
    await fails(['import', fixture('torch-two-layers.safetensors'), '--features', 'p,q', '-o', out], 2, /holds 2 BatchNorm layers, with the prefixes "decoder\.bn\.", "encoder\.bn\."; choose one with bn1d import --prefix/);
    await fails(['import', fixture('wine-state.json'), '-o', out], 2, /wine-state\.json is not a safetensors file/);
    await fails(['import', f32, '-o', fixture('wine-f32.safetensors')], 2, /is the input/);
    expect(existsSync(out)).toBe(false);
    writeFileSync(out, '{}');
    await fails(['import', f32, '-o', out], 2, /exists: pass --force/);
    await ok(['import', f32, '-o', out, '--force']);
    expect(parseState(readFileSync(out, 'utf8')).features).toHaveLength(13);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('a fuzzed header length is a one-line data error everywhere a state is read', async () => {
    const bytes = Buffer.from(readFileSync(join(INTEROP, 'wine-f32.safetensors')));
    bytes.writeBigUInt64LE(2n ** 40n, 0);
    const bad = join(dir, 'fuzzed.safetensors');
    writeFileSync(bad, bytes);
    const message = /fuzzed\.safetensors: the safetensors header claims 1,099,511,627,776 bytes but only [\d,]+ follow the length/;
    await fails(['import', bad, '-o', join(dir, 'never.json')], 1, message);
    await fails(['apply', 'fixtures/real/wine.parquet', '-s', bad], 1, message);
    await fails(['inspect', bad], 1, message);
    await fails(['export', bad, '-o', join(dir, 'never.safetensors')], 1, message);
    const trailing = join(dir, 'trailing.safetensors');
    writeFileSync(trailing, Buffer.concat([readFileSync(join(INTEROP, 'wine-f32.safetensors')), Buffer.from('junk')]));
    await fails(['import', trailing, '-o', join(dir, 'never.json')], 1, /trailing\.safetensors: 4 trailing bytes after the last tensor/);
  });

  test('apply takes --columns with a state only for a safetensors file that names no features', async () => {
    const wine = 'fixtures/real/wine.parquet';
    await fails(['apply', wine, '-s', fixture('wine-state.json'), '-c', 'alcohol'], 2, /--columns cannot be combined with --state/);
    await fails(['apply', wine, '-s', f32, '-c', 'alcohol'], 2, /--columns cannot be combined with the state .*wine-f32\.safetensors: it names its features \(alcohol, malic_acid/);
    await fails(['apply', wine, '-s', torchFile], 2, /does not name its features .*: pass --columns with 4 column names/);
    await fails(['apply', wine, '-s', torchFile, '-c', 'alcohol,ash'], 2, /--columns lists 2 features, but the tensors hold 4 channels/);
    await fails(['apply', wine, '-s', torchFile, '-c', 'alcohol,ash,hue,prolin'], 2, /--columns: .*wine\.parquet has no column "prolin" \(did you mean "proline"\?\); its columns are: alcohol, /);
    await fails(['apply', wine, '-s', f32, '--eps', '0.1'], 2, /--eps cannot be combined with --state/);
    const table = await readOutput(await ok(['apply', wine, '-s', torchFile, '-c', 'alcohol,ash,hue,proline', '--dtype', 'float64']));
    expect(table.numRows).toBe(178);
  });

  test('inspect shows a bn1d export and points a PyTorch file at import; the help says where eps, momentum and features come from', async () => {
    const shown = (await ok(['inspect', f32])).toString();
    expect(shown).toMatch(/^feature\s+mean/);
    expect(shown).toMatch(/od280\/od315_of_diluted_wines/);
    await fails(['inspect', torchFile], 2, /does not name its features .*, and needs 4 column names in channel order; name them with bn1d import --features/);
    const importHelp = (await ok(['import', '--help'])).toString();
    expect(importHelp).toMatch(/Examples:\n {2}\$ /);
    expect(importHelp).toMatch(/not eps, momentum or the column\s+names/);
    expect(importHelp).toMatch(/1e-5 and 0\.1/);
    expect((await ok(['export', '--help'])).toString()).toMatch(/Examples:\n {2}\$ bn1d export stats\.json -o bn\.safetensors/);
    expect((await ok(['apply', '--help'])).toString()).toMatch(/safetensors;\s+one\s+from\s+PyTorch\s+names\s+no\s+features:\s+give\s+them\s+with\s+--columns/);
  });
});
