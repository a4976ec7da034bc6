/**
 * Runs the built bn1d on a real pseudo-terminal (util-linux script), with
 * stdin, stdout and stderr all the terminal, as on a user's screen: for
 * tests of what a terminal shows, of its size, and of Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

/** What a test can do to the terminal while bn1d runs. */
export interface Terminal {
  /** Everything the terminal received so far (both stdout and stderr). */
  readonly output: string;
  /** Types bytes on the keyboard ("\x03" is Ctrl-C). */
  type(bytes: string): void;
  /** Gives the terminal a new width, as a window resize does (bn1d gets SIGWINCH). */
  resize(columns: number): void;
  /** Sends a signal to bn1d itself. */
  signal(name: NodeJS.Signals): void;
}

export interface PtyRun {
  code: number | null;
  output: string;
  /** Bytes the terminal received, even past what `output` keeps. */
  bytes: number;
  /** Whether bn1d was still running at the deadline (it is then killed). */
  timedOut: boolean;
}

export interface PtyOptions {
  /** The terminal's width; 0 is a terminal that reports no size. */
  columns: number;
  timeoutMs?: number;
  /** Called whenever output arrives. */
  watch?: (terminal: Terminal) => void;
}

/** Output kept for assertions; a runaway program's output is counted beyond it, not kept. */
const KEEP = 4 << 20;

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** Runs `bn1d ...args` on a new terminal `columns` wide (24 rows) until it ends or the deadline passes. */
export function inPty(args: string[], options: PtyOptions): Promise<PtyRun> {
  // The shell prints its pid and terminal, sets the size, then becomes bn1d (exec keeps the pid).
  const command = `echo "pid=$$ tty=$(tty)"; stty cols ${options.columns} rows 24; exec ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, TERM: 'xterm-256color', BN1D_DEBUG: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let bytes = 0;
  let pid: number | undefined;
  let tty: string | undefined;
  const terminal: Terminal = {
    get output() {
      return output;
    },
    type: (keys) => void child.stdin.write(keys),
    resize: (columns) => void spawnSync('stty', ['-F', tty!, 'cols', String(columns)]),
    signal: (name) => void (pid && process.kill(pid, name)),
  };
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // A hung bn1d may not answer SIGTERM or SIGHUP: kill it, and script ends with it.
      if (pid) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if (output.length < KEEP) output += d.toString('utf8');
      const started = /pid=(\d+) tty=(\S+)/.exec(output);
      if (started && pid === undefined) [pid, tty] = [Number(started[1]), started[2]];
      if (pid !== undefined) options.watch?.(terminal);
    });
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, bytes, timedOut });
    });
  });
}

/** The progress lines a terminal showed: each redraw is a carriage return, the text, and an erase to the end of the line. */
export function progressLines(output: string): string[] {
  return [...output.matchAll(/\r([^\r\n\x1b]+)\x1b\[K/g)].map((m) => m[1]!);
}
