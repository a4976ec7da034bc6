import { expect, test } from 'vitest';
import { sparkline } from '../../src/cli/sparkline.js';

test('sparklines scale from the minimum to the maximum, resample long series, and flatten constants', () => {
  expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
  expect(sparkline([5, 5, 5], 8)).toBe('▄▄▄');
  expect(sparkline([], 8)).toBe('');
  const long = sparkline(Array.from({ length: 1000 }, (_, i) => i), 32);
  expect([long.length, long[0], long.at(-1)]).toEqual([32, '▁', '█']);
});
