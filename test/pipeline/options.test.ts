/** The library's settings: defaults, checks, and messages that name a setting as the caller spells it. */
import { tableFromArrays } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { flagSpelling } from '../../src/cli/spelling.js';
import {
  checkColumnNames, checkSelection, choiceOption, epsOption, integerOption, librarySpelling, momentumOption, namesOption,
} from '../../src/pipeline/options.js';

describe('settings', () => {
  test('unset settings take the defaults; set ones are checked', () => {
    expect(integerOption(undefined, 1, 'batchSize', librarySpelling, 256)).toBe(256);
    expect(integerOption(7, 1, 'batchSize', librarySpelling, 256)).toBe(7);
    expect(momentumOption(undefined, librarySpelling)).toBe(0.1);
    expect(momentumOption(null, librarySpelling)).toBeNull();
    expect(epsOption(0, librarySpelling)).toBe(0);
    expect(choiceOption(undefined, ['error', 'skip'], 'nan', librarySpelling, 'error')).toBe('error');
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) expect(() => integerOption(bad, 1, 'batchSize', librarySpelling, 256)).toThrow(UsageError);
    for (const bad of [0, -0.1, 1.01, Number.NaN]) expect(() => momentumOption(bad, librarySpelling)).toThrow(/in \(0, 1\]/);
    for (const bad of [-1e-9, Number.POSITIVE_INFINITY]) expect(() => epsOption(bad, librarySpelling)).toThrow(/>= 0/);
    expect(() => choiceOption('drop' as 'skip', ['error', 'skip'], 'nan', librarySpelling)).toThrow(/options.nan must be one of "error", "skip" \(got "drop"\)/);
    expect(() => namesOption(['a', 'b', 'a'], 'columns', librarySpelling)).toThrow(/options.columns: column "a" is listed twice/);
    expect(() => namesOption(['a', ''], 'columns', librarySpelling)).toThrow(/list of column names/);
  });

  test('the library names options.x where the CLI names the flag', () => {
    const both = { columns: ['a'], exclude: ['b'] };
    expect(() => checkSelection(both, librarySpelling)).toThrow('options.exclude narrows the default selection; with options.columns, list only the columns you want');
    expect(() => checkSelection(both, flagSpelling)).toThrow('--exclude narrows the default selection; with --columns, list only the columns you want');
    expect(flagSpelling('shuffleBuffer')).toBe('--shuffle-buffer');
    expect(flagSpelling('affine')).toBe('--no-affine');
    expect(librarySpelling('rowGroupSize')).toBe('options.rowGroupSize');
    const schema = tableFromArrays({ price: Float64Array.from([1]) }).schema;
    expect(() => checkColumnNames(schema, ['prise'], 'in.arrow', 'columns', flagSpelling)).toThrow('--columns: in.arrow has no column "prise" (did you mean "price"?); its columns are: price');
    expect(() => checkColumnNames(schema, ['price'], 'in.arrow', 'columns', flagSpelling)).not.toThrow();
  });
});
