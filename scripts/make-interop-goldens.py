#!/usr/bin/python3
"""Write fixtures/interop/: BatchNorm1d state_dicts traded both ways between PyTorch and bn1d.

PyTorch to bn1d: trains a few torch.nn.BatchNorm1d layers (float32, float64,
affine=False, one inside nn.Sequential, two inside one model, one saved as
F16 and one as BF16), saves their state_dicts as safetensors files, and
records PyTorch's eval-mode output on a small table, in the layer's dtype
and in float64 (the same layer converted with .double(), which is exactly
what the stored values imply).

bn1d to PyTorch: fits bn1d states on fixtures/real/wine.parquet, exports
them with `bn1d export`, loads each export into torch.nn.BatchNorm1d with
load_state_dict(strict=True), and records PyTorch's eval output on the table
(its first RECORDED_ROWS rows).

Both ways, the script runs bn1d (import, apply) on the same data and records
the largest difference from PyTorch in goldens.json, asserting that it is
tiny. safetensors is read and written here with struct and json only.

Run after `npm run build`, with Debian's PyTorch:
    /usr/bin/python3 scripts/make-interop-goldens.py
The output is deterministic (seeded); CI only reads the committed files.
"""
import copy
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
from collections import OrderedDict

import torch

torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'fixtures', 'interop')
REAL = os.path.join(ROOT, 'fixtures', 'real')
WINE = 'fixtures/real/wine.parquet'

CODES = {torch.float16: 'F16', torch.bfloat16: 'BF16', torch.float32: 'F32', torch.float64: 'F64',
         torch.int32: 'I32', torch.int64: 'I64'}
TYPES = {code: dtype for dtype, code in CODES.items()}
RANK = {'I64': 3, 'F64': 2, 'I32': 1, 'F32': 1, 'F16': 0, 'BF16': 0}


def save_safetensors(path, tensors, metadata=None):
    """The safetensors layout: u64 header length, JSON header padded with spaces to 8 bytes, raw bytes."""
    names = sorted(tensors, key=lambda n: (-RANK[CODES[tensors[n].dtype]], n))
    header, blobs, at = OrderedDict(), [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name in names:
        t = tensors[name].detach().contiguous()
        blob = t.reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {'dtype': CODES[t.dtype], 'shape': list(t.shape), 'data_offsets': [at, at + len(blob)]}
        blobs.append(blob)
        at += len(blob)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def load_safetensors(path):
    """The tensors and metadata of a safetensors file."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop('__metadata__', {})
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        raw = bytearray(body[begin:end])
        t = torch.frombuffer(raw, dtype=TYPES[info['dtype']]) if raw else torch.empty(0, dtype=TYPES[info['dtype']])
        tensors[name] = t.reshape(info['shape']).clone()
    return tensors, metadata


def node(code, stdin):
    """Runs an ES module snippet with the repository's node_modules (apache-arrow)."""
    out = subprocess.run(['node', '--input-type=module', '-e', code], input=stdin, cwd=ROOT, capture_output=True, check=True)
    return out.stdout


WRITE_ARROW = """
import { readFileSync, writeFileSync } from 'node:fs';
import { Float64, Table, tableToIPC, vectorFromArray } from 'apache-arrow';
const { path, columns } = JSON.parse(readFileSync(0, 'utf8'));
const vectors = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, vectorFromArray(v, new Float64())]));
writeFileSync(path, tableToIPC(new Table(vectors), 'file'));
"""
READ_ARROW = """
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
const table = tableFromIPC(readFileSync(0));
const out = {};
for (const f of table.schema.fields) out[f.name] = Array.from(table.getChild(f.name).toArray(), Number);
process.stdout.write(JSON.stringify(out));
"""


def bn1d(*args):
    run = subprocess.run(['node', 'bin/bn1d.js', *args], cwd=ROOT, capture_output=True)
    if run.returncode != 0:
        raise SystemExit(f"bn1d {' '.join(args)} failed: {run.stderr.decode()}")
    return run.stdout


def bn1d_apply(table, state, *flags):
    """bn1d's eval output as {column: [float64]}."""
    return json.loads(node(READ_ARROW, bn1d('apply', table, '-s', state, '--dtype', 'float64', *flags)))


def eval_outputs(bn, x64):
    """PyTorch's eval output in the layer's dtype, and of the same layer in float64."""
    dtype = bn.running_mean.dtype
    wide = copy.deepcopy(bn).double().eval()
    bn.eval()
    with torch.no_grad():
        return bn(x64.to(dtype)).double(), wide(x64)


def errors(bn, x64, got, want, features):
    """Largest absolute and operand-relative difference of bn1d's output `got` from PyTorch's `want`."""
    wide = copy.deepcopy(bn).double()
    c = len(features)
    mean = wide.running_mean if wide.track_running_stats else torch.zeros(c, dtype=torch.float64)
    var = wide.running_var if wide.track_running_stats else torch.ones(c, dtype=torch.float64)
    weight = wide.weight.detach() if wide.affine else torch.ones(c, dtype=torch.float64)
    bias = wide.bias.detach() if wide.affine else torch.zeros(c, dtype=torch.float64)
    alpha = weight / torch.sqrt(var + wide.eps)
    beta = bias - mean * alpha
    worst_abs = worst_rel = 0.0
    for k, f in enumerate(features):
        for i, y in enumerate(got[f]):
            e = float(want[i, k])
            size = max(abs(e), abs(float(x64[i, k] * alpha[k])), abs(float(beta[k])))
            worst_abs = max(worst_abs, abs(y - e))
            worst_rel = max(worst_rel, abs(y - e) / size if size else 0.0)
    return worst_abs, worst_rel


def columns(t, features):
    return {f: t[:, k].tolist() for k, f in enumerate(features)}


def state_values(bn):
    s = {k: v for k, v in bn.state_dict().items()}
    return {k: (int(v) if k == 'num_batches_tracked' else v.double().tolist()) for k, v in s.items()}


def train(bn, steps, seed, optimize=False):
    """A few training-mode batches; with `optimize`, SGD steps that move weight and bias too."""
    g = torch.Generator().manual_seed(seed)
    c = bn.num_features
    dtype = torch.float64 if any(p.dtype == torch.float64 for p in bn.buffers()) else torch.float32
    offsets = torch.randn(c, generator=g, dtype=torch.float64) * 5
    scales = torch.rand(c, generator=g, dtype=torch.float64) * 3 + 0.5
    opt = torch.optim.SGD(bn.parameters(), lr=0.3) if optimize else None
    target = torch.randn(32, c, generator=g, dtype=torch.float64).to(dtype)
    bn.train()
    for _ in range(steps):
        x = (torch.randn(32, c, generator=g, dtype=torch.float64) * scales + offsets).to(dtype)
        y = bn(x)
        if opt:
            loss = ((y - target) ** 2).mean() + (y.sum(0) * torch.arange(c, dtype=dtype)).mean() * 0.01
            opt.zero_grad()
            loss.backward()
            opt.step()
    if bn.affine and not optimize:
        with torch.no_grad():
            bn.weight.copy_(torch.rand(c, generator=g, dtype=torch.float64) * 2 + 0.25)
            bn.bias.copy_(torch.randn(c, generator=g, dtype=torch.float64))
    return offsets, scales, g


def table(offsets, scales, g, rows=12):
    """A small input table whose values are float32 numbers (exact in either dtype)."""
    x = torch.randn(rows, len(offsets), generator=g, dtype=torch.float64) * scales + offsets
    x[0] = 0.0
    return x.float().double()


def torch_cases():
    """Each: (name, description, saved tensors, layer as loaded, import flags, features, metadata used)."""
    torch.manual_seed(0)  # the Linear layers' initial weights
    out = []

    bn = torch.nn.BatchNorm1d(4)
    o, s, g = train(bn, 6, 1, optimize=True)
    out.append(('f32-sgd', 'float32, momentum 0.1, weight and bias moved by SGD steps', bn.state_dict(), bn,
                '', ['sepal', 'petal', 'width', 'height'], 1e-5, 0.1, table(o, s, g)))

    bn = torch.nn.BatchNorm1d(3, eps=1e-3, momentum=None, dtype=torch.float64)
    o, s, g = train(bn, 5, 2)
    out.append(('f64-cumulative', 'float64, eps 1e-3, momentum None (cumulative average), random weight and bias',
                bn.state_dict(), bn, '', ['x', 'y', 'z'], 1e-3, None, table(o, s, g)))

    bn = torch.nn.BatchNorm1d(3, affine=False, momentum=0.3)
    o, s, g = train(bn, 4, 3)
    out.append(('f32-no-affine', 'float32, affine=False (no weight or bias), momentum 0.3', bn.state_dict(), bn,
                '', ['a', 'b', 'c'], 1e-5, 0.3, table(o, s, g)))

    model = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.BatchNorm1d(3, dtype=torch.float64)).double()
    o, s, g = train(model[1], 5, 4)
    out.append(('sequential', 'nn.Sequential(Linear, BatchNorm1d) in float64: the layer\'s keys start with "1."',
                model.state_dict(), model[1], '1.', ['u', 'v', 'w'], 1e-5, 0.1, table(o, s, g)))

    model = torch.nn.Module()
    model.encoder = torch.nn.Sequential(OrderedDict(lin=torch.nn.Linear(2, 2), bn=torch.nn.BatchNorm1d(2)))
    model.decoder = torch.nn.Sequential(OrderedDict(bn=torch.nn.BatchNorm1d(2), lin=torch.nn.Linear(2, 2)))
    train(model.decoder.bn, 3, 5)
    o, s, g = train(model.encoder.bn, 4, 6)
    out.append(('two-layers', 'two BatchNorm1d layers in one model: encoder.bn. and decoder.bn.',
                model.state_dict(), model.encoder.bn, 'encoder.bn.', ['p', 'q'], 1e-5, 0.1, table(o, s, g)))

    for name, dtype, nbt in (('f16', torch.float16, torch.int64), ('bf16', torch.bfloat16, torch.int32)):
        bn = torch.nn.BatchNorm1d(3, momentum=0.2)
        o, s, g = train(bn, 5, 7 if dtype == torch.float16 else 8)
        saved = {k: (v.to(nbt) if k == 'num_batches_tracked' else v.to(dtype)) for k, v in bn.state_dict().items()}
        # The layer as PyTorch loads the file: float32 with the half-precision values.
        loaded = torch.nn.BatchNorm1d(3, momentum=0.2)
        loaded.load_state_dict(saved, strict=True)
        out.append((name, f'float32 layer saved as {CODES[dtype]} tensors, num_batches_tracked as {CODES[nbt]}',
                    saved, loaded, '', ['r', 's', 't'], 1e-5, 0.2, table(o, s, g)))
    return out


def make_torch_to_bn1d(tmp):
    records = []
    for name, description, saved, bn, prefix, features, eps, momentum, x in torch_cases():
        file = f'torch-{name}.safetensors'
        save_safetensors(os.path.join(OUT, file), {k: v for k, v in saved.items()})
        native, wide = eval_outputs(bn, x)
        flags = ['--features', ','.join(features), '--eps', repr(eps), '--momentum', 'none' if momentum is None else repr(momentum)]
        if name == 'two-layers':
            flags += ['--prefix', prefix]
        state = os.path.join(tmp, name + '.json')
        bn1d('import', os.path.join(OUT, file), *flags, '-o', state)
        arrow = os.path.join(tmp, name + '.arrow')
        node(WRITE_ARROW, json.dumps({'path': arrow, 'columns': columns(x, features)}).encode())
        got = bn1d_apply(arrow, state)
        err_native = errors(bn, x, got, native, features)
        err_wide = errors(bn, x, got, wide, features)
        assert err_wide[1] <= 1e-12, (name, err_wide)
        assert err_native[1] <= (1e-12 if bn.running_mean.dtype == torch.float64 else 1e-5), (name, err_native)
        records.append({
            'name': name, 'description': description, 'file': file, 'prefix': prefix, 'import_flags': flags,
            'features': features, 'eps': eps, 'momentum': momentum,
            'dtypes': sorted({CODES[v.dtype] for k, v in saved.items() if k.startswith(prefix)}),
            'state': state_values(bn),
            'input': columns(x, features),
            'torch_output': columns(native, features),
            'torch_output_float64': columns(wide, features),
            'bn1d_error': {'vs_torch_output': {'max_abs': err_native[0], 'max_operand_relative': err_native[1]},
                           'vs_torch_output_float64': {'max_abs': err_wide[0], 'max_operand_relative': err_wide[1]}},
        })
        print(f'{name}: bn1d vs PyTorch max abs {err_native[0]:.3g} (float64 of the stored values: {err_wide[0]:.3g})',
              file=sys.stderr)
    return records


def wine():
    import csv
    with open(os.path.join(REAL, 'wine.csv'), newline='') as f:
        rows = list(csv.reader(f))
    header = rows[0]
    features = [h for h in header if h != 'target']
    x = torch.tensor([[float(r[header.index(h)]) for h in features] for r in rows[1:]], dtype=torch.float64)
    return features, x


# The fields of a version-1 state file (SPEC.md); anything else a fit may add is left out of the fixtures.
STATE_FIELDS = ['format', 'version', 'features', 'num_features', 'eps', 'momentum', 'affine', 'track_running_stats',
                'running_mean', 'running_var', 'weight', 'bias', 'num_batches_tracked', 'fit']


def fit_wine(tmp, name, *flags, change=None):
    """`bn1d fit` on the wine table, written to fixtures/interop/<name> with only the version-1 fields."""
    path = os.path.join(tmp, name)
    bn1d('fit', WINE, '-x', 'target', *flags, '-q', '-s', path)
    with open(path) as f:
        state = json.load(f)
    if change:
        change(state)
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump({k: state[k] for k in STATE_FIELDS if k in state}, f, indent=2)
        f.write('\n')


def bn1d_states(tmp):
    """bn1d states fitted on the wine table, the first with non-trivial weight and bias put in."""
    g = torch.Generator().manual_seed(11)

    def weight_and_bias(state):
        c = state['num_features']
        state['weight'] = (torch.rand(c, generator=g, dtype=torch.float64) * 2 + 0.25).tolist()
        state['bias'] = torch.randn(c, generator=g, dtype=torch.float64).tolist()

    fit_wine(tmp, 'wine-state.json', '-m', 'none', '-b', '32', change=weight_and_bias)
    fit_wine(tmp, 'wine-no-affine-state.json', '-m', '0.1', '-b', '64', '--eps', '1e-3', '--no-affine')


# The wine goldens record the first rows only (the assertions above cover all 178).
RECORDED_ROWS = 64

REVERSE = [
    ('wine-f64', 'wine-state.json', ['--dtype', 'float64'], 'wine-f64.safetensors'),
    ('wine-f32', 'wine-state.json', [], 'wine-f32.safetensors'),
    ('wine-no-affine-bn', 'wine-no-affine-state.json', ['--prefix', 'bn.'], 'wine-no-affine-bn.safetensors'),
]


def make_bn1d_to_torch(tmp):
    bn1d_states(tmp)
    features, x = wine()
    records = []
    for name, state_file, flags, file in REVERSE:
        path = os.path.join(OUT, file)
        if os.path.exists(path):
            os.remove(path)
        bn1d('export', os.path.join('fixtures', 'interop', state_file), *flags, '-o', path)
        tensors, meta = load_safetensors(path)
        assert json.loads(meta['features']) == features, meta
        momentum = None if meta['momentum'] == 'none' else float(meta['momentum'])
        dtype = tensors[[k for k in tensors if k.endswith('running_mean')][0]].dtype
        prefix = 'bn.' if '--prefix' in flags else ''
        bn = torch.nn.BatchNorm1d(len(features), eps=float(meta['eps']), momentum=momentum,
                                  affine=f'{prefix}weight' in tensors, dtype=dtype)
        holder = bn
        if prefix:
            holder = torch.nn.Module()
            holder.bn = bn
        holder.load_state_dict(tensors, strict=True)
        native, wide = eval_outputs(bn, x)
        got = bn1d_apply(WINE, path)
        err_native = errors(bn, x, got, native, features)
        err_wide = errors(bn, x, got, wide, features)
        assert err_wide[1] <= 1e-12, (name, err_wide)
        assert err_native[1] <= (1e-12 if dtype == torch.float64 else 1e-5), (name, err_native)
        records.append({
            'name': name, 'state': f'fixtures/interop/{state_file}', 'export_flags': flags, 'file': file,
            'table': WINE, 'features': features, 'prefix': prefix, 'dtype': CODES[dtype],
            'rows': RECORDED_ROWS,
            'torch_output': columns(native[:RECORDED_ROWS], features),
            'torch_output_float64': columns(wide[:RECORDED_ROWS], features) if dtype != torch.float64 else None,
            'bn1d_error': {'vs_torch_output': {'max_abs': err_native[0], 'max_operand_relative': err_native[1]},
                           'vs_torch_output_float64': {'max_abs': err_wide[0], 'max_operand_relative': err_wide[1]}},
        })
        print(f'{name}: PyTorch loaded the export; bn1d vs PyTorch max abs {err_native[0]:.3g} '
              f'(float64 of the stored values: {err_wide[0]:.3g})', file=sys.stderr)
    return records


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        golden = {
            'torch_version': torch.__version__,
            'torch_to_bn1d': make_torch_to_bn1d(tmp),
            'bn1d_to_torch': make_bn1d_to_torch(tmp),
        }
    path = os.path.join(OUT, 'goldens.json')
    with open(path, 'w') as f:
        json.dump(golden, f, allow_nan=False, separators=(',', ':'))
        f.write('\n')
    print(f'goldens.json: {os.path.getsize(path)} bytes', file=sys.stderr)


if __name__ == '__main__':
    main()
