import { describe, expect, it } from 'vitest';
import { createManualClock } from '../core/index.ts';
import { createProgress, formatBar, formatBytes, formatCount, formatDuration, formatLine, formatRate, progressNumbers } from './progress.ts';

describe('progress formatting', () => {
  it('formats counts, durations, rates and sizes', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(754)).toBe('12:34');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(Infinity)).toBe('--:--');
    expect(formatRate(3210.4)).toBe('3,210/s');
    expect(formatRate(2.25)).toBe('2.3/s');
    expect(formatRate(0)).toBe('0/s');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
  });

  it('computes percentage by bytes, rate by items, ETA by extrapolation', () => {
    const s = { count: 5000, unit: 'events', bytesDone: 250, bytesTotal: 1000, elapsedMs: 10_000 };
    expect(progressNumbers(s)).toEqual({ fraction: 0.25, rate: 500, etaSeconds: 30 });
    expect(formatBar(s, 8)).toBe('[##------]  25%  5,000 events  500/s  ETA 0:30');
    expect(formatLine('Importing events', s)).toBe('Importing events: 25%, 5,000 events, 500/s, ETA 0:30');
    const unknown = { ...s, bytesTotal: 0 };
    expect(progressNumbers(unknown).fraction).toBeUndefined();
    expect(formatBar(unknown)).toBe('5,000 events  500/s');
    expect(progressNumbers({ ...s, bytesDone: 0, elapsedMs: 0 }).etaSeconds).toBeUndefined();
    expect(formatBar({ ...s, bytesDone: 2000 }, 4)).toBe('[####] 100%  5,000 events  500/s  ETA 0:00');
  });
});

describe('createProgress', () => {
  const sink = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, out: { isTTY, write: (s: string) => { writes.push(s); return true; } } };
  };

  it('redraws in place at most every 100 ms on a terminal', () => {
    const clock = createManualClock(0);
    const { writes, out } = sink(true);
    const p = createProgress({ label: 'Importing', unit: 'rows', bytesTotal: 100, out, clock });
    for (let i = 1; i <= 50; i++) { clock.advance(10); p.update(i, i); }
    expect(writes.length).toBe(5);
    expect(writes.every((w) => w.startsWith('\r\x1b[K'))).toBe(true);
    p.log('line 7: bad');
    expect(writes.slice(-3)).toEqual(['\r\x1b[K', 'line 7: bad\n', writes.at(-1)]);
    expect(writes.at(-1)).toMatch(/^\r\x1b\[KImporting \[/);
    p.finish();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('writes a plain line every 2 s when not a terminal', () => {
    const clock = createManualClock(0);
    const { writes, out } = sink(false);
    const p = createProgress({ label: 'Importing', unit: 'rows', bytesTotal: 100, out, clock });
    for (let i = 1; i <= 50; i++) { clock.advance(100); p.update(i, i * 2); }
    expect(writes).toEqual(['Importing: 40%, 20 rows, 10/s, ETA 0:03\n', 'Importing: 80%, 40 rows, 10/s, ETA 0:01\n']);
    p.log('line 3: bad');
    p.finish();
    expect(writes.at(-1)).toBe('line 3: bad\n');
  });
});
