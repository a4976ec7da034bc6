#!/usr/bin/python3
"""Write the PyTorch golden cases of bn1d's BatchNorm1d class into fixtures/goldens-module/.

Each case is a sequence of forward calls on one torch.nn.BatchNorm1d layer
(float64, one thread), in training and eval mode, with (N, C) and (N, C, L)
inputs whose N and L change from call to call. After every call it records
the input, the output, the running statistics and num_batches_tracked, and
the mean and invstd the output was normalized with (for the error measure).

Float32 cases store values rounded to float32: the test feeds them to
bn1d as a Float32Array, which widens each exactly to the float64 the layer
here computes with.

Run with Debian's PyTorch:  /usr/bin/python3 scripts/make-module-goldens.py
The output is deterministic (seeded); CI only reads the committed files.
"""
import json
import os
import sys
import zlib

import numpy as np
import torch

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'goldens-module')


def case(name, description, steps, **kw):
    base = dict(name=name, description=description, steps=steps, channels=3, dtype='float64', momentum=0.1,
                eps=1e-5, affine=True, track_running_stats=True, offset=None, resume=False)
    base.update(kw)
    return base


# A step is (mode, N, L): L None is an (N, C) input, else (N, C, L).
CASES = [
    case('2d-float64-momentum-0.1', '(N, C) float64, momentum 0.1, weight and bias; eval between training calls',
         [('train', 16, None), ('train', 9, None), ('train', 2, None), ('eval', 10, None), ('train', 5, None),
          ('eval', 4, None)]),
    case('3d-float32-momentum-0.3', '(N, C, L) float32, momentum 0.3; L changes, and N = 1 with L = 5 trains',
         [('train', 8, 5), ('train', 1, 5), ('train', 3, 2), ('eval', 4, 5), ('eval', 2, 7)],
         channels=2, dtype='float32', momentum=0.3),
    case('2d-float32-momentum-none-affine-off', '(N, C) float32, cumulative average, affine=False',
         [('train', 12, None), ('train', 7, None), ('train', 2, None), ('train', 30, None), ('eval', 6, None)],
         channels=4, dtype='float32', momentum=None, affine=False),
    case('3d-float64-momentum-none-resume', '(N, C, L) float64, cumulative average from running stats and 7 batches',
         [('train', 6, 4), ('train', 2, 1), ('eval', 5, 4), ('train', 10, 3)],
         momentum=None, resume=True),
    case('2d-float64-no-running-stats', 'track_running_stats=False: batch statistics in eval mode too',
         [('train', 10, None), ('train', 3, None), ('eval', 7, None), ('eval', 2, None)],
         track_running_stats=False),
    case('3d-float32-no-running-stats-affine-off', 'no running stats, no affine, (N, C, L) float32',
         [('train', 4, 3), ('eval', 5, 2), ('eval', 1, 6)],
         channels=2, dtype='float32', track_running_stats=False, affine=False),
    case('2d-float64-offset-1e6-eps-1e-3', 'values 1e6 + N(0, 1), eps 1e-3',
         [('train', 20, None), ('train', 20, None), ('eval', 8, None)],
         offset=1e6, eps=1e-3),
]


def make(c):
    rng = np.random.default_rng(zlib.crc32(c['name'].encode()))
    C = c['channels']
    loc = np.full(C, c['offset']) if c['offset'] is not None else rng.uniform(-5, 5, C)
    scale = np.ones(C) if c['offset'] is not None else np.exp(rng.uniform(-2, 2, C))
    bn = torch.nn.BatchNorm1d(C, eps=c['eps'], momentum=c['momentum'], affine=c['affine'],
                              track_running_stats=c['track_running_stats'], dtype=torch.float64)
    with torch.no_grad():
        if c['affine']:
            bn.weight.copy_(torch.tensor(rng.uniform(0.5, 2.0, C) * rng.choice([-1.0, 1.0], C)))
            bn.bias.copy_(torch.tensor(rng.normal(0, 1, C)))
        if c['resume']:
            bn.running_mean.copy_(torch.tensor(rng.normal(0, 3, C)))
            bn.running_var.copy_(torch.tensor(rng.uniform(0.5, 4, C)))
            bn.num_batches_tracked.fill_(7)
    initial = buffers(bn)
    initial['weight'] = bn.weight.tolist() if c['affine'] else None
    initial['bias'] = bn.bias.tolist() if c['affine'] else None
    steps = []
    for mode, n, length in c['steps']:
        shape = (n, C) if length is None else (n, C, length)
        bcast = (1, C) if length is None else (1, C, 1)
        values = loc.reshape(bcast) + scale.reshape(bcast) * rng.standard_normal(shape)
        if c['dtype'] == 'float32':
            values = values.astype(np.float32).astype(np.float64)
        x = torch.tensor(values, dtype=torch.float64)
        bn.train(mode == 'train')
        batch_stats = mode == 'train' or not c['track_running_stats']
        if batch_stats:
            _, mean, invstd = torch.native_batch_norm(x, None, None, None, None, True, 0.1, c['eps'])
        else:
            mean, invstd = bn.running_mean.clone(), 1 / torch.sqrt(bn.running_var + c['eps'])
        with torch.no_grad():
            y = bn(x)
        steps.append(dict(mode=mode, shape=list(shape), input=x.flatten().tolist(), output=y.flatten().tolist(),
                          mean=mean.tolist(), invstd=invstd.tolist(), **buffers(bn)))
    return {
        'name': c['name'],
        'description': c['description'],
        'torch_version': torch.__version__,
        'config': {'num_features': C, 'eps': c['eps'], 'momentum': c['momentum'], 'affine': c['affine'],
                   'track_running_stats': c['track_running_stats']},
        'dtype': c['dtype'],
        'initial': initial,
        'steps': steps,
    }


def buffers(bn):
    if not bn.track_running_stats:
        return dict(running_mean=None, running_var=None, num_batches_tracked=None)
    return dict(running_mean=bn.running_mean.tolist(), running_var=bn.running_var.tolist(),
                num_batches_tracked=int(bn.num_batches_tracked))


def main():
    os.makedirs(OUT, exist_ok=True)
    for c in CASES:
        path = os.path.join(OUT, c['name'] + '.json')
        with open(path, 'w') as f:
            json.dump(make(c), f, allow_nan=False, separators=(',', ':'))
            f.write('\n')
        print(f"{c['name']}: {os.path.getsize(path)} bytes", file=sys.stderr)


if __name__ == '__main__':
    main()
