/**
 * The console overview's lift chart per placement: incremental contribution per shopper exposed to
 * a placement against the persistent global control group, as cumulative windows that all start at
 * `sinceMs` and end at each of `ends` (week by week), with the report's confidence interval.
 *
 * One SQL statement aggregates it (sufficient statistics per arm and bucket of first exposure), so
 * a request moves a few rows, never every order: the unit is a shopper, their FIRST decision at the
 * placement since `sinceMs` picks their arm (`control` vs everyone else) and starts their outcome
 * window; contribution is revenue − COGS at order time (reports.workers.store's one definition)
 * − discount of their orders from that decision to the end of the attribution window, as in
 * GET /v1/reports/holdout (which costs COGS at the catalog's current cost instead). Since a unit's
 * outcomes do not depend on where a window ends, window k is buckets 0..k summed.
 */
import type { Queryable } from '../../core/index.ts';
import { buildExperimentReport } from './reports.experiment.ts';
import { cogsPerOrder } from './reports.workers.store.ts';

export interface LiftBucket { arm: 'control' | 'treatment'; bucket: number; n: number; sum: number; sumSq: number }

export interface LiftPoint {
  until: string; units: number; treated: number; control: number;
  /** Contribution per shopper, treated minus control, with its interval; null without both arms (or with too few units for an interval). */
  lift: { estimate: number; ciLow: number; ciHigh: number } | null;
}

/** Per arm and bucket of first exposure ((t0 − since) / bucketMs): n, Σ contribution, Σ contribution². */
export async function placementLiftBuckets(db: Queryable, q: { placement: string; sinceMs: number; untilMs: number; bucketMs: number; windowMs: number }): Promise<LiftBucket[]> {
  const r = await db.query<{ arm: LiftBucket['arm']; bucket: number; n: number; s: number; q: number }>(
    `with first as (
       select distinct on (profile_id) profile_id, at as t0, grp from decisions
       where placement = $1 and profile_id is not null and at >= to_timestamp($2 / 1000.0) and at < to_timestamp($3 / 1000.0)
       order by profile_id, at, id
     ), units as (
       select profile_id, t0, case when grp = 'control' then 'control' else 'treatment' end as arm,
         floor((extract(epoch from t0) * 1000 - $2::float8) / $4::float8)::int as bucket
       from first
     ), ord as (
       select u.profile_id, o.order_id, o.revenue, o.discount, o.items, o.at
       from units u join orders o on o.profile_id = u.profile_id and o.kind = 'order'
         and o.at >= u.t0 and o.at <= u.t0 + $5::float8 * interval '1 millisecond'
     ), cogs as (
       ${cogsPerOrder('ord')}
     ), per_unit as (
       select ord.profile_id, sum(ord.revenue - round(coalesce(cogs.cogs, 0), 2) - ord.discount)::float8 as c
       from ord left join cogs on cogs.order_id = ord.order_id group by ord.profile_id
     )
     select u.arm, u.bucket, count(*)::int as n, coalesce(sum(coalesce(p.c, 0)), 0)::float8 as s, coalesce(sum(coalesce(p.c, 0) * coalesce(p.c, 0)), 0)::float8 as q
     from units u left join per_unit p on p.profile_id = u.profile_id group by u.arm, u.bucket order by u.bucket, u.arm`,
    [q.placement, q.sinceMs, q.untilMs, q.bucketMs, q.windowMs]);
  return r.rows.map((x) => ({ arm: x.arm, bucket: Number(x.bucket), n: Number(x.n), sum: Number(x.s), sumSq: Number(x.q) }));
}

/** The cumulative windows from the buckets (pure): window k sums buckets 0..k. */
export function buildLiftPoints(buckets: readonly LiftBucket[], ends: readonly number[], holdoutPct: number, alpha = 0.05): LiftPoint[] {
  const acc = { control: { n: 0, sum: 0, sumSq: 0 }, treatment: { n: 0, sum: 0, sumSq: 0 } };
  return ends.map((untilMs, k) => {
    for (const b of buckets) if (b.bucket === k) { const a = acc[b.arm]; a.n += b.n; a.sum += b.sum; a.sumSq += b.sumSq; }
    const point = { until: new Date(untilMs).toISOString(), units: acc.control.n + acc.treatment.n, treated: acc.treatment.n, control: acc.control.n };
    if (acc.control.n < 2 || acc.treatment.n < 2 || !(holdoutPct > 0 && holdoutPct < 100)) return { ...point, lift: null };
    const report = buildExperimentReport({
      arms: (['control', 'treatment'] as const).map((arm) => ({ arm, n: acc[arm].n, metrics: { contribution: { ...acc[arm] } } })),
      control: 'control', alpha, weights: { control: holdoutPct / 100, treatment: 1 - holdoutPct / 100 },
    });
    const a = report.metrics[0]?.comparisons[0]?.absolute;
    const lift = a && [a.estimate, a.ciLow, a.ciHigh].every(Number.isFinite) ? { estimate: a.estimate, ciLow: a.ciLow, ciHigh: a.ciHigh } : null;
    return { ...point, lift };
  });
}
