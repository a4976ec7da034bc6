/**
 * Progress on stderr: one line redrawn in place, at most ten times a second
 * and cut to the terminal's width (it never wraps), with percent and time
 * left when the total is known, rows and rows per second always. Shown only
 * when stderr is a terminal and --quiet is not given; stdout carries data
 * only. The line is drawn with a carriage return and an erase to its end, so
 * no terminal size (0 columns, 1 column, a resize) can make it move the
 * cursor over earlier output, and nothing is drawn between updates.
 */
import type { Writable } from 'node:stream';
import { countOf, formatCount } from '../core/format-count.js';
import { onCleanup } from '../io/files/cleanup.js';

/** Counts shown on the line; rows and epochs count from the start of the run. */
export interface ProgressCounts {
  /** Rows, or the units `unit` names. */
  rows: number;
  /** What `rows` counts, singular and plural (default row, rows). */
  unit?: readonly [string, string];
  batches?: number;
  epoch?: number;
  epochs?: number;
}

/** A progress display; with progress off, only note() writes (the line as it is). */
export interface Progress {
  /** Whether progress is shown: work done only for it (reading footers for a total) can be skipped otherwise. */
  readonly shown: boolean;
  /** Rows the whole run reads, when known up front: adds the percent and the time left. */
  setTotal(rows: number | undefined): void;
  update(counts: ProgressCounts): void;
  /** Writes a whole line (a warning) above the progress line. */
  note(line: string): void;
  done(summary: string): void;
  fail(): void;
}

/** A stream that may be a terminal, with its width in columns (0 or absent when the terminal does not say). */
export type TerminalStream = Writable & { isTTY?: boolean; columns?: number };

/** Shortest time between two redraws. */
const REDRAW_MS = 100;
/** Width taken when a terminal reports 0 columns (Docker -t, some CI ptys, script without a size). */
const UNKNOWN_WIDTH = 80;
/** Progress is worth a rate and a time left only after this long. */
const SETTLED_SECONDS = 0.5;

/** "0:42", "12:05", "1:02:03". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** The line's text after the label: "42% · ETA 0:01 · epoch 2/3 · 1,234 of 2,937 rows · 5 batches · 2,468 rows/s". */
export function describe(counts: ProgressCounts, seconds: number, total: number | undefined): string {
  const { rows } = counts;
  const [one, many] = counts.unit ?? ['row', 'rows'];
  const known = total !== undefined && total > 0;
  const settled = seconds > SETTLED_SECONDS && rows > 0;
  // Most telling first: a narrow terminal cuts the line at its end.
  const parts: string[] = [];
  if (known) parts.push(`${Math.min(100, Math.floor((rows / total) * 100))}%`);
  if (known && settled && rows < total) parts.push(`ETA ${clock((seconds * (total - rows)) / rows)}`);
  if (counts.epochs && counts.epochs > 1) parts.push(`epoch ${formatCount(counts.epoch ?? 1)}/${formatCount(counts.epochs)}`);
  parts.push(known ? `${formatCount(rows)} of ${countOf(total, one, many)}` : countOf(rows, one, many));
  if (counts.batches !== undefined) parts.push(countOf(counts.batches, 'batch', 'batches'));
  if (settled) parts.push(`${formatCount(rows / seconds)} ${many}/s`);
  return parts.join(' · ');
}

/** `text` cut to fit a terminal `columns` wide, one column short so the cursor never reaches the edge (where it would wrap). */
export function fitWidth(text: string, columns: number | undefined): string {
  const room = (columns && columns > 0 ? columns : UNKNOWN_WIDTH) - 1;
  const chars = Array.from(text);
  if (chars.length <= room) return text;
  return room <= 0 ? '' : `${chars.slice(0, room - 1).join('')}…`;
}

const quietProgress = (stream: Writable): Progress => ({
  shown: false,
  setTotal() {},
  update() {},
  note: (line) => void stream.write(line),
  done() {},
  fail() {},
});

/** The progress line on `stream` when it is a terminal (not TERM=dumb) and not `quiet`, else a display that shows nothing. */
export function startProgress(stream: TerminalStream, quiet: boolean, label: string, env: NodeJS.ProcessEnv = process.env): Progress {
  if (quiet || !stream.isTTY || env.TERM === 'dumb') return quietProgress(stream);
  const start = performance.now();
  let counts: ProgressCounts = { rows: 0 };
  let total: number | undefined;
  let drawnAt = -Infinity;
  /** Whether the line is on the screen: from the start until done() or fail(). */
  let live = true;
  const draw = () => {
    drawnAt = performance.now();
    // The width is read at every redraw: a resized terminal gets lines of its new width.
    stream.write(`\r${fitWidth(`${label}: ${describe(counts, (drawnAt - start) / 1000, total)}`, stream.columns)}\x1b[K`);
  };
  const erase = () => {
    if (live) stream.write('\r\x1b[K');
  };
  const stop = () => {
    erase();
    live = false;
    forget();
  };
  // Stopped early (an error, Ctrl-C), the process leaves no half line for the shell prompt to follow.
  const forget = onCleanup(stop);
  draw();
  return {
    shown: true,
    setTotal(rows) {
      total = rows;
    },
    update(next) {
      counts = next;
      if (live && performance.now() - drawnAt >= REDRAW_MS) draw();
    },
    note(line) {
      erase();
      stream.write(line);
      if (live) draw();
    },
    done(summary) {
      stop();
      const seconds = (performance.now() - start) / 1000;
      stream.write(`${summary} in ${seconds.toFixed(1)} s (${formatCount(counts.rows / Math.max(seconds, 1e-3))} ${counts.unit?.[1] ?? 'rows'}/s)\n`);
    },
    fail: stop,
  };
}
