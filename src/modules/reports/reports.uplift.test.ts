import { describe, expect, it } from 'vitest';
import { createRng } from '../stats/index.ts';
import { buildFeatureEncoder, evaluateUplift, type UnitRow } from './index.ts';

describe('buildFeatureEncoder', () => {
  const rows: UnitRow[] = [
    { unitId: '1', arm: 'a', outcomes: [0], covariates: { age: 30, tier: 'gold', city: 'x' } },
    { unitId: '2', arm: 'a', outcomes: [0], covariates: { age: null, tier: 'basic', city: 'x' } },
    { unitId: '3', arm: 'b', outcomes: [0], covariates: { age: 50, tier: 'basic', city: null } },
  ];
  it('keeps numbers (with a missing indicator), one-hots categories except the most frequent', () => {
    const e = buildFeatureEncoder(rows, ['age', 'tier', 'city']);
    expect(e.names).toEqual(['age', 'age=missing', 'tier=gold', 'city=missing']);
    expect(rows.map(e.encode)).toEqual([[30, 0, 1, 0], [0, 1, 0, 0], [50, 0, 0, 1]]);
    // A level never seen in training encodes as the reference level.
    expect(e.encode({ unitId: '4', arm: 'a', outcomes: [0], covariates: { age: 1, tier: 'platinum', city: 'y' } })).toEqual([1, 0, 0, 0]);
  });
});

describe('evaluateUplift', () => {
  // Persuadables: treatment raises visit probability only when `engaged` is 1.
  const rng = createRng('uplift-units');
  const rows: UnitRow[] = Array.from({ length: 6000 }, (_, i) => {
    const engaged = rng.next() < 0.4 ? 1 : 0, treated = rng.next() < 0.5;
    const p = 0.1 + (treated && engaged ? 0.3 : 0);
    return { unitId: `u${i}`, arm: treated ? 'mail' : 'none', outcomes: [rng.next() < p ? 1 : 0], covariates: { engaged, noise: rng.next() } };
  });
  it('finds the persuadables: Qini well above 0, top-30% uplift near 0.3 vs ~0.12 for random targeting', () => {
    const u = evaluateUplift(rows, ['visit'], ['engaged', 'noise'], { treatment: 'mail', control: 'none', outcome: 'visit' });
    expect(u.kind).toBe('binary');
    expect(Math.abs(u.train.units - 3000)).toBeLessThan(200);
    expect(u.qiniCoefficient).toBeGreaterThan(0.2);
    expect(u.upliftAtTop).toBeGreaterThan(0.22);
    expect(Math.abs(u.randomUpliftAtTop - 0.12)).toBeLessThan(0.04);
    expect(u.curve[0]).toEqual({ fraction: 0, qini: 0, uplift: 0 });
    expect(u.curve[10]!.fraction).toBe(1);
  });
  it('is reproducible for a seed and names bad options', () => {
    const a = evaluateUplift(rows, ['visit'], ['engaged'], { treatment: 'mail', control: 'none', outcome: 'visit', seed: 's' });
    const b = evaluateUplift(rows, ['visit'], ['engaged'], { treatment: 'mail', control: 'none', outcome: 'visit', seed: 's' });
    expect(a.qiniCoefficient).toBe(b.qiniCoefficient);
    const field = (f: () => unknown) => { try { f(); return undefined; } catch (e) { return (e as { details?: { field?: string } }).details?.field; } };
    expect(field(() => evaluateUplift(rows, ['visit'], ['engaged'], { treatment: 'mail', control: 'none', outcome: 'spend' }))).toBe('outcome');
    expect(field(() => evaluateUplift(rows, ['visit'], ['engaged'], { treatment: 'mail', control: 'none', outcome: 'visit', features: ['age'] }))).toBe('features[0]');
    expect(field(() => evaluateUplift(rows, ['visit'], ['engaged'], { treatment: 'mail', control: 'nobody', outcome: 'visit' }))).toBe('treatment');
  });
});
