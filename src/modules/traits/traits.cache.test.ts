import { describe, expect, it } from 'vitest';
import { emptyActivity } from './traits.activity.ts';
import { TraitsCache, type CacheEntry } from './traits.cache.ts';

const entry = (lastSeq: number): CacheEntry => ({
  inputs: { history: [], activity: { ...emptyActivity(), lastSeq }, snapshot: { views: [], productViews: 0, couponAttempts: 0 } },
  declared: [], evaluation: {} as CacheEntry['evaluation'], evaluatedAt: 0, loadedAt: 0, modelVersion: 0,
});

describe('TraitsCache', () => {
  it('keeps the most recently used entries up to its size', () => {
    const c = new TraitsCache(2);
    c.set('a', entry(1)); c.set('b', entry(1));
    c.get('a');
    c.set('c', entry(1));
    expect([c.get('a') !== undefined, c.get('b') !== undefined, c.get('c') !== undefined]).toEqual([true, false, true]);
  });

  it('a loaded row never replaces an entry built from later events', () => {
    const c = new TraitsCache(10);
    c.set('a', entry(50));
    c.setUnlessNewer('a', entry(40)); // a read that started before the live path wrote seq 50
    expect(c.get('a')?.inputs.activity.lastSeq).toBe(50);
    c.setUnlessNewer('a', entry(60));
    expect(c.get('a')?.inputs.activity.lastSeq).toBe(60);
    c.setUnlessNewer('b', entry(1));
    expect(c.get('b')?.inputs.activity.lastSeq).toBe(1);
  });
});
