/** Which columns of an input are the features, by name, with clear errors. */
import type { Schema } from 'apache-arrow';
import { DataError } from '../../core/errors.js';
import { closestName } from './closest-name.js';
import { type Feature, type FeatureDtype, featureShape, makeFeature } from './features.js';

/** A name as a list shows it: quoted when a comma or spaces at its ends would blur where it ends. */
const listed = (name: string) => (name === '' || name.includes(',') || name.trim() !== name ? JSON.stringify(name) : name);

/** "id, price, qty": every column of a schema, in schema order, for messages. */
export function listColumns(schema: Schema): string {
  return schema.fields.map((f) => listed(f.name)).join(', ') || 'no columns';
}

/** 'data.parquet has no column "prise" (did you mean "price"?); its columns are: id, price, qty'. */
export function noSuchColumn(schema: Schema, name: string, input: string): string {
  const near = closestName(name, schema.fields.map((f) => f.name));
  const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
  return `${input} has no column "${name}"${hint}; its columns are: ${listColumns(schema)}`;
}

/**
 * Throws unless every column has its own name: apache-arrow merges the
 * fields of a record batch by name, so a table that repeats one cannot be
 * passed through without mixing up columns.
 */
export function assertDistinctNames(schema: Schema, input: string): void {
  const seen = new Set<string>();
  for (const { name } of schema.fields) {
    if (seen.has(name)) throw new DataError(`${input}: the column name "${name}" appears twice; an apply copies every column to its output, and needs distinct names`);
    seen.add(name);
  }
}

function describeType(schema: Schema, index: number): string {
  return String(schema.fields[index]!.type);
}

/** Every numeric and list-of-numeric column in schema order, minus `exclude` (names the caller has checked against the schema). */
export function defaultFeatureNames(schema: Schema, exclude: readonly string[], input: string): string[] {
  const names = schema.fields.filter((f) => featureShape(f.type) !== null && !exclude.includes(f.name)).map((f) => f.name);
  if (names.length === 0) {
    throw new DataError(`${input} has no numeric columns to normalize; its columns are: ${listColumns(schema)}`);
  }
  return names;
}

/** The features named `names` in this input, in that order; each must exist once and be numeric. */
export function resolveFeatures(schema: Schema, names: readonly string[], input: string, dtype?: FeatureDtype): Feature[] {
  return names.map((name) => {
    const matches = schema.fields.flatMap((f, i) => (f.name === name ? [i] : []));
    if (matches.length === 0) throw new DataError(noSuchColumn(schema, name, input));
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
