#!/usr/bin/env python3
"""bn1d fit on a Dask cluster: plan here, one `bn1d map` task per shard on the
workers, fold here. The state is the one `bn1d fit` gives with the same flags,
bit for bit (its `fit.folded` records the plan and the number of shards).

    BN1D="node /path/to/bn1d/bin/bn1d.js" python3 fit.py --workers 2 --shards 8 \
        -b 256 -x id -m none -e 2 -s stats.json data/

Each task gets the plan as text, writes it to a temporary file on its worker,
runs `bn1d map --plan FILE --shard K -o -` and returns the moments (an Arrow
IPC stream, about 24 bytes per channel and batch) as bytes through Dask, so no
shared folder is needed for them; the workers only need to read the inputs at
the paths the plan names (absolute paths). Python standard library and
dask/distributed only.
"""
import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

PROG = 'fit.py'


def bn1d_command():
    """The bn1d command: $BN1D split like a shell would, else bn1d on PATH."""
    if os.environ.get('BN1D'):
        return shlex.split(os.environ['BN1D'])
    found = shutil.which('bn1d')
    if found is None:
        sys.exit(f'{PROG}: error: bn1d is not on PATH; set BN1D, e.g. BN1D="node /path/to/bn1d/bin/bn1d.js"')
    return [found]


def map_shard(command, plan_text, shard):
    """Runs on a worker: the moments of one shard, or bn1d's exit code and stderr."""
    with tempfile.TemporaryDirectory(prefix='bn1d-map-') as folder:
        plan = os.path.join(folder, 'plan.json')
        with open(plan, 'w', encoding='utf-8') as f:
            f.write(plan_text)
        try:
            run = subprocess.run([*command, 'map', '--plan', plan, '--shard', str(shard), '-o', '-', '-q'], capture_output=True)
        except OSError as error:
            return shard, 127, b'', f'cannot run {shlex.join(command)}: {error}\n'
        return shard, run.returncode, run.stdout, run.stderr.decode('utf-8', 'replace')


def run_local(command, args):
    """Runs bn1d here (its messages on our stderr); exits with its code when it fails."""
    code = subprocess.run(command + args).returncode
    if code != 0:
        sys.exit(code)


def parse_args():
    p = argparse.ArgumentParser(prog=PROG, description='bn1d fit with one bn1d map task per shard on a Dask cluster')
    where = p.add_mutually_exclusive_group()
    where.add_argument('--scheduler', metavar='ADDR', help='address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786')
    where.add_argument('--workers', type=int, metavar='N', help='start a local cluster of N single-threaded worker processes (default: one per core)')
    p.add_argument('--shards', type=int, required=True, metavar='K', help='shards of whole batches (bn1d plan --shards)')
    p.add_argument('-b', '--batch-size', metavar='N')
    p.add_argument('-c', '--columns', action='append', metavar='COLS')
    p.add_argument('-x', '--exclude', action='append', metavar='COLS')
    p.add_argument('--nan', choices=['error', 'skip'])
    p.add_argument('-m', '--momentum', metavar='X|none')
    p.add_argument('--eps', metavar='X')
    p.add_argument('--no-affine', action='store_true')
    p.add_argument('-e', '--epochs', metavar='N')
    p.add_argument('--drop-last', action='store_true')
    p.add_argument('-s', '--state', required=True, metavar='STATE')
    p.add_argument('inputs', nargs='+', metavar='INPUT')
    return p.parse_args()


def flags(pairs):
    """Command-line flags of the options that were given."""
    out = []
    for flag, value in pairs:
        for v in value if isinstance(value, list) else [value]:
            if v is True:
                out.append(flag)
            elif v not in (None, False):
                out += [flag, str(v)]
    return out


def map_all(client, command, plan_text, shards, folder):
    """Submits one task per shard; writes each shard's moments to folder/K.arrows. Exits on the first failure."""
    from distributed import as_completed
    futures = [client.submit(map_shard, command, plan_text, k, key=f'bn1d-map-{k}', pure=False) for k in range(shards)]
    paths = []
    for future in as_completed(futures):
        shard, code, moments, stderr = future.result()
        if code != 0:
            client.cancel(futures)
            sys.stderr.write(f'{PROG}: bn1d map failed on shard {shard} of {shards} (exit {code}):\n{stderr}')
            return None, code
        path = os.path.join(folder, f'{shard}.arrows')
        with open(path, 'wb') as f:
            f.write(moments)
        paths.append(path)
        future.release()
    return sorted(paths), 0


def main():
    args = parse_args()
    command = bn1d_command()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the cluster is closed below
    with tempfile.TemporaryDirectory(prefix='bn1d-dask-') as folder:
        plan = os.path.join(folder, 'plan.json')
        run_local(command, ['plan', *args.inputs, '--shards', str(args.shards), '-o', plan, '-q', *flags([
            ('-b', args.batch_size), ('-c', args.columns), ('-x', args.exclude), ('--nan', args.nan)])])
        with open(plan, encoding='utf-8') as f:
            plan_text = f.read()
        shards = len(json.loads(plan_text)['shards'])
        from distributed import Client, LocalCluster
        cluster = None
        if args.scheduler:
            client = Client(args.scheduler)
        else:
            cluster = LocalCluster(n_workers=args.workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                   host='127.0.0.1', dashboard_address=None)
            client = Client(cluster)
        try:
            paths, code = map_all(client, command, plan_text, shards, folder)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        if code != 0:
            sys.exit(code)
        run_local(command, ['fold', *paths, '-s', args.state, '-q', *flags([
            ('-m', args.momentum), ('--eps', args.eps), ('--no-affine', args.no_affine),
            ('-e', args.epochs), ('--drop-last', args.drop_last)])])
    print(f'{PROG}: {shards} shards mapped on Dask, folded into {args.state}', file=sys.stderr)


if __name__ == '__main__':
    main()
