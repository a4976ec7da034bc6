#!/usr/bin/python3
"""Write the PyTorch golden cases of bn1d's core into fixtures/goldens/.

Each case streams a small table through torch.nn.BatchNorm1d (float64, one
thread) in batches of `batch_size` rows for `epochs` passes, exactly as
SPEC.md defines a fit, and records the inputs, the running statistics after
the fit, the eval-mode output, and for the first epoch the training-mode
output with PyTorch's own batch mean and invstd (`torch.native_batch_norm`).

Run with Debian's PyTorch:  /usr/bin/python3 scripts/make-goldens.py
The output is deterministic (seeded); CI only reads the committed files.

Columns with nulls or ragged lists cannot be one (N, C, L) tensor, so their
channels go through separate BatchNorm1d(1) layers fed only the non-null
values of each batch: the statistics of a channel reduce over every value it
has in the batch, which is the contract for such columns.
"""
import json
import os
import sys
import zlib

import numpy as np
import torch

torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'fixtures', 'goldens')
OUT_REAL = os.path.join(ROOT, 'fixtures', 'goldens-real')
REAL = os.path.join(ROOT, 'fixtures', 'real')

INT_RANGES = {
    'int8': (-128, 127), 'uint8': (0, 255), 'int16': (-32768, 32767),
    'int32': (-2**31, 2**31 - 1), 'int64': (-2**53, 2**53), 'uint32': (0, 2**32 - 1),
}


def case(name, description, **kw):
    base = dict(name=name, description=description, rows=200, channels=3, length=None,
                dtype='float64', batch_size=32, epochs=1, drop_last=False, momentum=0.1,
                eps=1e-5, affine=True, track_running_stats=True, null_rate=0.0,
                null_row_rate=0.0, offset=None, scale=None, init_running=False,
                constant_channel=False)
    base.update(kw)
    return base


CASES = [
    case('momentum-0.1-2d', 'defaults: momentum 0.1, eps 1e-5, trailing short batch (200 = 6*32 + 8)'),
    case('momentum-0.01-two-epochs', 'momentum 0.01 over 2 epochs', momentum=0.01, epochs=2, rows=150, batch_size=40),
    case('momentum-1.0', 'momentum 1.0: running stats are the last batch\'s', momentum=1.0, rows=130, batch_size=40),
    case('momentum-none-three-epochs', 'cumulative average over 3 epochs', momentum=None, epochs=3, rows=250, batch_size=64),
    case('momentum-none-drop-last', 'cumulative average, short last batch dropped every epoch', momentum=None, epochs=2,
         rows=250, batch_size=64, drop_last=True),
    case('drop-last-momentum-0.1', 'short last batch dropped', rows=100, batch_size=30, drop_last=True),
    case('batch-size-2', 'batches of 2 rows (n = 2, unbiased factor 2)', rows=40, batch_size=2),
    case('batch-size-2-odd-drop-last', 'batches of 2, the single last row dropped', rows=41, batch_size=2,
         drop_last=True, momentum=None),
    case('single-batch', 'the whole table is one batch', rows=57, batch_size=1000, channels=5),
    case('eps-1e-3', 'eps 1e-3', eps=1e-3),
    case('eps-0.5-small-variance', 'eps larger than the variance', eps=0.5, scale=0.05),
    case('eps-zero', 'eps 0', eps=0.0, rows=90, batch_size=16),
    case('affine-off', 'affine=False: no weight or bias', affine=False, momentum=None, epochs=2),
    case('no-running-stats', 'track_running_stats=False: every forward uses batch statistics',
         track_running_stats=False, rows=100, batch_size=25),
    case('no-running-stats-affine-off', 'no running stats, no affine', track_running_stats=False,
         affine=False, rows=70, batch_size=32),
    case('resume', 'continues a state with non-default running stats and num_batches_tracked 7',
         momentum=None, init_running=True, epochs=2, rows=120, batch_size=32),
    case('float32', 'float32 input, computed in float64', dtype='float32', epochs=2),
    case('float16', 'float16 input, computed in float64', dtype='float16', rows=160, batch_size=50),
    case('int32', 'int32 input', dtype='int32', scale=1000.0, momentum=None),
    case('int64-large', 'int64 input around 1e12', dtype='int64', offset=1e12, scale=1e6),
    case('uint8-pixels', 'uint8 input 0..16 with a constant channel (variance 0)', dtype='uint8',
         offset=8.0, scale=4.0, constant_channel=True, rows=180, batch_size=36, channels=4),
    case('int8', 'int8 input', dtype='int8', offset=0.0, scale=40.0, momentum=0.01, epochs=3),
    case('offset-1e8', 'values 1e8 + N(0, 1): variance survives the offset', offset=1e8, scale=1.0,
         momentum=None, rows=256, batch_size=64),
    case('offset-minus-1e6-tiny-scale', 'values -1e6 + N(0, 1e-3)', offset=-1e6, scale=1e-3, eps=1e-12),
    case('mixed-scales', 'channels from 1e-3 to 1e4 in scale', channels=4, scale=[1e-3, 1.0, 1e2, 1e4],
         offset=[0.0, -3.0, 500.0, 1e5]),
    case('many-channels', '16 channels, few rows', channels=16, rows=48, batch_size=12, momentum=None),
    case('3d-fixed-length', '(N, C, L) = (120, 3, 4)', length=4, rows=120, batch_size=16),
    case('3d-momentum-none-epochs', '(N, C, L) = (90, 2, 7), cumulative, 2 epochs, drop last', length=7,
         rows=90, batch_size=20, momentum=None, epochs=2, drop_last=True),
    case('3d-length-1', '(N, C, 1): same as 2-D', length=1, rows=64, batch_size=10),
    case('3d-batch-size-1', '(N, C, L) with one row per batch: n = L values', length=5, rows=12, batch_size=1,
         momentum=None),
    case('ragged-lists', 'list columns whose length varies per row (0 to 6)', length='ragged', rows=100,
         batch_size=16),
    case('nulls-2d', '10% nulls: left out of n and of the statistics', null_rate=0.1, rows=160, batch_size=20),
    case('nulls-ragged', 'ragged lists with null elements and null rows', length='ragged', null_rate=0.15,
         null_row_rate=0.1, rows=120, batch_size=24, momentum=None),
    case('nulls-3d-fixed', 'fixed-length lists with null elements and null rows', length=3, null_rate=0.1,
         null_row_rate=0.05, rows=80, batch_size=16, dtype='float32'),
]


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def per_channel(value, channels, rng, default):
    if value is None:
        return default(rng, channels)
    if isinstance(value, list):
        return np.array(value, dtype=np.float64)
    return np.full(channels, float(value))


def cast(values, dtype):
    """Values as the given input type would hold them, back in float64."""
    if dtype == 'float64':
        return values
    if dtype in ('float32', 'float16'):
        return values.astype(dtype).astype(np.float64)
    lo, hi = INT_RANGES[dtype]
    return np.clip(np.round(values), lo, hi)


def make_values(c, rng):
    """Per channel, the list of values of each row (2-D rows hold one value)."""
    n, C = c['rows'], c['channels']
    loc = per_channel(c['offset'], C, rng, lambda r, k: r.uniform(-5, 5, k))
    scale = per_channel(c['scale'], C, rng, lambda r, k: np.exp(r.uniform(-2, 2, k)))
    if c['length'] is None:
        lengths = np.ones((n, C), dtype=int)
    elif c['length'] == 'ragged':
        lengths = rng.integers(0, 7, size=(n, C))
    else:
        lengths = np.full((n, C), c['length'], dtype=int)
    columns = []
    for k in range(C):
        rows = []
        for i in range(n):
            vals = cast(loc[k] + scale[k] * rng.standard_normal(lengths[i, k]), c['dtype'])
            if c['constant_channel'] and k == C - 1:
                vals = np.full(lengths[i, k], cast(np.array([loc[k]]), c['dtype'])[0])
            row = [float(v) for v in vals]
            if c['null_rate']:
                row = [None if rng.random() < c['null_rate'] else v for v in row]
            rows.append(row)
        if c['null_row_rate']:
            rows = [None if rng.random() < c['null_row_rate'] else r for r in rows]
        columns.append(rows)
    return columns


def batches(n, size, drop_last):
    out = [(s, min(s + size, n)) for s in range(0, n, size)]
    if drop_last and out and out[-1][1] - out[-1][0] < size:
        out.pop()
    return out


def new_layer(c, channels, init):
    bn = torch.nn.BatchNorm1d(channels, eps=c['eps'], momentum=c['momentum'], affine=c['affine'],
                              track_running_stats=c['track_running_stats'], dtype=torch.float64)
    with torch.no_grad():
        if c['affine']:
            bn.weight.copy_(torch.tensor(init['weight'], dtype=torch.float64))
            bn.bias.copy_(torch.tensor(init['bias'], dtype=torch.float64))
        if c['track_running_stats']:
            bn.running_mean.copy_(torch.tensor(init['running_mean'], dtype=torch.float64))
            bn.running_var.copy_(torch.tensor(init['running_var'], dtype=torch.float64))
            bn.num_batches_tracked.fill_(init['num_batches_tracked'])
    return bn


def dense(columns):
    """The columns as one (N, C) or (N, C, L) tensor, or None if they have nulls or ragged rows."""
    lengths = {len(r) for col in columns for r in col if r is not None}
    if any(r is None or None in r for col in columns for r in col) or len(lengths) != 1:
        return None
    return np.array([[r for r in rows] for rows in zip(*columns)], dtype=np.float64)


def run_dense(c, x, init, dims):
    """The real layer over (N, C[, L]) batches: fitted state, eval and train outputs."""
    n = x.shape[0]
    t = torch.tensor(x if dims == 3 else x[:, :, 0])
    bn = new_layer(c, x.shape[1], init)
    train_out = np.full(t.shape, np.nan)
    stats = []
    for epoch in range(c['epochs']):
        for s, e in batches(n, c['batch_size'], c['drop_last']):
            bn.train()
            y = bn(t[s:e])
            if epoch == 0:
                train_out[s:e] = y.detach().numpy()
                stats.append(batch_stats(t[s:e], c, y))
    bn.eval()
    with torch.no_grad():
        if c['track_running_stats']:
            eval_out = bn(t).numpy()
        else:
            eval_out = np.full(t.shape, np.nan)
            for s, e in batches(n, c['batch_size'], False):
                eval_out[s:e] = bn(t[s:e]).numpy()
    state = None
    if c['track_running_stats']:
        state = dict(running_mean=bn.running_mean.tolist(), running_var=bn.running_var.tolist(),
                     num_batches_tracked=int(bn.num_batches_tracked))
    if dims == 2:
        train_out, eval_out = train_out[:, :, None], eval_out[:, :, None]
    return state, train_out, eval_out, [dict(start=s, end=e, mean=m, invstd=i)
                                        for (s, e), (m, i) in zip(batches(n, c['batch_size'], c['drop_last']), stats)]


def batch_stats(x, c, y):
    """PyTorch's own batch mean and 1/sqrt(biased var + eps) of a training batch (save_mean, save_invstd)."""
    out, mean, invstd = torch.native_batch_norm(x, None, None, None, None, True, 0.1, c['eps'])
    if c['affine'] is False and not torch.equal(out, y.detach()):
        raise AssertionError('native_batch_norm disagrees with the layer')
    return mean.tolist(), invstd.tolist()


def run_masked(c, columns, init):
    """One BatchNorm1d(1) per channel, fed the non-null values of each batch as an (M, 1) tensor."""
    n = len(columns[0])
    state = dict(running_mean=[], running_var=[], num_batches_tracked=None)
    train_cols, eval_cols = [], []
    spans = batches(n, c['batch_size'], c['drop_last'])
    stats = [dict(start=s, end=e, mean=[], invstd=[]) for s, e in spans]
    for k, rows in enumerate(columns):
        one = {key: ([v[k]] if isinstance(v, list) else v) for key, v in init.items()}
        bn = new_layer(c, 1, one)

        def valid_values(s, e):
            vals, where = [], []
            for i in range(s, e):
                for j, v in enumerate(rows[i] or []):
                    if v is not None:
                        vals.append(v)
                        where.append((i, j))
            return torch.tensor(vals, dtype=torch.float64)[:, None], where

        train = [None if r is None else [None] * len(r) for r in rows]
        evals = [None if r is None else [None] * len(r) for r in rows]
        for epoch in range(c['epochs']):
            for s, e in batches(n, c['batch_size'], c['drop_last']):
                bn.train()
                vals, where = valid_values(s, e)
                out = bn(vals)
                y = out[:, 0].tolist()
                if epoch == 0:
                    for (i, j), v in zip(where, y):
                        train[i][j] = v
                    m, inv = batch_stats(vals, c, out)
                    slot = next(b for b in stats if b['start'] == s)
                    slot['mean'].append(m[0])
                    slot['invstd'].append(inv[0])
        bn.eval()
        with torch.no_grad():
            spans = [(0, n)] if c['track_running_stats'] else batches(n, c['batch_size'], False)
            for s, e in spans:
                vals, where = valid_values(s, e)
                for (i, j), v in zip(where, bn(vals)[:, 0].tolist()):
                    evals[i][j] = v
        train_cols.append(train)
        eval_cols.append(evals)
        if c['track_running_stats']:
            state['running_mean'].append(float(bn.running_mean[0]))
            state['running_var'].append(float(bn.running_var[0]))
            state['num_batches_tracked'] = int(bn.num_batches_tracked)
    return (state if c['track_running_stats'] else None), train_cols, eval_cols, stats


def shape_like(columns, out):
    """A dense (N, C, L) output array as columns shaped like the input (None where dropped)."""
    result = []
    for k, rows in enumerate(columns):
        col = []
        for i, r in enumerate(rows):
            vals = [None if np.isnan(v) else float(v) for v in out[i, k, :len(r)]]
            col.append(vals)
        result.append(col)
    return result


def encode(columns, scalar):
    """Columns for JSON: a 2-D column holds one number (or null) per row, a list column a list per row."""
    if scalar:
        return [[r[0] for r in rows] for rows in columns]
    return columns


def make(c):
    rng = rng_for(c['name'])
    C = c['channels']
    init = dict(weight=[1.0] * C, bias=[0.0] * C, running_mean=[0.0] * C, running_var=[1.0] * C,
                num_batches_tracked=0)
    if c['affine']:
        init['weight'] = [float(v) for v in rng.uniform(0.5, 2.0, C) * rng.choice([-1.0, 1.0], C)]
        init['bias'] = [float(v) for v in rng.normal(0, 1, C)]
    if c['init_running']:
        init['running_mean'] = [float(v) for v in rng.normal(0, 3, C)]
        init['running_var'] = [float(v) for v in rng.uniform(0.5, 4, C)]
        init['num_batches_tracked'] = 7
    columns = make_values(c, rng)
    x = dense(columns)
    if x is not None:
        state, train, evals, stats = run_dense(c, x, init, 2 if c['length'] is None else 3)
        train, evals = shape_like(columns, train), shape_like(columns, evals)
    else:
        state, train, evals, stats = run_masked(c, columns, init)
    scalar = c['length'] is None
    golden = {
        'name': c['name'],
        'description': c['description'],
        'torch_version': torch.__version__,
        'config': {
            'num_features': C, 'eps': c['eps'], 'momentum': c['momentum'], 'affine': c['affine'],
            'track_running_stats': c['track_running_stats'], 'batch_size': c['batch_size'],
            'epochs': c['epochs'], 'drop_last': c['drop_last'],
        },
        'dtype': c['dtype'],
        'layout': '2d' if scalar else ('ragged' if c['length'] == 'ragged' else '3d'),
        'list_size': c['length'] if isinstance(c['length'], int) else None,
        'input': encode(columns, scalar),
        'initial': {k: (v if c['affine'] or k not in ('weight', 'bias') else None) for k, v in init.items()},
        'fitted': state,
        'train_batches': stats,
        'train_output': encode(train, scalar),
        'eval_output': encode(evals, scalar),
    }
    if not c['track_running_stats']:
        golden['initial'].update(running_mean=None, running_var=None, num_batches_tracked=None)
    return golden


# Real tables (bundled as fixtures/real/<table>.parquet), fitted as `bn1d fit` would
# with every column but the target, then applied in eval and in training mode.
REAL_CASES = [
    dict(name='wine', table='wine', exclude=['target'], batch_size=32, epochs=1, momentum=None, eps=1e-5,
         drop_last=False, train_batch_size=50),
    dict(name='diabetes', table='diabetes', exclude=['target'], batch_size=64, epochs=2, momentum=0.1, eps=1e-5,
         drop_last=True, train_batch_size=64),
]


def read_csv(table):
    import csv
    with open(os.path.join(REAL, table + '.csv'), newline='') as f:
        rows = list(csv.reader(f))
    return rows[0], [[float(v) for v in row] for row in rows[1:]]


def make_real(c):
    """A real table through BatchNorm1d: fitted state, eval output, and training-mode output."""
    header, rows = read_csv(c['table'])
    features = [h for h in header if h not in c['exclude']]
    x = torch.tensor([[row[header.index(h)] for h in features] for row in rows], dtype=torch.float64)
    n = x.shape[0]
    bn = torch.nn.BatchNorm1d(len(features), eps=c['eps'], momentum=c['momentum'], dtype=torch.float64)
    bn.train()
    for _ in range(c['epochs']):
        for s, e in batches(n, c['batch_size'], c['drop_last']):
            bn(x[s:e])
    bn.eval()
    with torch.no_grad():
        evals = bn(x)
    fresh = torch.nn.BatchNorm1d(len(features), eps=c['eps'], dtype=torch.float64)
    fresh.train()
    with torch.no_grad():
        train = torch.cat([fresh(x[s:e]) for s, e in batches(n, c['train_batch_size'], False)])
    return {
        'name': c['name'],
        'table': f"fixtures/real/{c['table']}.parquet",
        'torch_version': torch.__version__,
        'exclude': c['exclude'],
        'features': features,
        'config': {k: c[k] for k in ('batch_size', 'epochs', 'momentum', 'eps', 'drop_last', 'train_batch_size')},
        'fitted': dict(running_mean=bn.running_mean.tolist(), running_var=bn.running_var.tolist(),
                       num_batches_tracked=int(bn.num_batches_tracked)),
        'eval_output': {f: evals[:, k].tolist() for k, f in enumerate(features)},
        'train_output': {f: train[:, k].tolist() for k, f in enumerate(features)},
    }


def write_golden(directory, name, golden, label):
    """Writes a golden as compact JSON with a final newline, and reports its size."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name + '.json')
    with open(path, 'w') as f:
        json.dump(golden, f, allow_nan=False, separators=(',', ':'))
        f.write('\n')
    print(f"{label}: {os.path.getsize(path)} bytes", file=sys.stderr)


def main():
    for c in REAL_CASES:
        write_golden(OUT_REAL, c['name'], make_real(c), f"{c['name']} (real)")
    for c in CASES:
        write_golden(OUT, c['name'], make(c), c['name'])


if __name__ == '__main__':
    main()
