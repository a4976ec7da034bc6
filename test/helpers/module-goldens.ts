/** The PyTorch goldens of the BatchNorm1d class (fixtures/goldens-module/, written by scripts/make-module-goldens.py). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../fixtures/goldens-module/', import.meta.url));

export interface Buffers {
  running_mean: number[] | null;
  running_var: number[] | null;
  num_batches_tracked: number | null;
}

export interface ModuleGolden {
  name: string;
  config: { num_features: number; eps: number; momentum: number | null; affine: boolean; track_running_stats: boolean };
  dtype: 'float32' | 'float64';
  initial: Buffers & { weight: number[] | null; bias: number[] | null };
  /** Each forward call, with the layer's buffers after it and the mean and invstd it normalized with. */
  steps: (Buffers & { mode: 'train' | 'eval'; shape: number[]; input: number[]; output: number[]; mean: number[]; invstd: number[] })[];
}

/** Every case, in file name order. */
export function loadModuleGoldens(): ModuleGolden[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as ModuleGolden);
}
