/**
 * Worker incrementality, as pure functions of the SQL aggregates (reports.workers.store): per-arm
 * sufficient statistics → the experiment report (Welch for means, delta method for AOV and
 * relative lift, p-values, CUPED on pre-period revenue, SRM against the split the logged holdout
 * percentages intended), plus the headline finance asks for: incremental contribution per shopper
 * entered and in total, with 95% intervals, and the cost per incremental dollar of contribution.
 */
import type { Estimate, SampleStats } from '../stats/index.ts';
import { buildExperimentReport } from './reports.experiment.ts';
import type { ArmStats, ExperimentReport, MetricReport } from './reports.types.ts';
import { WORKER_METRICS, type UnitAggregate } from './reports.workers.store.ts';

export const CONTROL_ARM = 'holdout';
export const TREATED_ARM = 'treated';
const PRE = 'pre_revenue';

/** Sums aggregates (any mix of versions, cohorts, buckets) into one ArmStats per arm. */
export function armStatsOf(rows: readonly UnitAggregate[]): ArmStats[] {
  const by = new Map<string, ArmStats & { preSum: number; preSq: number }>();
  for (const r of rows) {
    let a = by.get(r.arm);
    if (!a) {
      a = { arm: r.arm, n: 0, metrics: {}, ratios: {}, cuped: {}, preSum: 0, preSq: 0 };
      for (const m of WORKER_METRICS) { a.metrics[m] = { n: 0, sum: 0, sumSq: 0 }; a.cuped![m] = { n: 0, sumX: 0, sumXSq: 0, sumY: 0, sumYSq: 0, sumXY: 0 }; }
      a.ratios!.aov = { n: 0, sumX: 0, sumXSq: 0, sumY: 0, sumYSq: 0, sumXY: 0 };
      by.set(r.arm, a);
    }
    a.n += r.n;
    a.preSum += r.pre.sum; a.preSq += r.pre.sumSq;
    for (const m of WORKER_METRICS) {
      const s = r.sums[m], t = a.metrics[m]!, c = a.cuped![m]!;
      t.n += r.n; t.sum += s.sum; t.sumSq += s.sumSq;
      c.n += r.n; c.sumX += r.pre.sum; c.sumXSq += r.pre.sumSq; c.sumY += s.sum; c.sumYSq += s.sumSq; c.sumXY += s.sumPreY;
    }
    const aov = a.ratios!.aov!, rev = r.sums.revenue, ord = r.sums.orders;
    aov.n += r.n; aov.sumX += rev.sum; aov.sumXSq += rev.sumSq; aov.sumY += ord.sum; aov.sumYSq += ord.sumSq; aov.sumXY += r.sumRevenueOrders;
  }
  return [...by.values()].map(({ preSum: _s, preSq: _q, ...a }) => a);
}

/** Intended split: each unit is held out with its version's probability. */
export function expectedHoldoutShare(rows: readonly UnitAggregate[], pctOf: (version: number) => number): number {
  let n = 0, h = 0;
  for (const r of rows) { n += r.n; h += r.n * pctOf(r.version) / 100; }
  return n > 0 ? h / n : 0;
}

export interface TotalEstimate { estimate: number; stdError: number; ciLow: number; ciHigh: number }

export interface Incrementality {
  treatedShoppers: number;
  holdoutShoppers: number;
  /** Treated mean − holdout mean of contribution per shopper entered (Welch). */
  contributionPerShopper: Estimate | null;
  /** The same under CUPED (pre-period revenue), with its variance reduction. */
  contributionPerShopperCuped: (Estimate & { varianceReduction: number }) | null;
  /** Incremental contribution earned on the treated shoppers: per-shopper lift × treated shoppers. */
  contributionTotal: TotalEstimate | null;
  revenuePerShopper: Estimate | null;
  conversionRate: Estimate | null;
  /** Treated − holdout discount and contact cost per shopper. */
  incrementalSpendPerShopper: number | null;
  /** incrementalSpendPerShopper / contributionPerShopper; null unless the contribution lift is positive. */
  costPerIncrementalContribution: number | null;
}

export interface WorkerReportBody {
  control: string;
  alpha: number;
  units: { total: number; treated: number; holdout: number };
  expectedHoldoutShare: number;
  arms: ExperimentReport['arms'];
  srm: ExperimentReport['srm'] | null;
  incremental: Incrementality;
  metrics: MetricReport[];
}

const meanOf = (s: SampleStats | undefined) => (s && s.n > 0 ? s.sum / s.n : 0);

/** The report of one set of aggregates (a worker, all workers, one cohort, a cumulative bucket). */
export function buildWorkerReport(rows: readonly UnitAggregate[], expectedShare: number, alpha = 0.05): WorkerReportBody {
  const arms = armStatsOf(rows);
  const treated = arms.find((a) => a.arm === TREATED_ARM), holdout = arms.find((a) => a.arm === CONTROL_ARM);
  const units = { total: (treated?.n ?? 0) + (holdout?.n ?? 0), treated: treated?.n ?? 0, holdout: holdout?.n ?? 0 };
  const empty: Incrementality = {
    treatedShoppers: units.treated, holdoutShoppers: units.holdout, contributionPerShopper: null, contributionPerShopperCuped: null,
    contributionTotal: null, revenuePerShopper: null, conversionRate: null, incrementalSpendPerShopper: null, costPerIncrementalContribution: null,
  };
  // A report needs both arms (and an intended share strictly between 0 and 1 for the SRM test).
  if (!treated || !holdout || units.treated < 2 || units.holdout < 2 || !(expectedShare > 0 && expectedShare < 1)) {
    const share = (n: number) => (units.total > 0 ? n / units.total : 0);
    return {
      control: CONTROL_ARM, alpha, units, expectedHoldoutShare: expectedShare, srm: null, incremental: empty, metrics: [],
      arms: [{ arm: CONTROL_ARM, n: units.holdout, share: share(units.holdout) }, { arm: TREATED_ARM, n: units.treated, share: share(units.treated) }],
    };
  }
  const report = buildExperimentReport({
    arms: [holdout, treated], control: CONTROL_ARM, cupedCovariate: PRE, alpha,
    weights: { [CONTROL_ARM]: expectedShare, [TREATED_ARM]: 1 - expectedShare },
  });
  const cmp = (metric: string) => report.metrics.find((m) => m.metric === metric)?.comparisons[0];
  const contribution = cmp('contribution')!;
  const total: TotalEstimate = {
    estimate: contribution.absolute.estimate * units.treated, stdError: contribution.absolute.stdError * units.treated,
    ciLow: contribution.absolute.ciLow * units.treated, ciHigh: contribution.absolute.ciHigh * units.treated,
  };
  const spend = (a: ArmStats) => meanOf(a.metrics.discount) + meanOf(a.metrics.contact_cost);
  const incSpend = spend(treated) - spend(holdout);
  const lift = contribution.absolute.estimate;
  return {
    control: CONTROL_ARM, alpha, units, expectedHoldoutShare: expectedShare, arms: report.arms, srm: report.srm, metrics: report.metrics,
    incremental: {
      treatedShoppers: units.treated, holdoutShoppers: units.holdout,
      contributionPerShopper: contribution.absolute,
      contributionPerShopperCuped: contribution.cuped ? { ...contribution.cuped.absolute, varianceReduction: contribution.cuped.varianceReduction } : null,
      contributionTotal: total,
      revenuePerShopper: cmp('revenue')?.absolute ?? null,
      conversionRate: cmp('converted')?.absolute ?? null,
      incrementalSpendPerShopper: incSpend,
      costPerIncrementalContribution: lift > 0 ? incSpend / lift : null,
    },
  };
}

/** Cohort values found, each with its own report (same intended split). */
export function buildCohortReports(rows: readonly UnitAggregate[], pctOf: (version: number) => number, alpha?: number): Array<{ cohort: string } & WorkerReportBody> {
  const values = [...new Set(rows.map((r) => r.cohort ?? 'unknown'))].sort();
  return values.map((v) => {
    const mine = rows.filter((r) => (r.cohort ?? 'unknown') === v);
    return { cohort: v, ...buildWorkerReport(mine, expectedHoldoutShare(mine, pctOf), alpha) };
  });
}

export interface SeriesPoint {
  start: string;
  end: string;
  /** Shoppers who entered in this bucket. */
  entered: { treated: number; holdout: number };
  /** Everyone who entered up to the end of this bucket, with their outcomes so far. */
  cumulative: { treated: number; holdout: number; contributionPerShopper: Estimate | null; contributionTotal: TotalEstimate | null; srmPValue: number | null };
}

/**
 * "Incremental contribution vs holdout with confidence bands over time": per bucket of entry
 * time, the cumulative estimate over every shopper who entered so far (sufficient statistics
 * add, so this is one query, not one per bucket).
 */
export function buildSeries(rows: readonly UnitAggregate[], sinceMs: number, untilMs: number, bucketMs: number, pctOf: (version: number) => number, alpha?: number): SeriesPoint[] {
  const buckets = Math.max(1, Math.ceil((untilMs - sinceMs) / bucketMs));
  const out: SeriesPoint[] = [];
  const upTo: UnitAggregate[] = [];
  for (let b = 0; b < buckets; b++) {
    const mine = rows.filter((r) => r.bucket === b);
    upTo.push(...mine);
    const r = buildWorkerReport(upTo, expectedHoldoutShare(upTo, pctOf), alpha);
    const count = (arm: string) => mine.filter((x) => x.arm === arm).reduce((s, x) => s + x.n, 0);
    out.push({
      start: new Date(sinceMs + b * bucketMs).toISOString(), end: new Date(Math.min(untilMs, sinceMs + (b + 1) * bucketMs)).toISOString(),
      entered: { treated: count(TREATED_ARM), holdout: count(CONTROL_ARM) },
      cumulative: { treated: r.units.treated, holdout: r.units.holdout, contributionPerShopper: r.incremental.contributionPerShopper, contributionTotal: r.incremental.contributionTotal, srmPValue: r.srm?.pValue ?? null },
    });
  }
  return out;
}
