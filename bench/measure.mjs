/** Runs a command as a whole process and measures its wall time and peak resident memory. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const GNU_TIME = '/usr/bin/time';

/**
 * One run: seconds and peak RSS in MB. Uses GNU time's maximum resident set
 * size when installed, else samples /proc/<pid>/status VmHWM (a high-water mark).
 * @param {string[]} argv
 * @returns {Promise<{ seconds: number, rssMb: number }>}
 */
export function measure(argv) {
  const timed = existsSync(GNU_TIME);
  const [cmd, ...args] = timed ? [GNU_TIME, '-f', '__bench %e %M', ...argv] : argv;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let hwm = 0;
    const poll = timed ? undefined : setInterval(() => {
      try {
        const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (kb) hwm = Math.max(hwm, Number(kb[1]));
      } catch {}
    }, 10);
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const line = /__bench ([\d.]+) (\d+)/.exec(stderr);
      const rest = stderr.replace(/__bench .*\n?/, '').trim();
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited with ${code}: ${rest}`));
      resolve({ seconds, rssMb: (line ? Number(line[2]) : hwm) / 1024 });
    });
  });
}

/**
 * `runs` runs: median and range of seconds, peak RSS (largest of the runs).
 * @param {string[]} argv
 * @param {number} runs
 */
export async function repeat(argv, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await measure(argv));
  return summary(results);
}

/**
 * repeat() of a command and its peer, their runs alternating, so that both
 * meet the same moments of the machine's load (on a shared 2-core machine
 * it drifts over minutes: runs in two blocks once gave a ratio of 1.38x
 * where alternating runs gave 0.89x).
 */
export async function repeatAlternating(argv, peerArgv, runs) {
  const own = [];
  const peer = [];
  for (let i = 0; i < runs; i++) {
    own.push(await measure(argv));
    peer.push(await measure(peerArgv));
  }
  return [summary(own), summary(peer)];
}

/** Median, min and max seconds and the largest peak RSS of some runs. */
function summary(results) {
  const times = results.map((r) => r.seconds).sort((a, b) => a - b);
  const mid = times.length >> 1;
  return {
    median: times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2,
    min: times[0],
    max: times[times.length - 1],
    rssMb: Math.max(...results.map((r) => r.rssMb)),
  };
}
