import { describe, expect, test } from 'vitest';
import { DataError, UsageError } from '../../src/core/errors.js';
import { hintText, withHint } from '../../src/cli/hints.js';

describe('hints', () => {
  test('append the advice the CLI has for each kind of data error', () => {
    expect(withHint(new DataError('column "y" has NaN at row 7', { hint: 'non-finite' }))).toBe(
      'column "y" has NaN at row 7; clean the data, or pass --nan skip to leave NaN and ±Infinity out of the statistics like nulls',
    );
    expect(withHint(new DataError('batch 1 (row 177) has only 1 value in column "a"', { hint: 'short-batch' }))).toBe(
      'batch 1 (row 177) has only 1 value in column "a"; pass --drop-last to skip a short last batch, or use a larger --batch-size',
    );
    expect(hintText('short-batch-train')).toBe('choose a --batch-size that does not leave a single row for the last batch');
  });

  test('leave other errors as they are', () => {
    expect(withHint(new DataError('no rows to fit'))).toBe('no rows to fit');
    expect(withHint(new UsageError('--batch-size must be a positive integer'))).toBe('--batch-size must be a positive integer');
  });
});
