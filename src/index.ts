/**
 * bn1d as a library: fit BatchNorm1d running statistics over files, folders,
 * globs, apache-arrow Tables or record batches; apply them file to file or
 * as a stream of record batches; read and write state files; and a
 * torch-shaped BatchNorm1d for arrays in memory. Nothing here writes to the
 * console or exits the process: failures reject with UsageError (the call
 * was wrong) or DataError (the data or a file was).
 */
export { Bn1dError, DataError, type DataErrorHint, UsageError } from './core/errors.js';
export { BatchNorm1d, type BatchNorm1dOptions } from './core/batch-norm-module.js';
export type { StateDocument as State } from './core/state-json.js';
export { fit, type FitOptions, type FitProgress } from './pipeline/fit.js';
export { apply, type ApplyOptions } from './pipeline/apply.js';
export { plan, type PlanOptions } from './pipeline/plan.js';
export type { PlanDocument as Plan } from './pipeline/plan-document.js';
export { map, type MapOptions } from './pipeline/map.js';
export { fold, type FoldOptions } from './pipeline/fold.js';
export { normalize, type NormalizeOptions, type StateInput } from './pipeline/normalize.js';
export { readState, type ReadStateOptions, writeState } from './pipeline/state.js';
export type { Input, Inputs, TableLike, BatchStream } from './pipeline/sources.js';
export type { HttpHeaders, NanOption } from './pipeline/options.js';
export type { FeatureDtype } from './io/dataset/features.js';
export type { DataFormat } from './io/dataset/dataset.js';
export type { CompressionName } from './io/parquet/codecs.js';
