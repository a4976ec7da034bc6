/** Which columns of an input are the features, by name, with clear errors. */
import type { Schema } from 'apache-arrow';
import { DataError } from '../core/errors.js';
import { type Feature, type FeatureDtype, featureShape, makeFeature } from './features.js';

const SHOWN = 12;

/** "a, b, c, ... (40 more)": the columns of a schema, for messages. */
export function listColumns(schema: Schema): string {
  const names = schema.fields.map((f) => f.name);
  const shown = names.slice(0, SHOWN).join(', ');
  return names.length > SHOWN ? `${shown}, ... (${names.length - SHOWN} more)` : shown || 'no columns';
}

/**
 * Throws unless every column has its own name: apache-arrow merges the
 * fields of a record batch by name, so a table that repeats one cannot be
 * passed through without mixing up columns.
 */
export function assertDistinctNames(schema: Schema, input: string): void {
  const seen = new Set<string>();
  for (const { name } of schema.fields) {
    if (seen.has(name)) throw new DataError(`${input}: the column name "${name}" appears twice; bn1d apply copies every column to its output, and needs distinct names`);
    seen.add(name);
  }
}

function describeType(schema: Schema, index: number): string {
  return String(schema.fields[index]!.type);
}

/** Every numeric and list-of-numeric column in schema order, minus `exclude`. */
export function defaultFeatureNames(schema: Schema, exclude: readonly string[], input: string): string[] {
  for (const name of exclude) {
    if (!schema.fields.some((f) => f.name === name)) {
      throw new DataError(`--exclude: ${input} has no column "${name}" (have: ${listColumns(schema)})`);
    }
  }
  const names = schema.fields.filter((f) => featureShape(f.type) !== null && !exclude.includes(f.name)).map((f) => f.name);
  if (names.length === 0) {
    throw new DataError(`${input} has no numeric columns to normalize (have: ${listColumns(schema)})`);
  }
  return names;
}

/** The features named `names` in this input, in that order; each must exist once and be numeric. */
export function resolveFeatures(schema: Schema, names: readonly string[], input: string, dtype?: FeatureDtype): Feature[] {
  return names.map((name) => {
    const matches = schema.fields.flatMap((f, i) => (f.name === name ? [i] : []));
    if (matches.length === 0) throw new DataError(`${input} has no column "${name}" (have: ${listColumns(schema)})`);
    if (matches.length > 1) throw new DataError(`${input} has ${matches.length} columns named "${name}": cannot tell which is the feature`);
    const index = matches[0]!;
    if (!featureShape(schema.fields[index]!.type)) {
      throw new DataError(
        `column "${name}" of ${input} has type ${describeType(schema, index)}: features must be integer, floating-point or decimal columns, or lists of them`,
      );
    }
    return makeFeature(schema, index, dtype);
  });
}

/** Throws unless `features` of `input` have the same shape (number or list) as in the first input. */
export function checkSameShape(first: readonly Feature[], firstInput: string, features: readonly Feature[], input: string): void {
  const kind = (f: Feature) => (f.shape === 'scalar' ? 'a number' : 'a list');
  features.forEach((f, i) => {
    const before = first[i]!;
    if (kind(f) !== kind(before)) {
      throw new DataError(`column "${f.name}" is ${kind(f)} per row in ${input} but ${kind(before)} in ${firstInput}: inputs must share the feature columns`);
    }
  });
}
