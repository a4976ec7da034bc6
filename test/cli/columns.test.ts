/** Column names on the command line: repeated -c and -x, commas inside names, and names that are not there. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { splitNames } from '../../src/cli/options.js';
import { closestName } from '../../src/io/dataset/closest-name.js';
import { fails, ok, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';

const dir = scratch();
const table = join(dir, 'commas.parquet');
const other = join(dir, 'other.parquet');

beforeAll(async () => {
  await query(`COPY (SELECT i AS id, i * 1.5 AS "price,usd", (i % 7)::DOUBLE AS "c\\d", i::DOUBLE AS qty FROM range(50) r(i)) TO '${table}' (FORMAT parquet)`);
  await query(`COPY (SELECT i AS id, i::DOUBLE AS qty FROM range(50) r(i)) TO '${other}' (FORMAT parquet)`);
});

const features = (path: string) => JSON.parse(readFileSync(path, 'utf8')).features as string[];

test('\\, is a comma inside a name and \\\\ a backslash; a lone backslash stays one', () => {
  expect(splitNames('a\\,b, c ,d\\\\,e\\f')).toEqual(['a,b', 'c', 'd\\', 'e\\f']);
});

test('-c and -x repeat, their lists join in order, and names may hold commas', async () => {
  const state = join(dir, 'repeated.json');
  await ok(['fit', table, '-c', 'qty', '-c', 'price\\,usd,c\\\\d', '-s', state]);
  expect(features(state)).toEqual(['qty', 'price,usd', 'c\\d']);
  await ok(['fit', table, '-x', 'id', '-x', 'price\\,usd', '-s', state, '-q']);
  expect(features(state)).toEqual(['c\\d', 'qty']);
  await fails(['fit', table, '-c', 'qty', '-c', 'qty'], 2, /column "qty" is listed twice/);
});

test('the help of every flag that takes names says how', async () => {
  for (const [command, flags] of [['fit', 2], ['apply', 2], ['import', 1]] as const) {
    const help = (await ok([command, '--help'])).toString();
    expect(help.match(/repeatable;\s+\\,\s+is\s+a\s+comma\s+inside\s+a\s+name/g)).toHaveLength(flags);
  }
});

test('an unknown name is bad usage: the flag, a close name, and every column, names with commas quoted', async () => {
  const message = await fails(['fit', table, '-c', 'price'], 2, /^bn1d: error: --columns: .*commas\.parquet has no column "price"; its columns are: id, "price,usd", c\\d, qty\n$/);
  expect(message).not.toMatch(/did you mean/);
  await fails(['fit', table, '-x', 'QTY'], 2, /--exclude: .* has no column "QTY" \(did you mean "qty"\?\)/);
});

test('a later input without a feature of the first stays bad data', async () => {
  await fails(['fit', table, other, '-c', 'qty,price\\,usd', '-s', join(dir, 'never.json')], 1, /other\.parquet has no column "price,usd", which .*commas\.parquet has: inputs must share the feature columns \(.*other\.parquet has: id, qty\)\n$/);
});

test('a close name is the same name in another case, or a few edits away', () => {
  const columns = ['id', 'price', 'qty', 'alcohol', 'Price'];
  expect(closestName('prise', columns)).toBe('price');
  expect(closestName('PRICE', columns)).toBe('price');
  expect(closestName('alcohl', columns)).toBe('alcohol');
  expect(closestName('alochol', columns)).toBe('alcohol');
  expect(closestName('qt', columns)).toBe('qty');
  expect(closestName('x', ['y', 'xy'])).toBeUndefined();
  expect(closestName('weight', columns)).toBeUndefined();
});
