import { displayWidth, truncate } from '../cli/text-layout.ts';
import type { VendorOutcome } from './coverage-summary.ts';
import { formatDuration } from './render-coverage.ts';

/**
 * How `fetchwright expand` shows its progress, as people expect it from build tools:
 *
 * - on a terminal (a TTY, and not CI): one live line, redrawn in place at most every 100 ms,
 *   `[3/13] 00:42  running: okta, slack` (vendors done / total, time since the start, the vendors
 *   running), and one permanent line above it per finished vendor;
 * - otherwise (a pipe, a file, or the `CI` environment variable set, as CI logs show every write):
 *   the permanent lines only, `[3/13] okta: generated (12.3 s)`, with no control characters at all.
 *
 * Vendor names, details and notes are untrusted: their control characters (ESC, CR, newlines, C1,
 * bidi overrides) are written as visible `\uXXXX` escapes, so the only control sequences this
 * display writes are its own `\r` and `ESC[K` (erase to the end of the line) on the live line. The
 * live line is cut to the terminal's width (one column less, so it never wraps).
 */

/** Where the display writes (a raw terminal stream when live: its `\r` and `ESC[K` must reach the terminal). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  /** The terminal's width in columns (read again at every redraw: the window may be resized). */
  columns?: number;
}

export interface ProgressOptions {
  /** Vendors this run will work on. */
  total: number;
  /** The clock, in ms (default `Date.now`). */
  now?: () => number;
  /** Plain lines even on a TTY (default: the `CI` environment variable is set and not empty). */
  ci?: boolean;
}

export interface ProgressDisplay {
  /** A vendor started. */
  started(vendor: string): void;
  /** A vendor finished: one permanent line, `detail` (a cause) after its outcome and time. */
  finished(vendor: string, outcome: VendorOutcome, detail?: string): void;
  /** A line for people between the vendor lines (a warning, what was skipped). */
  note(line: string): void;
  /** Clears the live line and stops redrawing; calling it again does nothing. */
  stop(): void;
}

/** How often the live line may be redrawn (ms). */
export const REDRAW_MS = 100;
const CLEAR_LINE = '\r\u001b[K';
/** Control characters a terminal acts on, tab and newline included (a name is one line), and the bidi controls. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` on one line with every control character written as a visible `\uXXXX` escape. */
export function escapeForLine(text: string): string {
  return String(text).replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Elapsed time as a clock: `00:42`, `12:05`, `1:02:09`. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const mmss = `${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss}` : mmss;
}

/**
 * A progress display on `stream` for a run of `options.total` vendors (see the module comment for
 * the two modes). Live mode starts an unref'd interval (it never keeps the process alive); call
 * `stop()` at the end, also on failure, to clear the line and the interval.
 */
export function createProgressDisplay(stream: ProgressStream, options: ProgressOptions): ProgressDisplay {
  const now = options.now ?? Date.now;
  const ci = options.ci ?? !!process.env.CI;
  const live = !!stream.isTTY && !ci;
  const start = now();
  const total = Math.max(0, Math.floor(options.total));
  /** Running vendors in the order they started, with their start times. */
  const running = new Map<string, number>();
  let done = 0;
  /** The live line as last drawn ('' when none is on screen). */
  let drawn = '';
  let stopped = false;

  const counter = () => `[${done}/${total}]`;

  const liveLine = (): string => {
    const width = Math.max(10, Math.floor(stream.columns ?? 80) - 1);
    const names = [...running.keys()].map(escapeForLine);
    const line = `${counter()} ${clock(now() - start)}${names.length ? `  running: ${names.join(', ')}` : ''}`;
    return displayWidth(line) <= width ? line : truncate(line, width);
  };

  const draw = () => {
    if (stopped) return;
    const line = liveLine();
    if (line === drawn) return;
    stream.write(`\r${line}\u001b[K`);
    drawn = line;
  };

  /** A line that stays: the live line cleared first (it is drawn again at the next tick). */
  const permanent = (line: string) => {
    if (live && drawn) {
      stream.write(`${CLEAR_LINE}${line}\n`);
      drawn = '';
    } else stream.write(`${line}\n`);
  };

  const timer = live ? setInterval(draw, REDRAW_MS) : undefined;
  timer?.unref();

  return {
    started(vendor) {
      running.set(String(vendor), now());
    },
    finished(vendor, outcome, detail) {
      const name = String(vendor);
      const began = running.get(name);
      running.delete(name);
      done++;
      const time = began === undefined ? '' : ` (${formatDuration(now() - began)})`;
      const more = detail ? `: ${escapeForLine(detail)}` : '';
      permanent(`${counter()} ${escapeForLine(name)}: ${escapeForLine(outcome)}${time}${more}`);
    },
    note(line) {
      permanent(escapeForLine(line));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      if (live && drawn) stream.write(CLEAR_LINE);
      drawn = '';
    },
  };
}
