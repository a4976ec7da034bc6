/**
 * The `shards` section of npm run bench: a fit split into shards (bn1d plan,
 * one bn1d map per shard, bn1d fold) against bn1d fit of the same file, on
 * one machine: each step alone, the maps one after another and two at a
 * time (xargs -P 2), and the whole, as whole processes.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** Shards the file is cut into. */
const SHARDS = 8;

/**
 * @param {{ file: string, work: string, bn1d: (...args: string[]) => string[], fitArgv: string[], table: import('./report.mjs').Table, label: string }} setup
 * @returns {Promise<string[]>} the lines after the table
 */
export async function benchShards({ file, work, bn1d, fitArgv, table, label }) {
  const plan = join(work, 'shards-plan.json');
  const moments = (k) => join(work, `shards-${k}.parquet`);
  const shell = (script) => ['sh', '-c', script];
  const quote = (argv) => argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const planArgv = bn1d('plan', file, '-x', 'id', '--shards', String(SHARDS), '-o', plan);
  const mapArgv = (k) => bn1d('map', '--plan', plan, '--shard', String(k), '-o', moments(k));
  const foldArgv = bn1d('fold', ...Array.from({ length: SHARDS }, (_, k) => moments(k)), '-s', join(work, 'shards-state.json'));
  const ks = Array.from({ length: SHARDS }, (_, k) => k).join(' ');
  const mapsInTurn = shell(Array.from({ length: SHARDS }, (_, k) => quote(mapArgv(k))).join(' && '));
  const mapsByTwo = shell(`printf '%s\\n' ${ks} | xargs -P 2 -I {} ${quote(mapArgv('{}'))}`);
  await table.bench('shards', `fit, Parquet ${label} rows`, fitArgv);
  await table.bench('shards', `plan --shards ${SHARDS}`, planArgv);
  await table.bench('shards', 'map of one shard', mapArgv(0));
  const inTurn = await table.bench('shards', `${SHARDS} maps, one after another`, mapsInTurn, { peer: { label: 'bn1d fit', argv: fitArgv } });
  const byTwo = await table.bench('shards', `${SHARDS} maps, two at a time`, mapsByTwo, { peer: { label: 'bn1d fit', argv: fitArgv } });
  const fold = await table.bench('shards', `fold of ${SHARDS} shards`, foldArgv);
  const all = await table.bench('shards', 'plan + maps two at a time + fold', shell(`${quote(planArgv)} && ${mapsByTwo[2]} && ${quote(foldArgv)}`), { peer: { label: 'bn1d fit', argv: fitArgv } });
  const size = Array.from({ length: SHARDS }, (_, k) => statSync(moments(k)).size).reduce((a, b) => a + b, 0);
  return [
    `- The whole split costs ${all.ratio.toFixed(2)}x the fit (${all.median.toFixed(2)} s against ${all.peerResult.median.toFixed(2)} s, the fit timed beside it); the maps alone ${inTurn.ratio.toFixed(2)}x one after another and ${byTwo.ratio.toFixed(2)}x two at a time; the fold ${fold.median.toFixed(2)} s.`,
    `- Moments of all ${SHARDS} shards: ${(size / 1e6).toFixed(2)} MB of Parquet.`,
  ];
}
