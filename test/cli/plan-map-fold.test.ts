/**
 * bn1d plan, map and fold as commands: a pipe of map into fold gives the
 * state of bn1d fit; DuckDB reads a moments file and finds every batch's
 * mean and m2 as it computes them from the data itself; and every mistake
 * (a missing, doubled or foreign shard, an input changed since the plan, a
 * plan edited by hand, stdin, a stream, --shuffle) is one line and no file.
 */
import { copyFileSync, existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bn1d, fails, ok, scratch } from '../helpers/cli.js';
import { query } from '../helpers/duckdb.js';

const dir = scratch();
const data = join(dir, 'data.parquet');
const other = join(dir, 'other.parquet');
const stream = join(dir, 'data.arrows');
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  // 10,000 rows in row groups of 3,000 (DuckDB), x with nulls and a large offset, a list column, an id.
  await query(`COPY (SELECT i AS id, CASE WHEN i % 17 = 0 THEN NULL ELSE 1e6 + sin(i) * 3 END AS x, (i % 101) / 7.0 AS y,
    [i % 5, i % 3]::DOUBLE[] AS v FROM range(10000) t(i)) TO '${data}' (FORMAT parquet, ROW_GROUP_SIZE 3000)`);
  await query(`COPY (SELECT i AS id, i * 1.0 AS x, 1.0 AS y, [1.0, 2.0] AS v FROM range(500) t(i)) TO '${other}' (FORMAT parquet)`);
  await ok(['apply', data, '--mode', 'train', '-x', 'id', '-o', stream, '-q']);
});

async function planAndMap(name: string, input: string, shards: number, extra: string[] = []): Promise<string[]> {
  await ok(['plan', input, '-x', 'id', '-b', '128', '--shards', String(shards), '-o', at(`${name}.json`), '-q', ...extra]);
  const files: string[] = [];
  for (let k = 0; k < shards; k++) {
    files.push(at(`${name}-${k}.parquet`));
    await ok(['map', '--plan', at(`${name}.json`), '--shard', String(k), '-o', files[k]!, '-q']);
  }
  return files;
}

const withoutFolded = (text: string) => {
  const doc = JSON.parse(text) as { fit: Record<string, unknown> };
  delete doc.fit.folded;
  return JSON.stringify(doc);
};

describe('plan, map and fold', () => {
  test('piped (map -o - into fold -) give the state fit gives', async () => {
    await ok(['plan', data, '-x', 'id', '-b', '100', '--shard-rows', '10000', '-o', at('pipe.json'), '-q']);
    const moments = await ok(['map', '--plan', at('pipe.json'), '--shard', '0', '-o', '-', '-q']);
    const folded = await ok(['fold', '-', '-m', 'none', '-e', '2', '-s', '-', '-q'], { input: moments });
    const fitted = await ok(['fit', data, '-x', 'id', '-b', '100', '-m', 'none', '-e', '2', '-s', '-', '-q']);
    expect(withoutFolded(folded.toString())).toBe(withoutFolded(fitted.toString()));
    expect(JSON.parse(folded.toString()).fit.folded.shards).toBe(1);
  });

  test("write moments DuckDB reads, with each batch's mean and m2 as DuckDB computes them from the data", async () => {
    const files = await planAndMap('duck', data, 3);
    const rows = await query(`SELECT batch, channel, feature, n, mean, m2 FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}]) ORDER BY batch, channel`);
    // 10,000 rows in batches of 128: 79 batches, 3 channels (x, y, v).
    expect(rows.length).toBe(79 * 3);
    expect(rows.slice(0, 3).map((r) => r.feature)).toEqual(['x', 'y', 'v']);
    const truth = await query(`SELECT file_row_number // 128 AS batch, count(x) AS n, avg(x) AS mean, var_pop(x) * count(x) AS m2
      FROM read_parquet('${data}', file_row_number = true) GROUP BY 1 ORDER BY 1`);
    for (const t of truth) {
      const r = rows[Number(t.batch) * 3]!;
      expect(Number(r.n)).toBe(Number(t.n));
      expect(Math.abs(Number(r.mean) - Number(t.mean))).toBeLessThan(1e-12 * Math.abs(Number(t.mean)));
      expect(Math.abs(Number(r.m2) - Number(t.m2))).toBeLessThan(1e-8 * Number(t.m2));
    }
    const meta = await query(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${files[1]}') WHERE decode(key) = 'bn1d.moments'`);
    expect(JSON.parse(String(meta[0]!.value))).toMatchObject({ format: 'bn1d-moments', shard: 1, plan: JSON.parse(readFileSync(at('duck.json'), 'utf8')).fingerprint });
  });

  test('fold a folder of moments, with a report', async () => {
    await planAndMap('folder', data, 2);
    await ok(['fold', at('folder-0.parquet'), at('folder-1.parquet'), '-s', at('folder-state.json'), '--report', at('folder.html'), '-q']);
    expect(readFileSync(at('folder.html'), 'utf8')).toContain('<html');
  });
});

describe('plan, map and fold refuse', () => {
  test('stdin, an Arrow IPC stream, --shuffle and a plan without a cut', async () => {
    await fails(['plan', '-', '--shards', '2', '-o', at('x.json')], 2, /stdin cannot be planned/, { input: readFileSync(data) });
    await fails(['plan', stream, '--shards', '2', '-o', at('x.json')], 2, /an Arrow IPC stream cannot be planned/);
    await fails(['plan', data, '--shards', '2', '--shuffle', '-o', at('x.json')], 2, /--shuffle cannot be planned/);
    await fails(['plan', data, '-o', at('x.json')], 2, /give either --shards or --shard-rows/);
    expect(existsSync(at('x.json'))).toBe(false);
  });

  test('a shard the plan does not have, and a moments file over an input', async () => {
    await ok(['plan', data, '--shards', '2', '-o', at('two.json'), '-q']);
    await fails(['map', '--plan', at('two.json'), '--shard', '2', '-o', at('m.parquet')], 2, /the plan has 2 shards, numbered from 0: there is no shard 2/);
    await fails(['map', '--plan', at('two.json'), '--shard', '0', '-o', data], 2, /is the input/);
    expect(existsSync(at('m.parquet'))).toBe(false);
  });

  test('an input changed since the plan, and a plan edited by hand', async () => {
    const copy = at('copy.parquet');
    copyFileSync(data, copy);
    await ok(['plan', copy, '--shards', '2', '-o', at('changed.json'), '-q']);
    utimesSync(copy, new Date(), new Date(Date.now() + 5000));
    await fails(['map', '--plan', at('changed.json'), '--shard', '0', '-o', at('c.parquet')], 1, /copy\.parquet changed since the plan was made \(it was modified at .*\): make the plan again/);
    copyFileSync(other, copy);
    await fails(['map', '--plan', at('changed.json'), '--shard', '1', '-o', at('c.parquet')], 1, /copy\.parquet changed since the plan was made \(its size is/);
    const edited = readFileSync(at('two.json'), 'utf8').replace('"nan": "error"', '"nan": "skip"');
    writeFileSync(at('edited.json'), edited);
    await fails(['map', '--plan', at('edited.json'), '--shard', '0', '-o', at('c.parquet')], 1, /the plan was changed after bn1d made it/);
    expect(existsSync(at('c.parquet'))).toBe(false);
  });

  test('missing, doubled and foreign shards, and files that are not moments', async () => {
    const files = await planAndMap('three', data, 3);
    const [other0] = await planAndMap('foreign', other, 1);
    const state = at('never.json');
    await fails(['fold', files[0]!, files[2]!, '-s', state], 1, /1 shard of 3 missing: 1 \(batches 27 to 52\); run bn1d map --shard for it/);
    await fails(['fold', ...files, files[1]!, '-s', state], 1, /shard 1 is given twice/);
    await fails(['fold', ...files, other0!, '-s', state], 1, /holds moments of another plan/);
    await fails(['fold', data, '-s', state], 1, /not a bn1d moments file/);
    await fails(['fold', ...files, '--resume', at('folder-state.json'), '-m', '0.5', '-s', state], 2, /--momentum cannot be combined with --resume/);
    expect(existsSync(state)).toBe(false);
  });

  test('a NaN, in map, with the file and row; in the final short batch, in fold unless --drop-last drops it', async () => {
    const nan = at('nan.parquet');
    await query(`COPY (SELECT CASE WHEN i IN (300, 777) THEN 'NaN'::DOUBLE ELSE i END AS x FROM range(1000) t(i)) TO '${nan}' (FORMAT parquet)`);
    await ok(['plan', nan, '--shards', '4', '-o', at('nan.json'), '-q']);
    await fails(['map', '--plan', at('nan.json'), '--shard', '1', '-o', at('nan-1.parquet')], 1, /^bn1d: error: column "x" has NaN at row 300 of .*nan\.parquet/);
    expect(existsSync(at('nan-1.parquet'))).toBe(false);
    // Rows 768 to 999 are the last batch, shorter than 256: fit --drop-last never reads them.
    const run = await bn1d(['map', '--plan', at('nan.json'), '--shard', '3', '-o', at('nan-3.parquet'), '-q']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^bn1d: warning: batch 3, the last and shorter one, cannot be trained on: column "x" has NaN at row 777 .* --drop-last/);
    const fitError = (await bn1d(['fit', nan, '-b', '256', '-s', at('nan-fit.json')])).stderr;
    expect(fitError).toMatch(/^bn1d: error: column "x" has NaN at row 300/);
  });
});
