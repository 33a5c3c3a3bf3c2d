import { describe, expect, it } from 'vitest';
import { createBurstDetector } from './profiles.burst.ts';

const opts = { minMs: 50, maxMs: 250, gapsPerWindow: 3 };

describe('burst detector', () => {
  it('is quiet before any commit and busy right after one', () => {
    const b = createBurstDetector(opts);
    expect(b.busy(1000)).toBe(false);
    b.commit(1000);
    expect(b.busy(1001)).toBe(true);
    expect(b.window()).toBe(250);
    expect(b.busy(1249)).toBe(true);
    expect(b.busy(1251)).toBe(false);
  });
  it('ends a burst of close commits soon after the last one, never sooner than minMs', () => {
    const b = createBurstDetector(opts);
    let t = 0;
    for (let i = 0; i < 40; i++) b.commit(t += 15);
    expect(b.window()).toBeGreaterThanOrEqual(50);
    expect(b.window()).toBeLessThan(60);
    expect(b.busy(t + 40)).toBe(true);
    expect(b.busy(t + 70)).toBe(false);
  });
  it('keeps the widest window for commits ~120 ms apart (many HTTP clients)', () => {
    const b = createBurstDetector(opts);
    let t = 0;
    for (let i = 0; i < 40; i++) b.commit(t += i % 2 ? 80 : 160);
    expect(b.window()).toBe(250);
    expect(b.busy(t + 200)).toBe(true);
  });
  it('does not count a pause between bursts as a gap, and widens again as gaps grow', () => {
    const b = createBurstDetector(opts);
    let t = 0;
    for (let i = 0; i < 40; i++) b.commit(t += 15);
    const close = b.window();
    b.commit(t += 10_000); // a pause, then a new burst
    expect(b.window()).toBe(close);
    for (let i = 0; i < 20; i++) b.commit(t += 120);
    expect(b.window()).toBeGreaterThan(200);
  });
});
