/**
 * The settings of a fit and an apply as the library takes them (the CLI's
 * flags in camelCase), their defaults, and their checks. Messages name a
 * setting through a Spelling, so the CLI says "--batch-size" where the
 * library says "options.batchSize".
 */
import { availableParallelism } from 'node:os';
import type { Schema } from 'apache-arrow';
import { UsageError } from '../core/errors.js';
import { noSuchColumn } from '../io/dataset/select-features.js';
import { type HeaderList, headerProblem } from '../io/files/http-headers.js';
import { HttpSession } from '../io/files/http-session.js';

/** Every setting a message may name. */
export type OptionName =
  | 'columns' | 'exclude' | 'batchSize' | 'epochs' | 'momentum' | 'eps' | 'affine' | 'dropLast' | 'nan' | 'shuffle' | 'seed'
  | 'shuffleBuffer' | 'resume' | 'state' | 'output' | 'format' | 'dtype' | 'mode' | 'force' | 'compression' | 'rowGroupSize' | 'jobs' | 'headers'
  | 'shards' | 'shardRows' | 'shard' | 'plan';

/** How messages name a setting. */
export type Spelling = (option: OptionName) => string;

/** The library's: `options.batchSize`. */
export const librarySpelling: Spelling = (option) => (option === 'state' ? 'a state' : `options.${option}`);

/** Defaults, as PyTorch's BatchNorm1d and DataLoader have them where they have one. */
export const DEFAULTS = {
  batchSize: 256,
  epochs: 1,
  momentum: 0.1,
  eps: 1e-5,
  affine: true,
  dropLast: false,
  nan: 'error',
  shuffleBuffer: 262_144,
} as const;

/** NaN and ±Infinity in a feature: an error, or left out of the statistics like nulls. */
export type NanOption = 'error' | 'skip';

/** Which columns are the features. */
export interface SelectionOptions {
  /** The feature columns, in channel order (default: every numeric or list-of-numeric column, in schema order). */
  columns?: readonly string[] | undefined;
  /** Columns left out of the default selection. */
  exclude?: readonly string[] | undefined;
}

const fail = (message: string): never => {
  throw new UsageError(message);
};

/** A whole number of at least `min`, or the default. */
export function integerOption(value: number | undefined, min: number, name: OptionName, spell: Spelling, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) fail(`${spell(name)} must be an integer of at least ${min} (got ${value})`);
  return value;
}

/** Worker threads: a whole number of at least 1, by default one per core. */
export function jobsOption(value: number | undefined, spell: Spelling): number {
  return integerOption(value, 1, 'jobs', spell, availableParallelism());
}

/** The momentum: a number in (0, 1], or null for a cumulative average. */
export function momentumOption(value: number | null | undefined, spell: Spelling): number | null {
  if (value === undefined) return DEFAULTS.momentum;
  if (value !== null && !(value > 0 && value <= 1)) fail(`${spell('momentum')} must be a number in (0, 1], or null for a cumulative average (got ${value})`);
  return value;
}

/** eps: a finite number >= 0. */
export function epsOption(value: number | undefined, spell: Spelling): number {
  if (value === undefined) return DEFAULTS.eps;
  if (!(Number.isFinite(value) && value >= 0)) fail(`${spell('eps')} must be a number >= 0 (got ${value})`);
  return value;
}

/** One of the values a setting takes. */
export function choiceOption<T extends string>(value: T | undefined, choices: readonly T[], name: OptionName, spell: Spelling, fallback: T): T;
export function choiceOption<T extends string>(value: T | undefined, choices: readonly T[], name: OptionName, spell: Spelling): T | undefined;
export function choiceOption<T extends string>(value: T | undefined, choices: readonly T[], name: OptionName, spell: Spelling, fallback?: T): T | undefined {
  if (value === undefined) return fallback;
  if (!choices.includes(value)) fail(`${spell(name)} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')} (got ${JSON.stringify(value)})`);
  return value;
}

/** A list of distinct, non-empty column names. */
export function namesOption(value: readonly string[] | undefined, name: OptionName, spell: Spelling): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || s === '')) fail(`${spell(name)} must be a list of column names`);
  const twice = value.find((s, i) => value.indexOf(s) !== i);
  if (twice !== undefined) fail(`${spell(name)}: column "${twice}" is listed twice`);
  return [...value];
}

/** exclude narrows the default selection, so it does not go with columns. */
export function checkSelection(options: SelectionOptions, spell: Spelling): void {
  if (options.columns && options.exclude) {
    fail(`${spell('exclude')} narrows the default selection; with ${spell('columns')}, list only the columns you want`);
  }
}

/** Throws a usage error naming the setting unless every name given is a column of the input. */
export function checkColumnNames(schema: Schema, names: readonly string[] | undefined, input: string, option: OptionName, spell: Spelling): void {
  const missing = names?.find((name) => !schema.fields.some((f) => f.name === name));
  if (missing !== undefined) fail(`${spell(option)}: ${noSuchColumn(schema, missing, input)}`);
}

/** Request headers for http(s) inputs, by name (`{ Authorization: 'Bearer ...' }`). */
export type HttpHeaders = Readonly<Record<string, string>>;

/** The headers as a list, checked (a message names a header, never its value), and the session of a run that sends them. */
export function httpSession(value: HttpHeaders | undefined, spell: Spelling): HttpSession {
  if (value === undefined) return new HttpSession();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${spell('headers')} must map header names to values`);
  const list: HeaderList = Object.entries(value);
  for (const [name, text] of list) {
    if (typeof text !== 'string') fail(`${spell('headers')}: the value of the ${JSON.stringify(name)} header must be a string`);
    const problem = headerProblem(name, text);
    if (problem) fail(`${spell('headers')}: ${problem}`);
  }
  return new HttpSession(list);
}
