/**
 * SQL of uplift targeting: the training rows of a worker and its stored models.
 *
 * Training rows are the unit of the worker reports: each shopper's FIRST journey in the worker,
 * treated or in the worker holdout (the global control group is no one's holdout here), entered
 * with features of the current set, whose outcome window has closed. The outcome is read from the
 * profiles' `orders` table (read-only, as the proof layer does): orders after the entry (after its
 * trigger event in log order, else at or after the entry time) and before entry + window, revenue
 * net of refunds.
 */
import type { Queryable } from '../../core/index.ts';
import type { TrainingRow, UpliftModel } from './workers.uplift.ts';

export async function upliftTrainingRows(db: Queryable, q: { workerId: string; featureSet: string; sinceMs: number; closedBeforeMs: number; windowMs: number; limit: number }): Promise<TrainingRow[]> {
  const r = await db.query<{ profile_id: string; treated: boolean; features: number[]; orders: number; revenue: number }>(
    `with first_entry as (
       select distinct on (profile_id) profile_id, entered_at, holdout, nullif((ctx->>'seq')::bigint, 0) as seq, ctx->'uplift' as uplift
       from worker_instances where worker_id = $1
       order by profile_id, entered_at, id
     ), units as (
       select profile_id, entered_at, to_timestamp(entered_at / 1000.0) as t0, seq, holdout is null as treated, uplift->'features' as features
       from first_entry
       where (holdout is null or holdout = 'worker_holdout') and uplift->>'set' = $2 and entered_at >= $3 and entered_at + $5 <= $4
       order by entered_at desc limit $6
     )
     select u.profile_id, u.treated, u.features, x.orders, x.revenue from units u cross join lateral (
       select count(*)::int as orders, coalesce(sum(greatest(o.revenue - o.refunded, 0)), 0)::float8 as revenue from orders o
       where o.profile_id = u.profile_id and o.kind = 'order' and o.at >= u.t0 - $5::float8 * interval '1 millisecond' and o.at < u.t0 + $5::float8 * interval '1 millisecond'
         and ((u.seq is not null and o.seq > u.seq) or (u.seq is null and o.at >= u.t0))) x`,
    [q.workerId, q.featureSet, q.sinceMs, q.closedBeforeMs, q.windowMs, q.limit]);
  return r.rows.map((x) => ({ profileId: x.profile_id, treated: x.treated, features: x.features, orders: Number(x.orders), revenue: Number(x.revenue) }));
}

export async function saveUpliftModel(db: Queryable, m: UpliftModel): Promise<void> {
  await db.query(`insert into worker_uplift_models (worker_id, trained_at, model) values ($1, $2, $3)
    on conflict (worker_id) do update set trained_at = excluded.trained_at, model = excluded.model where worker_uplift_models.trained_at <= excluded.trained_at`,
  [m.workerId, m.trainedAt, JSON.stringify(m)]);
}

export async function loadUpliftModels(db: Queryable): Promise<UpliftModel[]> {
  const r = await db.query<{ model: UpliftModel }>(`select model from worker_uplift_models order by worker_id`);
  return r.rows.map((x) => x.model);
}

/** How the worker's journeys since `sinceMs` were admitted (ctx.uplift.admitted), per arm. */
export async function upliftAdmissions(db: Queryable, workerId: string, sinceMs: number): Promise<Array<{ admitted: string; arm: string; n: number }>> {
  const r = await db.query<{ admitted: string; arm: string; n: number }>(
    `select coalesce(ctx->'uplift'->>'admitted', 'untargeted') as admitted, coalesce(holdout, 'treated') as arm, count(*)::int as n
     from worker_instances where worker_id = $1 and entered_at >= $2 group by 1, 2 order by 1, 2`, [workerId, sinceMs]);
  return r.rows.map((x) => ({ admitted: x.admitted, arm: x.arm, n: Number(x.n) }));
}
