/** bn1d as a library: the pure BatchNorm1d core (no I/O). */
export * from './core/errors.js';
export * from './core/column.js';
export * from './core/to-float64.js';
export * from './core/state.js';
export * from './core/state-json.js';
export * from './core/batcher.js';
export * from './core/batch-moments.js';
export * from './core/batch-norm.js';
export * from './core/normalize.js';
export * from './core/train-stream.js';
export * from './core/decimal.js';
export * from './core/random.js';
export * from './core/shuffle-buffer.js';
export * from './core/trajectory.js';
export * from './core/reservoir.js';
export * from './core/batch-norm-module.js';
