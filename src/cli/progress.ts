/**
 * Progress reporting for long imports, on stderr so stdout stays clean for data. On a terminal a
 * bar is redrawn in place at most ~10 times a second; in logs and CI (no TTY) a plain line is
 * written every 2 seconds instead, since carriage returns there make one unreadable line.
 */
import type { Clock } from '../core/index.ts';

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `0:07`, `12:34`, `1:02:03`; `--:--` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0/s';
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  return `${formatCount(perSecond)}/s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export interface ProgressState {
  /** Items done (messages, rows, products). */
  count: number;
  /** What an item is, plural: `events`, `rows`. */
  unit: string;
  bytesDone: number;
  /** Total bytes, when known (a file); 0 = unknown. */
  bytesTotal: number;
  elapsedMs: number;
}

export interface ProgressNumbers { fraction: number | undefined; rate: number; etaSeconds: number | undefined }

/** Fraction by bytes read, rate by items over elapsed time, ETA by extrapolating the byte fraction. */
export function progressNumbers(s: ProgressState): ProgressNumbers {
  const fraction = s.bytesTotal > 0 ? Math.min(1, Math.max(0, s.bytesDone / s.bytesTotal)) : undefined;
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? s.count / secs : 0;
  let etaSeconds: number | undefined;
  if (fraction !== undefined && fraction > 0 && secs > 0) etaSeconds = fraction >= 1 ? 0 : (secs * (1 - fraction)) / fraction;
  return { fraction, rate, etaSeconds };
}

/** The in-place terminal line: `[#####-----]  42%  12,345 events  3,210/s  ETA 0:12`. */
export function formatBar(s: ProgressState, width = 24): string {
  const { fraction, rate, etaSeconds } = progressNumbers(s);
  const filled = fraction === undefined ? 0 : Math.round(fraction * width);
  const bar = fraction === undefined ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  `;
  const eta = fraction === undefined ? '' : `  ETA ${formatDuration(etaSeconds ?? NaN)}`;
  return `${bar}${formatCount(s.count)} ${s.unit}  ${formatRate(rate)}${eta}`;
}

/** The plain log line for non-terminals. */
export function formatLine(label: string, s: ProgressState): string {
  const { fraction, rate, etaSeconds } = progressNumbers(s);
  const pct = fraction === undefined ? '' : `${Math.floor(fraction * 100)}%, `;
  const eta = fraction === undefined ? '' : `, ETA ${formatDuration(etaSeconds ?? NaN)}`;
  return `${label}: ${pct}${formatCount(s.count)} ${s.unit}, ${formatRate(rate)}${eta}`;
}

export interface ProgressSink { write(s: string): unknown; isTTY?: boolean }

export interface Progress {
  update(count: number, bytesDone: number): void;
  /** Removes the bar (on a TTY); the caller then prints its summary. */
  finish(): void;
  /** Prints a message above the bar without garbling it. */
  log(line: string): void;
}

export const TTY_REDRAW_MS = 100;
export const PLAIN_EVERY_MS = 2000;

export function createProgress(opts: { label: string; unit: string; bytesTotal: number; out: ProgressSink; clock: Clock }): Progress {
  const tty = opts.out.isTTY === true;
  const started = opts.clock.now();
  let last = started;
  let drawn = false;
  let state: ProgressState = { count: 0, unit: opts.unit, bytesDone: 0, bytesTotal: opts.bytesTotal, elapsedMs: 0 };
  const clear = () => { if (drawn) { opts.out.write('\r\x1b[K'); drawn = false; } };
  const draw = () => { opts.out.write(`\r\x1b[K${opts.label} ${formatBar(state)}`); drawn = true; };
  return {
    update(count, bytesDone) {
      const now = opts.clock.now();
      state = { ...state, count, bytesDone, elapsedMs: now - started };
      if (now - last < (tty ? TTY_REDRAW_MS : PLAIN_EVERY_MS)) return;
      last = now;
      if (tty) draw(); else opts.out.write(formatLine(opts.label, state) + '\n');
    },
    finish() { if (tty) clear(); },
    log(line) {
      const had = drawn;
      clear();
      opts.out.write(line + '\n');
      if (had) draw();
    },
  };
}
