import { describe, expect, it } from 'vitest';
import { PriorityLock } from './priority-lock.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('PriorityLock', () => {
  it('lets up to maxShared statements hold it at once, and a transaction waits for all of them', async () => {
    const lock = new PriorityLock(250, () => 0, 2);
    const log: string[] = [];
    await lock.acquire('high', 'shared'); log.push('s1');
    await lock.acquire('high', 'shared'); log.push('s2');
    void lock.acquire('high', 'shared').then(() => log.push('s3'));
    void lock.acquire('high', 'exclusive').then(() => log.push('tx'));
    await tick();
    expect(log).toEqual(['s1', 's2']);
    lock.release('shared'); await tick();
    expect(log).toEqual(['s1', 's2', 's3']); // s3 was queued before the transaction
    lock.release('shared'); await tick();
    expect(log).toEqual(['s1', 's2', 's3']); // one shared holder left
    lock.release('shared'); await tick();
    expect(log).toEqual(['s1', 's2', 's3', 'tx']);
  });

  it('does not let statements that arrive after a waiting transaction overtake it', async () => {
    const lock = new PriorityLock(250, () => 0, 4);
    const log: string[] = [];
    await lock.acquire('high', 'shared');
    void lock.acquire('high', 'exclusive').then(() => log.push('tx'));
    void lock.acquire('high', 'shared').then(() => log.push('late'));
    await tick();
    expect(log).toEqual([]);
    lock.release('shared'); await tick();
    expect(log).toEqual(['tx']);
    lock.release('exclusive'); await tick();
    expect(log).toEqual(['tx', 'late']);
  });

  it('serves high before low, unless the oldest low waiter is starving', async () => {
    let now = 0;
    const lock = new PriorityLock(250, () => now, 1);
    const log: string[] = [];
    await lock.acquire('high', 'exclusive');
    void lock.acquire('low', 'shared').then(() => log.push('low'));
    void lock.acquire('high', 'shared').then(() => log.push('high'));
    lock.release('exclusive'); await tick();
    expect(log).toEqual(['high']);
    void lock.acquire('high', 'shared').then(() => log.push('high2'));
    now = 300;
    lock.release('shared'); await tick();
    expect(log).toEqual(['high', 'low']);
    lock.release('shared'); await tick();
    expect(log).toEqual(['high', 'low', 'high2']);
    expect(lock.waiting).toEqual({ high: 0, low: 0, background: 0 });
  });

  it('serves background after low and high, and a starving background waiter before both', async () => {
    let now = 0;
    const lock = new PriorityLock(250, () => now, 1);
    const log: string[] = [];
    await lock.acquire('high', 'exclusive');
    void lock.acquire('background', 'shared').then(() => log.push('bg'));
    void lock.acquire('low', 'shared').then(() => log.push('low'));
    void lock.acquire('high', 'shared').then(() => log.push('high'));
    lock.release('exclusive'); await tick();
    expect(log).toEqual(['high']);
    lock.release('shared'); await tick();
    expect(log).toEqual(['high', 'low']);
    now = 50;
    void lock.acquire('low', 'shared').then(() => log.push('low2'));
    now = 100;
    void lock.acquire('low', 'shared').then(() => log.push('low3'));
    now = 360; // bg (queued at 0), low2 (at 50) and low3 (at 100) all starve: the oldest first
    lock.release('shared'); await tick();
    expect(log).toEqual(['high', 'low', 'bg']);
    lock.release('shared'); await tick();
    lock.release('shared'); await tick();
    expect(log).toEqual(['high', 'low', 'bg', 'low2', 'low3']);
    expect(lock.waiting).toEqual({ high: 0, low: 0, background: 0 });
  });
});
