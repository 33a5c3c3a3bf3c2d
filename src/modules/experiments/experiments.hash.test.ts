import { describe, expect, it } from 'vitest';
import { assignArm, assignGlobal, hashBucket } from './index.ts';

describe('hash assignment', () => {
  it('is deterministic, uniform, and salted', () => {
    expect(hashBucket('prf_1', 's')).toBe(hashBucket('prf_1', 's'));
    expect(hashBucket('prf_1', 's')).not.toBe(hashBucket('prf_1', 't'));
    const n = 20000;
    let control = 0;
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const a = assignGlobal(`prf_${i}`, 'salt', 5);
      if (a.group === 'control') control++;
      deciles[Math.floor(a.bucket * 10)]!++;
    }
    // 5% of 20k = 1000, sd ~ 31: a 4-sigma band.
    expect(control).toBeGreaterThan(1000 - 124);
    expect(control).toBeLessThan(1000 + 124);
    for (const d of deciles) expect(Math.abs(d - 2000)).toBeLessThan(4 * Math.sqrt(2000 * 0.9));
  });

  it('splits arms by weight', () => {
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 10000; i++) counts[assignArm(`u${i}`, 'exp1', [{ name: 'a', weight: 3 }, { name: 'b', weight: 1 }])]!++;
    expect(counts.a! / 10000).toBeGreaterThan(0.72);
    expect(counts.a! / 10000).toBeLessThan(0.78);
    expect(assignArm('u', 'x', [])).toBe('default');
  });
});
