/** Wire schemas shared by the worker reports (reports.workers.routes) and the arms report (reports.arms.routes). */
import { Type } from 'typebox';
import { invalid } from '../../core/index.ts';
import { ALL_WORKERS, type WorkerReportQuery } from './reports.workers.service.ts';

export const tags = ['reports'];
export const Num = Type.Union([Type.Number(), Type.Null()]);
export const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }) });
export const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };
export const Estimate = Type.Object({ estimate: Num, stdError: Num, ciLow: Num, ciHigh: Num, pValue: Num, df: Num });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const Total = Type.Object({ estimate: Num, stdError: Num, ciLow: Num, ciHigh: Num }, { description: 'Incremental contribution on the treated shoppers (per-shopper lift × treated shoppers)' });
export const Incremental = Type.Object({
  treatedShoppers: Type.Integer(), holdoutShoppers: Type.Integer(),
  contributionPerShopper: Nullable(Estimate),
  contributionPerShopperCuped: Nullable(Type.Object({ estimate: Num, stdError: Num, ciLow: Num, ciHigh: Num, pValue: Num, df: Num, varianceReduction: Num })),
  contributionTotal: Nullable(Total),
  revenuePerShopper: Nullable(Estimate), conversionRate: Nullable(Estimate),
  incrementalSpendPerShopper: Num, costPerIncrementalContribution: Num,
});
export const Units = Type.Object({ total: Type.Integer(), treated: Type.Integer(), holdout: Type.Integer() });
export const Srm = Type.Object({ chiSquare: Num, df: Type.Integer(), pValue: Num, expected: Type.Array(Type.Number()), mismatch: Type.Boolean(), arms: Type.Array(Type.String()) });
export const Metric = Type.Object({
  metric: Type.String(), kind: Type.String(),
  arms: Type.Array(Type.Object({ arm: Type.String(), n: Type.Integer(), mean: Num, stdDev: Num })),
  comparisons: Type.Array(Type.Object({
    arm: Type.String(), absolute: Estimate, relative: Estimate,
    cuped: Type.Optional(Type.Object({ covariate: Type.String(), theta: Num, varianceReduction: Num, absolute: Estimate, relative: Estimate })),
  })),
});
export const bodyFields = {
  control: Type.String(), alpha: Type.Number(), units: Units, expectedHoldoutShare: Type.Number(),
  arms: Type.Array(Type.Object({ arm: Type.String(), n: Type.Integer(), share: Type.Number() })),
  srm: Nullable(Srm), incremental: Incremental, metrics: Type.Array(Metric),
};
export const WorkerReportSchema = Type.Object({
  worker: Type.Object({ id: Type.String(), name: Nullable(Type.String()) }),
  since: Type.String(), until: Type.String(), windowHours: Type.Number(),
  ...bodyFields,
  globalControlExcluded: Type.Optional(Type.Integer()),
  cohort: Type.Optional(Type.String()),
  cohorts: Type.Optional(Type.Array(Type.Object({ cohort: Type.String(), ...bodyFields }))),
});
export const Period = {
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Shoppers who first entered from (default: 90 days before until)' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Shoppers who first entered before (default: now)' })),
  alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 0.5, description: '1 − confidence level (default 0.05)' })),
};
export const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, description: `A worker id, or ${ALL_WORKERS} for all workers against the global control group` }) });
export const BUCKETS: Record<string, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
const DAY = 86_400_000;
const MAX_BUCKETS = 2000;

/** `?fresh=true`: compute live (and store it) instead of serving the stored snapshot (docs/console.md). */
export const Fresh = { fresh: Type.Optional(Type.Boolean({ description: 'Compute live instead of serving the stored snapshot (which is at most BRAID_REPORT_REFRESH_SECONDS old); the result is stored' })) };
/** When the body was computed (a snapshot's time, or now when live). */
export const AsOf = { asOf: Type.Optional(Type.String({ format: 'date-time', description: 'When this body was computed (reports are served from snapshots up to BRAID_REPORT_REFRESH_SECONDS old)' })) };

export function periodOf(q: { since?: string; until?: string; alpha?: number }): WorkerReportQuery {
  const out: WorkerReportQuery = {};
  if (q.since) out.sinceMs = Date.parse(q.since);
  if (q.until) out.untilMs = Date.parse(q.until);
  if (out.sinceMs !== undefined && out.untilMs !== undefined && !(out.sinceMs < out.untilMs)) throw invalid('since', 'must be before until');
  if (q.alpha !== undefined) out.alpha = q.alpha;
  return out;
}

/**
 * The series query of a worker or a placement, parsed once for both: the period with its defaults
 * made explicit (until: now; since: 90 days before until, as the reports default) and the bucket,
 * capped at 2000 buckets whether or not the period was given.
 */
export function seriesQueryOf(q: { since?: string; until?: string; alpha?: number; bucket?: string }, nowMs: number): WorkerReportQuery & { sinceMs: number; untilMs: number; bucketMs: number } {
  const bucketMs = BUCKETS[q.bucket ?? 'day']!;
  const p = periodOf(q);
  const untilMs = p.untilMs ?? nowMs + 1;
  const sinceMs = p.sinceMs ?? untilMs - 90 * DAY;
  if (!(sinceMs < untilMs)) throw invalid('since', 'must be before until');
  if ((untilMs - sinceMs) / bucketMs > MAX_BUCKETS) throw invalid('bucket', `at most ${MAX_BUCKETS} buckets`);
  return { ...p, sinceMs, untilMs, bucketMs };
}

/** The series' query and points (a worker's or a placement's): cumulative estimates per bucket of entry time. */
export const SeriesQuery = Type.Object({ ...Period, ...Fresh, bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')], { description: 'default day' })) });
export const SeriesPoints = Type.Array(Type.Object({
  start: Type.String(), end: Type.String(), entered: Type.Object({ treated: Type.Integer(), holdout: Type.Integer() }),
  cumulative: Type.Object({ treated: Type.Integer(), holdout: Type.Integer(), contributionPerShopper: Nullable(Estimate), contributionTotal: Nullable(Total), srmPValue: Num }),
}));
