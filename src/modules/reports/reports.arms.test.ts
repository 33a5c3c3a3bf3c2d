import { describe, expect, it } from 'vitest';
import { buildArmsReport, type VersionDesign } from './reports.arms.ts';
import { WORKER_METRICS, type UnitAggregate } from './reports.workers.store.ts';

/** Aggregates of n units each with contribution y (others 0), as the SQL would return them. */
function rows(arm: string, version: number, ys: number[]): UnitAggregate {
  const sums = {} as UnitAggregate['sums'];
  for (const m of WORKER_METRICS) sums[m] = { sum: 0, sumSq: 0, sumPreY: 0 };
  sums.contribution = { sum: ys.reduce((a, b) => a + b, 0), sumSq: ys.reduce((a, b) => a + b * b, 0), sumPreY: 0 };
  return { arm, version, cohort: null, bucket: null, n: ys.length, sums, pre: { sum: 0, sumSq: 0 }, sumRevenueOrders: 0 };
}
const ys = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('arms report', () => {
  it('takes the intended split from each unit\'s version, so a weight change raises no false alarm', () => {
    // v1: 50/50, v2: 80/20; the observed counts follow each version's weights exactly.
    const designs: Record<number, VersionDesign> = { 1: { holdoutPct: 20, weights: { a: 1, b: 1 } }, 2: { holdoutPct: 20, weights: { a: 4, b: 1 } } };
    const data = [
      rows('holdout', 1, ys(50, () => 0)), rows('a', 1, ys(100, (i) => i % 5)), rows('b', 1, ys(100, (i) => i % 7)),
      rows('holdout', 2, ys(50, () => 0)), rows('a', 2, ys(160, (i) => i % 5)), rows('b', 2, ys(40, (i) => i % 7)),
    ];
    const r = buildArmsReport(data, ['a', 'b'], 'a', (v) => designs[v]!);
    expect(r.units).toEqual({ total: 500, holdout: 100, assigned: 400, unassigned: 0 });
    expect(r.arms.map((x) => [x.arm, x.n, x.expectedShare])).toEqual([['a', 260, (200 * 0.5 + 200 * 0.8) / 400], ['b', 140, (200 * 0.5 + 200 * 0.2) / 400]]);
    expect(r.srm!.chiSquare).toBeCloseTo(0, 12);
    expect(r.srm!.mismatch).toBe(false);
    // The intended holdout share against arm b: Σ N·h / Σ N·(h + (1 − h)·w_b), N = 250 per version.
    const vsB = r.vsHoldout.find((x) => x.arm === 'b')!;
    expect(vsB.expectedHoldoutShare).toBeCloseTo((250 * 0.2 * 2) / (250 * (0.2 + 0.8 * 0.5) + 250 * (0.2 + 0.8 * 0.2)), 12);
    expect(vsB.arms.map((x) => x.arm)).toEqual(['holdout', 'b']);
    expect(r.metrics.find((m) => m.metric === 'contribution')!.comparisons.map((c) => c.arm)).toEqual(['b']);
    expect(r.vsControl.map((x) => x.arm)).toEqual(['b']);
  });

  it('flags units in an arm their version never had, counts unassigned ones apart, and needs two shoppers per arm to compare', () => {
    const designs: Record<number, VersionDesign> = { 1: { holdoutPct: 10 }, 2: { holdoutPct: 10, weights: { a: 1, b: 1 } } };
    const r = buildArmsReport([
      rows('unassigned', 1, ys(30, () => 1)), rows('a', 2, ys(100, () => 1)), rows('b', 2, ys(100, () => 2)), rows('ghost', 2, ys(20, () => 0)),
    ], ['a', 'b'], 'a', (v) => designs[v]!);
    expect(r.units).toEqual({ total: 250, holdout: 0, assigned: 220, unassigned: 30 });
    expect(r.arms.map((x) => x.arm)).toEqual(['a', 'b', 'ghost']);
    expect(r.srm!.mismatch).toBe(true);
    const lone = buildArmsReport([rows('a', 2, ys(1, () => 1)), rows('b', 2, ys(5, () => 2))], ['a', 'b'], 'a', (v) => designs[v]!);
    expect(lone.metrics).toEqual([]);
    expect(lone.vsControl[0]!.contributionPerShopper).toBeNull();
  });
});
