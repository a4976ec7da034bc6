/**
 * The bench's tables: whole-process measurements (bench/measure.mjs) of a command and, optionally, a peer,
 * with goals on the time ratio and the peak RSS, written as Markdown for BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { repeat, repeatAlternating } from './measure.mjs';

/** The 1-minute load average, to hand machineLine as a section starts. */
export const load = () => loadavg()[0];

/**
 * The bn1d measured: the last commit that changed src, bin or package.json (the bench's own commits do
 * not move it, nor does rebasing them), with `+changes` when those differ from HEAD in the tree.
 */
function commitOf(root) {
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const paths = ['--', 'src', 'bin', 'package.json'];
  const last = git('log', '-1', '--format=%h', 'HEAD', ...paths);
  if (last.status !== 0 || !last.stdout.trim()) return 'unknown';
  return `${last.stdout.trim()}${git('diff', '--quiet', 'HEAD', ...paths).status === 0 ? '' : '+changes'}`;
}

/** The machine, the versions, the commit, the date and the load of the shared machine (`startLoad` as the section started, and now), for the first line of each section. */
export function machineLine(root, runs, startLoad) {
  const duckdb = JSON.parse(readFileSync(join(root, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')).version;
  return (
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ` +
    `DuckDB ${duckdb}; bn1d ${commitOf(root)}. Date: ${new Date().toISOString().slice(0, 10)}. Load average (1 minute) ${startLoad.toFixed(1)} as the section started, ${load().toFixed(1)} as it ended. ${runs} run${runs === 1 ? '' : 's'} each, whole processes; seconds are wall time, RSS is the peak resident set.`
  );
}

/** Replaces what is between `<!-- name:start -->` and `<!-- name:end -->` in `file` (appended if there are no such markers). */
export function writeSection(file, name, text) {
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const block = `${start}\n${text}\n${end}`;
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const next = previous.includes(start) ? previous.replace(new RegExp(`${start}[\\s\\S]*${end}`), () => block) : `${previous}\n${block}\n`;
  writeFileSync(file, next);
  console.error(`wrote ${name} to ${file}`);
}

/** `1M`, `500K`, `2.5M` rows. */
export const millions = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}K`);

const s = (x) => x.toFixed(3);

/** What a row's goals say: `≤ 1.0x: met`, `≤ 256 MB: missed`, or both. */
function goalText(row) {
  const parts = [];
  if (row.goal?.ratio !== undefined) parts.push(`≤ ${row.goal.ratio.toFixed(1)}x: ${row.ratio <= row.goal.ratio ? 'met' : 'missed'}`);
  if (row.goal?.rssMb !== undefined) parts.push(`≤ ${row.goal.rssMb} MB: ${row.rssMb <= row.goal.rssMb ? 'met' : 'missed'}`);
  return parts.join('; ');
}

export class Table {
  /** @param {number} runs whole processes per command */
  constructor(runs) {
    this.runs = runs;
    this.rows = [];
  }

  /**
   * Runs `argv` (and then the peer's) `runs` times; `goal.ratio` bounds the median's ratio to the peer's,
   * `goal.rssMb` the peak RSS.
   * @param {string} group
   * @param {string} label
   * @param {string[]} argv
   * @param {{ peer?: { label: string, argv: string[] }, goal?: { ratio?: number, rssMb?: number } }} [options]
   */
  async bench(group, label, argv, { peer, goal } = {}) {
    const [r, peerResult] = peer ? await repeatAlternating(argv, peer.argv, this.runs) : [await repeat(argv, this.runs), undefined];
    const row = { group, label, ...r, peer, peerResult, ratio: peerResult && r.median / peerResult.median, goal };
    this.rows.push(row);
    const ratio = peer ? ` (${row.ratio.toFixed(2)}x ${peer.label})` : '';
    console.error(`${group} | ${label}: ${r.median.toFixed(3)} s, ${r.rssMb.toFixed(0)} MB${ratio}`);
    return row;
  }

  /** The Markdown table of every row so far. */
  markdown() {
    const lines = [
      '| group | command | median s | min–max s | peak RSS MB | peer | peer median s | peer RSS MB | ratio | goal |',
      '|---|---|---:|---:|---:|---|---:|---:|---:|---|',
    ];
    for (const r of this.rows) {
      const p = r.peerResult;
      lines.push(
        `| ${r.group} | ${r.label} | ${s(r.median)} | ${s(r.min)}–${s(r.max)} | ${r.rssMb.toFixed(0)} | ${r.peer?.label ?? ''} | ${p ? s(p.median) : ''} | ${p ? p.rssMb.toFixed(0) : ''} | ${p ? `${r.ratio.toFixed(2)}x` : ''} | ${goalText(r)} |`,
      );
    }
    return lines;
  }

  /** One line per goal of every row that has goals: the figure, the bound, met or missed. */
  goalLines() {
    const lines = [];
    for (const r of this.rows) {
      if (r.goal?.rssMb !== undefined) lines.push(`- ${r.label}: peak RSS ${r.rssMb.toFixed(0)} MB (goal ≤ ${r.goal.rssMb} MB: ${r.rssMb <= r.goal.rssMb ? 'met' : 'missed'})`);
      if (r.goal?.ratio !== undefined) {
        const verdict = r.ratio <= r.goal.ratio ? 'met' : 'missed';
        lines.push(`- ${r.label}: ${r.ratio.toFixed(2)}x ${r.peer.label}, ${s(r.median)} s against ${s(r.peerResult.median)} s (goal ≤ ${r.goal.ratio.toFixed(1)}x: ${verdict})`);
      }
    }
    return lines;
  }
}
