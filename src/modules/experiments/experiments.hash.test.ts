import { describe, expect, it } from 'vitest';
import { ASSIGNMENT_VERSION, assignArm, assignGlobal, assignWorkerHoldout, hashBucket } from './index.ts';

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

  it('holds a worker\'s share out by a hash salted with the deployment salt and the worker id, independent of the global control', () => {
    const a = assignWorkerHoldout('prf_1', 'salt', 'wkr_a', 50);
    expect(assignWorkerHoldout('prf_1', 'salt', 'wkr_a', 50)).toEqual(a); // every restart, every node
    expect(a.version).toBe(ASSIGNMENT_VERSION);
    expect(a.bucket).toBe(hashBucket('prf_1', 'salt:worker:wkr_a'));
    const n = 20000;
    let held = 0, both = 0, otherSalt = 0, otherWorker = 0;
    for (let i = 0; i < n; i++) {
      const id = `prf_${i}`;
      const w = assignWorkerHoldout(id, 'salt', 'wkr_a', 10);
      if (!w.heldOut) continue;
      held++;
      if (assignGlobal(id, 'salt', 10).group === 'control') both++;
      if (assignWorkerHoldout(id, 'pepper', 'wkr_a', 10).heldOut) otherSalt++;
      if (assignWorkerHoldout(id, 'salt', 'wkr_b', 10).heldOut) otherWorker++;
    }
    // 10% held out (sd 42); among them the global control, another salt and another worker each hold ~10% (sd ~13).
    expect(Math.abs(held - 2000)).toBeLessThan(170);
    for (const k of [both, otherSalt, otherWorker]) expect(Math.abs(k - held / 10)).toBeLessThan(4 * Math.sqrt(held * 0.09));
  });
});
