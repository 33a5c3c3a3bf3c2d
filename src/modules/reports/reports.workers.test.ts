/**
 * The worker report as a pure function of SQL-shaped aggregates: summing groups (versions,
 * cohorts, buckets) gives the same statistics as the unit rows they came from; the intended split
 * mixes versions' holdout percentages; the series is cumulative; an empty arm yields nulls, not
 * an exception. Reference values are computed here from the units by hand.
 */
import { describe, expect, it } from 'vitest';
import { buildSeries, buildWorkerReport, expectedHoldoutShare } from './reports.workers.ts';
import { WORKER_METRICS, type UnitAggregate, type WorkerMetric } from './reports.workers.store.ts';

interface Unit { arm: 'holdout' | 'treated'; version: number; bucket: number; pre: number; y: Partial<Record<WorkerMetric, number>> }

/** What the SQL GROUP BY returns for these units. */
function aggregate(units: Unit[]): UnitAggregate[] {
  const groups = new Map<string, Unit[]>();
  for (const u of units) { const k = `${u.arm}|${u.version}|${u.bucket}`; groups.set(k, [...(groups.get(k) ?? []), u]); }
  return [...groups.values()].map((g) => {
    const sums = {} as UnitAggregate['sums'];
    for (const m of WORKER_METRICS) {
      const ys = g.map((u) => u.y[m] ?? 0);
      sums[m] = { sum: ys.reduce((a, b) => a + b, 0), sumSq: ys.reduce((a, b) => a + b * b, 0), sumPreY: g.reduce((a, u) => a + u.pre * (u.y[m] ?? 0), 0) };
    }
    return {
      arm: g[0]!.arm, version: g[0]!.version, cohort: null, bucket: g[0]!.bucket, n: g.length, sums,
      pre: { sum: g.reduce((a, u) => a + u.pre, 0), sumSq: g.reduce((a, u) => a + u.pre ** 2, 0) },
      sumRevenueOrders: g.reduce((a, u) => a + (u.y.revenue ?? 0) * (u.y.orders ?? 0), 0),
    };
  });
}

const units: Unit[] = [];
for (let i = 0; i < 60; i++) {
  const arm = i % 3 === 0 ? 'holdout' : 'treated';
  const orders = i % 4 === 0 ? 1 : i % 7 === 0 ? 2 : 0;
  const revenue = orders * (50 + (i % 5) * 10), discount = arm === 'treated' && orders > 0 ? 5 : 0, contact = arm === 'treated' ? 0.001 : 0;
  units.push({ arm, version: i < 30 ? 1 : 2, bucket: i % 3 === 1 ? 0 : Math.floor(i / 20), pre: (i % 6) * 20,
    y: { converted: orders > 0 ? 1 : 0, orders, revenue, discount, contact_cost: contact, contribution: revenue * 0.4 - discount - contact, messages: arm === 'treated' ? 1 : 0 } });
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => { const m = mean(xs); return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1); };

describe('worker report from aggregates', () => {
  it('equals the hand computation from the units, however the groups are split', () => {
    const r = buildWorkerReport(aggregate(units), 1 / 3);
    const t = units.filter((u) => u.arm === 'treated').map((u) => u.y.contribution!), h = units.filter((u) => u.arm === 'holdout').map((u) => u.y.contribution!);
    expect(r.units).toEqual({ total: 60, treated: t.length, holdout: h.length });
    const inc = r.incremental.contributionPerShopper!;
    expect(inc.estimate).toBeCloseTo(mean(t) - mean(h), 12);
    expect(inc.stdError).toBeCloseTo(Math.sqrt(variance(t) / t.length + variance(h) / h.length), 12);
    expect(r.incremental.contributionTotal!.estimate).toBeCloseTo((mean(t) - mean(h)) * t.length, 9);
    expect(r.incremental.contributionTotal!.ciHigh).toBeCloseTo(inc.ciHigh * t.length, 9);
    // Spend: treated discount + contact cost per shopper minus the holdout's.
    const spend = (arm: string) => mean(units.filter((u) => u.arm === arm).map((u) => (u.y.discount ?? 0) + (u.y.contact_cost ?? 0)));
    expect(r.incremental.incrementalSpendPerShopper).toBeCloseTo(spend('treated') - spend('holdout'), 12);
    expect(r.incremental.costPerIncrementalContribution).toBe(inc.estimate > 0 ? r.incremental.incrementalSpendPerShopper! / inc.estimate : null);
    expect(r.srm!.mismatch).toBe(false);
    // AOV is a ratio of sums: revenue / orders per arm.
    const aov = r.metrics.find((m) => m.metric === 'aov')!;
    const ratio = (arm: string) => { const us = units.filter((u) => u.arm === arm); return us.reduce((a, u) => a + u.y.revenue!, 0) / us.reduce((a, u) => a + u.y.orders!, 0); };
    expect(aov.arms.find((a) => a.arm === 'treated')!.mean).toBeCloseTo(ratio('treated'), 12);
    // One group per unit gives the same report.
    const fine = aggregate(units.map((u, i) => ({ ...u, bucket: i })));
    expect(buildWorkerReport(fine, 1 / 3).incremental.contributionPerShopper!.ciLow).toBeCloseTo(inc.ciLow, 10);
  });

  it('mixes the versions\' holdout percentages into the intended split and flags a skew', () => {
    const rows = aggregate(units);
    expect(expectedHoldoutShare(rows, (v) => (v === 1 ? 10 : 50))).toBeCloseTo(0.3, 12); // 30 units each
    expect(buildWorkerReport(rows, 0.05).srm!.mismatch).toBe(true); // 20 of 60 held out against an intended 5%
  });

  it('returns nulls, not an exception, without two arms', () => {
    const r = buildWorkerReport(aggregate(units.filter((u) => u.arm === 'treated')), 0.1);
    expect(r.units.holdout).toBe(0);
    expect(r.srm).toBeNull();
    expect(r.incremental.contributionPerShopper).toBeNull();
    expect(buildWorkerReport([], 0.1).units.total).toBe(0);
  });

  it('builds a cumulative series whose last point is the whole report', () => {
    const rows = aggregate(units);
    const points = buildSeries(rows, 0, 3 * 86_400_000, 86_400_000, () => 100 / 3);
    expect(points).toHaveLength(3);
    expect(points.reduce((a, p) => a + p.entered.treated + p.entered.holdout, 0)).toBe(60);
    expect(points[2]!.cumulative.contributionPerShopper!.estimate).toBeCloseTo(buildWorkerReport(rows, 1 / 3).incremental.contributionPerShopper!.estimate, 12);
    const first = units.filter((u) => u.bucket === 0);
    expect(points[0]!.cumulative.treated).toBe(first.filter((u) => u.arm === 'treated').length);
    expect(points[0]!.start).toBe('1970-01-01T00:00:00.000Z');
  });
});
