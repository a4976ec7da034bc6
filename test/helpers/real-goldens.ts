/** PyTorch goldens of the real tables (fixtures/goldens-real/, written by scripts/make-goldens.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export interface RealGolden {
  name: string;
  table: string;
  exclude: string[];
  features: string[];
  config: { batch_size: number; epochs: number; momentum: number | null; eps: number; drop_last: boolean; train_batch_size: number };
  fitted: { running_mean: number[]; running_var: number[]; num_batches_tracked: number };
  eval_output: Record<string, number[]>;
  train_output: Record<string, number[]>;
}

export function realGolden(name: string): RealGolden {
  return JSON.parse(readFileSync(join(ROOT, 'fixtures', 'goldens-real', `${name}.json`), 'utf8')) as RealGolden;
}

/** The `bn1d fit` flags of a real golden. */
export function fitFlags(g: RealGolden): string[] {
  const flags = ['-x', g.exclude.join(','), '-b', String(g.config.batch_size), '-e', String(g.config.epochs), '-m', String(g.config.momentum ?? 'none'), '--eps', String(g.config.eps)];
  return g.config.drop_last ? [...flags, '--drop-last'] : flags;
}
