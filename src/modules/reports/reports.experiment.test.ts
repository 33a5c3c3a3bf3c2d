/**
 * The report is checked against the stats module's own (separately SciPy-verified) functions on
 * the same numbers, plus arithmetic by hand: it must pick the right arms, metrics and pairings.
 */
import { describe, expect, it } from 'vitest';
import { BraidError } from '../../core/index.ts';
import { compareCuped, computePairedStats, computeSampleStats, testSampleRatio, welchTest } from '../stats/index.ts';
import { buildExperimentReport, summarizeUnitRows } from './reports.experiment.ts';
import type { UnitRow } from './reports.types.ts';

const unit = (i: number, arm: string, conv: number, rev: number, pre: number | string | null): UnitRow =>
  ({ unitId: `u${i}`, arm, outcomes: [conv, rev], covariates: { pre } });
const rows: UnitRow[] = [
  unit(1, 'control', 0, 0, 5), unit(2, 'control', 1, 20, 30), unit(3, 'control', 0, 0, 0), unit(4, 'control', 1, 35, 40), unit(5, 'control', 0, 0, 10),
  unit(6, 'treat', 1, 25, 20), unit(7, 'treat', 1, 50, 60), unit(8, 'treat', 0, 0, 0), unit(9, 'treat', 1, 15, null), unit(10, 'treat', 0, 0, 5), unit(11, 'treat', 1, 30, 25),
];
const col = (arm: string, i: number) => rows.filter((r) => r.arm === arm).map((r) => r.outcomes[i]!);

describe('buildExperimentReport', () => {
  const arms = summarizeUnitRows(rows, ['orders', 'revenue'], { ratios: { aov: ['revenue', 'orders'] }, cupedCovariate: 'pre' });
  const report = buildExperimentReport({ arms, control: 'control', cupedCovariate: 'pre' });

  it('lists arms control first with shares, and runs the SRM check on every report', () => {
    expect(report.arms).toEqual([{ arm: 'control', n: 5, share: 5 / 11 }, { arm: 'treat', n: 6, share: 6 / 11 }]);
    expect(report.srm.pValue).toBeCloseTo(testSampleRatio([5, 6]).pValue, 15);
    expect(report.srm.mismatch).toBe(false);
  });
  it('reports per-arm means and the Welch comparison of each outcome', () => {
    const orders = report.metrics.find((m) => m.metric === 'orders')!;
    expect(orders.arms.map((a) => a.mean)).toEqual([2 / 5, 4 / 6]);
    const ref = welchTest(computeSampleStats(col('control', 0)), computeSampleStats(col('treat', 0)));
    expect(orders.comparisons[0]!.absolute).toEqual(ref);
    expect(orders.comparisons[0]!.relative.estimate).toBeCloseTo((4 / 6 - 2 / 5) / (2 / 5), 14);
  });
  it('adds CUPED with the covariate (missing counted as 0) and the ratio metric Σrevenue/Σorders', () => {
    const revenue = report.metrics.find((m) => m.metric === 'revenue')!;
    const pre = (arm: string) => rows.filter((r) => r.arm === arm).map((r) => (r.covariates.pre as number | null) ?? 0);
    const ref = compareCuped(computePairedStats(pre('control'), col('control', 1)), computePairedStats(pre('treat'), col('treat', 1)));
    expect(revenue.comparisons[0]!.cuped).toEqual({ covariate: 'pre', theta: ref.theta, varianceReduction: ref.varianceReduction, absolute: ref.absolute, relative: ref.relative });
    expect(revenue.comparisons[0]!.cuped!.varianceReduction).toBeGreaterThan(0.5);
    const aov = report.metrics.find((m) => m.metric === 'aov')!;
    expect(aov.kind).toBe('ratio');
    expect(aov.arms.map((a) => a.mean)).toEqual([55 / 2, 120 / 4]);
    expect(aov.comparisons[0]!.absolute.estimate).toBeCloseTo(30 - 27.5, 12);
  });
  it('flags a sample ratio mismatch against the intended weights', () => {
    const r = buildExperimentReport({ arms: [{ arm: 'a', n: 900, metrics: {} }, { arm: 'b', n: 1100, metrics: {} }], control: 'a' });
    expect(r.srm.mismatch).toBe(true);
    const w = buildExperimentReport({ arms: [{ arm: 'a', n: 900, metrics: {} }, { arm: 'b', n: 1100, metrics: {} }], control: 'a', weights: { a: 9, b: 11 } });
    expect(w.srm.mismatch).toBe(false);
  });
  it('names the field when the control arm is absent or a covariate is not numeric', () => {
    const field = (f: () => unknown) => { try { f(); return undefined; } catch (e) { return (e as BraidError).details.field; } };
    expect(field(() => buildExperimentReport({ arms, control: 'nope' }))).toBe('control');
    expect(field(() => summarizeUnitRows([unit(1, 'a', 0, 0, 'x')], ['o', 'r'], { cupedCovariate: 'pre' }))).toBe('cuped');
    expect(field(() => buildExperimentReport({ arms, control: 'control', alpha: 0.7 }))).toBe('alpha');
  });
});
