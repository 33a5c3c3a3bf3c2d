/**
 * SQL of the worker reports: per-arm sufficient statistics of every shopper who entered a worker
 * (or any worker), aggregated in the database in one statement, so a report over a million
 * shoppers moves a few rows, not a million. The proof layer reads the logs of the modules below
 * it here (worker_instances, orders, deliveries, consent_records, the catalog's cost versions,
 * computed traits) and never writes them: a report is a read-only view of the truth that every
 * Braid process writes.
 *
 * The unit is a shopper (intent-to-treat): their FIRST entry into the worker (for all workers
 * together, `_all`: their first touch by Braid, a journey entry or a decision) decides their arm
 * (the logged holdout outcome, never recomputed) and starts their outcome window. Outcomes are the
 * orders after the entry (after its trigger event in log order; at or after the entry time for
 * entries without a trigger event) and before entry + window; the pre-period (CUPED) is revenue in
 * the same length of time before it. COGS is the cost in force when the order was placed (the
 * ordered variant's, else the product's first variant's), 70% of the paid price when unknown.
 *
 * Refunds (`Order Refunded`, recorded by the profiles projection as `orders.refunded` on the order
 * they name) are netted out as known when the report runs: an order refunded by a share
 * f = refunded / revenue (at most 1) keeps revenue − refunded, and (1 − f) of its COGS and discount
 * (the goods come back; a full refund undoes the order's contribution). Its count (orders,
 * conversion) is the shopper's behaviour and stays.
 */
import type { Db, Queryable } from '../../core/index.ts';
import { DEFAULT_UNITS_PER_SLICE, mergeSliceRows, planProfileSlices, takeSliceTurn, type ProfileRange } from './reports.workers.slices.ts';

/** Per-shopper outcomes; means are per shopper entered (conversion rate = mean of `converted`). */
export const WORKER_METRICS = ['converted', 'orders', 'revenue', 'cogs', 'discount', 'contact_cost', 'contribution', 'messages', 'unsubscribed'] as const;
export type WorkerMetric = (typeof WORKER_METRICS)[number];
export const COHORTS = ['lifecycle', 'tier', 'channel'] as const;
export type Cohort = (typeof COHORTS)[number];

export interface UnitQuery {
  /** null: every worker (the arms are then the global control group vs everyone else). */
  workerId: string | null;
  /**
   * With workerId null: the units are the shoppers decided for at this placement instead, their
   * FIRST decision there in [since, until) picks the arm (global control group vs everyone else)
   * and starts the window; messages are the deliveries that carried a decision at the placement.
   */
  placement?: string | undefined;
  sinceMs: number;
  untilMs: number;
  windowMs: number;
  cohort?: Cohort | undefined;
  /** Group entries into buckets of this length from `sinceMs` (time series). */
  bucketMs?: number | undefined;
  /**
   * A/B/n arms of one experiment of the worker: the treated are split by the arm their first
   * journey recorded for this key (`worker_instances.arms`), `unassigned` when that journey's
   * version had no such experiment. Needs a workerId.
   */
  armKey?: string | undefined;
  /**
   * With workerId null: every worker's units at once, each worker's exactly as its own report
   * counts them (first entry into that worker, its holdout), the rows carrying `worker`.
   */
  byWorker?: boolean | undefined;
  contactCosts: Record<string, number>;
}

/** One group's sums: n, and per metric Σy, Σy², Σ(pre·y); Σpre, Σpre², Σ(revenue·orders). */
export interface UnitAggregate {
  /** holdout or treated; with `armKey`: holdout, an arm's name, or unassigned. */
  arm: string;
  /** The worker of the units (`byWorker` only; '' otherwise). */
  worker?: string;
  version: number;
  cohort: string | null;
  bucket: number | null;
  n: number;
  sums: Record<WorkerMetric, { sum: number; sumSq: number; sumPreY: number }>;
  pre: { sum: number; sumSq: number };
  sumRevenueOrders: number;
}

/**
 * Cohorts are measured AT ENTRY wherever the logs allow, so treatment cannot move a shopper
 * between cohorts (a cohort defined after treatment would bias the comparison):
 * - lifecycle: from the shopper's orders before entry: prospect (none), new (one), active (the
 *   last within 90 days), at_risk (within 180 days), lapsed (older);
 * - channel: the marketing channels the consent ledger had granted at entry (email, email+sms, …,
 *   none), the reach a journey could use;
 * - tier: the loyalty tier trait (`tier`, `loyalty_tier`), else the computed value tier: CURRENT
 *   values (profiles keep no history of them), so a tier a purchase can change is post-treatment.
 */
const COHORT_SQL: Record<Cohort, string> = {
  lifecycle: `(select case when count(*) = 0 then 'prospect' when count(*) = 1 and max(o2.at) >= u.t0 - interval '90 days' then 'new'
                when max(o2.at) >= u.t0 - interval '90 days' then 'active' when max(o2.at) >= u.t0 - interval '180 days' then 'at_risk' else 'lapsed' end
               from orders o2 where o2.profile_id = u.profile_id and o2.kind = 'order' and o2.at < u.t0)`,
  tier: `coalesce(pr.traits->>'tier', pr.traits->>'loyalty_tier', tp.traits->>'valueTier', 'unknown')`,
  channel: `coalesce((select string_agg(replace(c.purpose, '_marketing', ''), '+' order by c.purpose) from (
                select distinct on (r.purpose) r.purpose, r.status from consent_records r
                where r.profile_id = u.profile_id and r.purpose in ('email_marketing', 'sms_marketing', 'push_marketing') and r.at <= u.t0
                order by r.purpose, r.at desc, r.recorded_at desc, r.id desc) c where c.status = 'granted'), 'none')`,
};


/** Share of an order not refunded (1 − f), from the orders row `o`. */
const KEPT = `(1 - least(coalesce(o.refunded / nullif(o.revenue, 0), case when o.refunded > 0 then 1 else 0 end), 1))`;

/**
 * COGS per order at the time of the order: each item's catalog cost in force then (70% of the
 * item's price when the catalog has no cost for it). `src` is a relation of the query (a constant,
 * never input) with order_id, at and items; `where` filters its rows. The item's variants are
 * found by index and each one's cost version by a subquery, not a join: the reports run with
 * nested loops off (aggregateUnits), which would otherwise hash-join every order item against
 * the whole price history (seconds per report with a 100,000-product catalog, bench:console).
 */
export function cogsPerOrder(src: string, where = ''): string {
  return `select ${src}.order_id, sum(coalesce(c.cost, (it->>'price')::numeric * 0.7, 0) * coalesce((it->>'quantity')::numeric, 1)) as cogs
       from ${src} cross join lateral jsonb_array_elements(${src}.items) it
       left join lateral (
         select x.cost from (
           select v.id, (select pv.cost from catalog_price_versions pv where pv.variant_id = v.id and pv.valid_from <= ${src}.at and pv.cost is not null
                         order by pv.valid_from desc limit 1) as cost
           from catalog_variants v where v.id = it->>'variantId' or v.product_id = it->>'productId') x
         where x.cost is not null
         order by (x.id = coalesce(it->>'variantId', it->>'productId')) desc, x.id limit 1) c on true
       ${where} group by ${src}.order_id`;
}

/**
 * The units' aggregates, slice by slice (reports.workers.slices: profile id ranges, each its own
 * statement at low priority, so the embedded database serves other calls between them), added
 * exactly. `unitsPerSlice` (default DEFAULT_UNITS_PER_SLICE on the embedded database; one slice on
 * a server, whose other sessions do not wait for this one) sets how many slices.
 *
 * Each slice is one statement in a transaction that gives it room: a larger work_mem (sorts and
 * hashes of a slice's units stay in memory), no nested loops for the joins over the units (the
 * planner cannot estimate how many first entries fall in the period, guesses a few hundred, and
 * would otherwise probe the journeys and deliveries once per shopper), and no JIT. A worker's
 * entrants of the global control group are carried as arm 'excluded' (zero outcomes, no joins)
 * and only counted.
 */
export async function aggregateUnits(db: Db, q: UnitQuery, opts: { unitsPerSlice?: number | undefined } = {}): Promise<{ rows: UnitAggregate[]; globalControlExcluded: number; excludedByWorker: Map<string, number> }> {
  const perSlice = opts.unitsPerSlice ?? (db.dialect === 'pglite' ? DEFAULT_UNITS_PER_SLICE : Infinity);
  const ranges = await planProfileSlices(db, perSlice);
  const parts: Array<Array<Record<string, unknown>>> = [];
  for (const range of ranges) {
    parts.push(await takeSliceTurn(db, () => db.transaction(async (tx) => {
      await tx.query(`set local work_mem = '128MB'`);
      await tx.query(`set local enable_nestloop = off`);
      // Disabling a join method inflates the plan's cost estimate past jit_above_cost: on a Postgres
      // server with JIT, compiling this statement's expressions would cost seconds. (PGlite has no JIT.)
      await tx.query(`set local jit = off`);
      return aggregateSlice(tx, q, range);
    }, { priority: 'low' })));
  }
  const all = mergeSliceRows(parts, (r) => [r.wk, r.arm, r.version, r.cohort, r.bucket], SUM_COLUMNS).map((r) => toAggregate(r, isByWorker(q)));
  const excluded = (r: { arm: string }) => r.arm === EXCLUDED;
  const excludedByWorker = new Map<string, number>();
  for (const r of all.filter(excluded)) excludedByWorker.set(r.worker ?? '', (excludedByWorker.get(r.worker ?? '') ?? 0) + r.n);
  return { rows: all.filter((r) => !excluded(r)), globalControlExcluded: all.filter(excluded).reduce((s, r) => s + r.n, 0), excludedByWorker };
}

/** The summed columns of a slice's rows (decimal text; n an integer). */
const SUM_COLUMNS = ['n', ...WORKER_METRICS.flatMap((m) => [`s_${m}`, `q_${m}`, `x_${m}`]), 's_pre', 'q_pre', 's_rev_orders'];
const isByWorker = (q: UnitQuery) => !!q.byWorker && q.workerId === null && !q.placement;

/** Profile ids of the slice: $9 (from, inclusive) and $10 (to, exclusive), null open-ended. */
const inSlice = (col: string) => `($9::text is null or ${col} >= $9::text) and ($10::text is null or ${col} < $10::text)`;

const EXCLUDED = 'excluded';
/** The arm of treated units whose first journey's version had no such experiment. */
export const UNASSIGNED = 'unassigned';

/**
 * Units of a worker ($1) or of all workers ($1 null): first journey entries, and for _all decisions
 * too; `arms` (the journey's recorded A/B/n arms) only when an arms report asks for them. `wk` is
 * the unit's worker when every worker's units are counted at once (`byWorker`), else ''.
 */
const workerFirst = (withArms: boolean, byWorker: boolean) => `select distinct on (${byWorker ? 'wk, ' : ''}profile_id) wk, profile_id, entered_at, holdout, version, seq, arms from (
         select ${byWorker ? 'worker_id' : "''::text"} as wk, profile_id, entered_at, holdout, version, nullif((ctx->>'seq')::bigint, 0) as seq, id, ${withArms ? 'arms' : 'null::jsonb as arms'}
         from worker_instances where ($1::text is null or worker_id = $1) and $8::text is null and ${inSlice('profile_id')}
         ${byWorker ? '' : `union all
         -- All of Braid (_all): a decision is a touch too (on-site ones can come before any journey).
         select ''::text, profile_id, (extract(epoch from at) * 1000)::int8, case when grp = 'control' then 'global_control' end, 0, null::bigint, id, null::jsonb
         from decisions where $1::text is null and profile_id is not null and at < to_timestamp($3 / 1000.0) and ${inSlice('profile_id')}`}
       ) touches order by ${byWorker ? 'wk, ' : ''}profile_id, entered_at, id`;

/** Units of a placement ($8): the first decision there in the period. */
const PLACEMENT_FIRST = () => `select distinct on (profile_id) ''::text as wk, profile_id, (extract(epoch from at) * 1000)::int8 as entered_at,
         case when grp = 'control' then 'global_control' end as holdout, 0 as version, null::bigint as seq, null::jsonb as arms
       from decisions where placement = $8::text and profile_id is not null and at >= to_timestamp($2 / 1000.0) and at < to_timestamp($3 / 1000.0) and ${inSlice('profile_id')}
       order by profile_id, at, id`;

/** Messages of a worker ($1) or of all workers, by the journey's (current) profile (`wk`: see workerFirst). */
const workerDeliveries = (byWorker: boolean, sliced: boolean) => `select ${byWorker ? 'd.worker_id' : "''::text"} as wk, wi.profile_id, d.created_at, d.channel from deliveries d join worker_instances wi on wi.id = d.instance_id and wi.worker_id = d.worker_id
         where ($1::text is null or (d.worker_id = $1 and wi.worker_id = $1)) and d.status <> 'suppressed' and ${inSlice('wi.profile_id')}
         ${sliced ? `and d.instance_id = any(array(select id from worker_instances where ($1::text is null or worker_id = $1) and ${inSlice('profile_id')}))` : ''}`;

/** Messages that carried a decision made at the placement ($8), by the decision's profile. */
const PLACEMENT_DELIVERIES = (sliced: boolean) => `select ''::text as wk, dc.profile_id, d.created_at, d.channel from deliveries d join decisions dc on dc.id = d.decision_id
         where dc.placement = $8::text and d.status <> 'suppressed' and ${inSlice('dc.profile_id')}
         ${sliced ? `and d.decision_id = any(array(select id from decisions where placement = $8::text and ${inSlice('profile_id')}))` : ''}`;

async function aggregateSlice(db: Queryable, q: UnitQuery, range: ProfileRange): Promise<Array<Record<string, unknown>>> {
  const win = `$4::float8 * interval '1 millisecond'`;
  const cohort = q.cohort ? COHORT_SQL[q.cohort] : 'null::text';
  // Every parameter is referenced (Postgres must type each): $7 null gives null buckets, $8 null worker units, $9/$10 the slice.
  const bucket = 'floor((u.entered_at - $2::int8) / $7::float8)::int';
  const byWorker = isByWorker(q);
  // A slice finds its messages by its journeys' (decisions') ids, through an index (migration 0145), not by a scan of them all.
  const sliced = range.from !== null || range.to !== null;
  const delivered = q.placement ? PLACEMENT_DELIVERIES(sliced) : workerDeliveries(byWorker, sliced);
  // The arms of all workers together (global control vs the rest), unless each worker is counted as its own report counts it.
  const allTogether = byWorker ? 'false' : '$1::text is null';
  // Units are (worker, shopper) pairs only when counted by worker; otherwise wk is '' and the joins stay on the shopper alone.
  const sameWk = (a: string, b: string) => (byWorker ? `${a}.wk = ${b}.wk and ` : '');
  const wkKey = byWorker ? 'wk, ' : '';
  const channels = Object.keys(q.contactCosts);
  const params: unknown[] = [q.workerId, q.sinceMs, q.untilMs, q.windowMs, channels, channels.map((c) => q.contactCosts[c]!), q.bucketMs ?? null, q.placement ?? null, range.from, range.to];
  let treatedArm = `'treated'`;
  if (q.armKey !== undefined) {
    if (q.workerId === null) throw new Error('aggregateUnits: arms need a worker');
    params.push(q.armKey);
    treatedArm = `coalesce(arms ->> $${params.length}::text, '${UNASSIGNED}')`;
  }
  // Sufficient statistics come from three parts that add up (n from the first only):
  //  all units: n;  units with an order (either side of entry) or an unsubscribe: every metric;
  //  the other units with messages: only messages, contact cost and contribution (= −contact cost)
  //  are non-zero, and their pre-period revenue is 0. Units with none of these add only to n.
  const cols = (f: (m: WorkerMetric) => [string, string, string]) => WORKER_METRICS.map((m) => {
    const [s1, s2, s3] = f(m);
    return `${s1} as s_${m}, ${s2} as q_${m}, ${s3} as x_${m}`;
  }).join(', ');
  const zero = cols(() => ['0::numeric', '0::numeric', '0::numeric']);
  const active = cols((m) => [`sum(${m})`, `sum(${m} * ${m})`, `sum(pre_revenue * ${m})`]);
  const MSG: Partial<Record<WorkerMetric, string>> = { messages: 'messages', contact_cost: 'contact_cost', contribution: '-contact_cost' };
  const msgOnly = cols((m) => (MSG[m] ? [`sum(${MSG[m]})`, `sum((${MSG[m]}) * (${MSG[m]}))`, '0::numeric'] : ['0::numeric', '0::numeric', '0::numeric']));
  const r = await db.query<Record<string, unknown>>(
    `with first_entry as (
       ${q.placement ? PLACEMENT_FIRST() : workerFirst(q.armKey !== undefined, byWorker)}
     ), period_units as (
       select wk, profile_id, entered_at, t0, t0 - ${win} as pre_from, t0 + ${win} as post_until, seq, version, arm
       from (
         select wk, profile_id, entered_at, to_timestamp(entered_at::float8 / 1000) as t0, seq, version,
           case when ${allTogether} then (case when holdout = 'global_control' then 'holdout' else 'treated' end)
                when holdout = 'global_control' then '${EXCLUDED}' else (case when holdout is null then ${treatedArm} else 'holdout' end) end as arm
         from first_entry where entered_at >= $2 and entered_at < $3
       ) x
     ), all_units as (
       select u.*, ${cohort} as cohort, ${bucket} as bucket from period_units u
       ${q.cohort === 'tier' ? `left join traits_profiles tp on tp.profile_id = u.profile_id and ${inSlice('tp.profile_id')} left join profiles pr on pr.id = u.profile_id and ${inSlice('pr.id')}` : ''}
     ), units as (
       select * from all_units where arm <> '${EXCLUDED}'
     ), ord as (
       select u.wk, u.profile_id, o.order_id, greatest(o.revenue - o.refunded, 0) as revenue, o.discount * ${KEPT} as discount, ${KEPT} as kept, o.items, o.at,
         ((u.seq is not null and o.seq > u.seq) or (u.seq is null and o.at >= u.t0)) and o.at < u.post_until as post
       from units u join orders o on o.profile_id = u.profile_id and o.kind = 'order' and o.at >= u.pre_from and o.at < u.post_until and ${inSlice('o.profile_id')}
     ), ord_post as (
       -- An order counts once for its COGS even when it is an outcome of several workers' units.
       select distinct on (order_id) order_id, at, items from ord where post
     ), cogs as (
       ${byWorker ? cogsPerOrder('ord_post') : cogsPerOrder('ord', 'where ord.post')}
     ), per_unit_orders as (
       select ${byWorker ? 'ord.wk' : "''::text as wk"}, ord.profile_id, count(*) filter (where post) as orders,
         coalesce(sum(ord.revenue) filter (where post), 0) as revenue, coalesce(sum(ord.discount) filter (where post), 0) as discount,
         coalesce(sum(cogs.cogs * ord.kept) filter (where post), 0) as cogs, coalesce(sum(ord.revenue) filter (where not post), 0) as pre_revenue
       from ord left join cogs on cogs.order_id = ord.order_id group by ${byWorker ? 'ord.wk, ' : ''}ord.profile_id
     ), msgs as (
       select ${byWorker ? 'u.wk' : "''::text as wk"}, u.profile_id, count(*) as messages, coalesce(sum(cc.cost), 0) as contact_cost
       from (${delivered}) d join units u on ${sameWk('u', 'd')}u.profile_id = d.profile_id and d.created_at >= u.t0 and d.created_at < u.post_until
       left join unnest($5::text[], $6::numeric[]) as cc(channel, cost) on cc.channel = d.channel
       group by ${byWorker ? 'u.wk, ' : ''}u.profile_id
     ), unsub as (
       select distinct ${byWorker ? 'u.wk, ' : ''}u.profile_id from units u join consent_records r on r.profile_id = u.profile_id
       where ${inSlice('r.profile_id')} and r.source = 'unsubscribe' and r.status <> 'granted' and r.at >= u.t0 and r.at < u.post_until
     ), active as (
       select ${wkKey}profile_id from per_unit_orders union select ${wkKey}profile_id from unsub
     ), active_rows as (
       select u.wk, u.arm, u.version, u.cohort, u.bucket,
         (coalesce(p.orders, 0) > 0)::int::numeric as converted, coalesce(p.orders, 0)::numeric as orders,
         coalesce(p.revenue, 0)::numeric as revenue, round(coalesce(p.cogs, 0), 2)::numeric as cogs, coalesce(p.discount, 0)::numeric as discount,
         coalesce(m.contact_cost, 0)::numeric as contact_cost,
         (coalesce(p.revenue, 0) - round(coalesce(p.cogs, 0), 2) - coalesce(p.discount, 0))::numeric - coalesce(m.contact_cost, 0)::numeric as contribution,
         coalesce(m.messages, 0)::numeric as messages, (us.profile_id is not null)::int::numeric as unsubscribed,
         coalesce(p.pre_revenue, 0)::numeric as pre_revenue
       from active a join units u on ${sameWk('u', 'a')}u.profile_id = a.profile_id left join per_unit_orders p on ${sameWk('p', 'u')}p.profile_id = u.profile_id
       left join msgs m on ${sameWk('m', 'u')}m.profile_id = u.profile_id left join unsub us on ${sameWk('us', 'u')}us.profile_id = u.profile_id
     ), message_rows as (
       select u.wk, u.arm, u.version, u.cohort, u.bucket, m.messages::numeric as messages, m.contact_cost::numeric as contact_cost
       from msgs m join units u on ${sameWk('u', 'm')}u.profile_id = m.profile_id left join active a on ${sameWk('a', 'm')}a.profile_id = m.profile_id where a.profile_id is null
     ), parts as (
       select wk, arm, version, cohort, bucket, count(*)::int as n, ${zero}, 0::numeric as s_pre, 0::numeric as q_pre, 0::numeric as s_rev_orders
       from all_units group by wk, arm, version, cohort, bucket
       union all
       select wk, arm, version, cohort, bucket, 0, ${active}, sum(pre_revenue), sum(pre_revenue * pre_revenue), sum(revenue * orders)
       from active_rows group by wk, arm, version, cohort, bucket
       union all
       select wk, arm, version, cohort, bucket, 0, ${msgOnly}, 0, 0, 0
       from message_rows group by wk, arm, version, cohort, bucket
     )
     select wk, arm, version, cohort, bucket, sum(n)::text as n, ${WORKER_METRICS.map((m) => `sum(s_${m})::text as s_${m}, sum(q_${m})::text as q_${m}, sum(x_${m})::text as x_${m}`).join(', ')},
       sum(s_pre)::text as s_pre, sum(q_pre)::text as q_pre, sum(s_rev_orders)::text as s_rev_orders
     from parts group by wk, arm, version, cohort, bucket`,
    params);
  return r.rows;
}

/** A merged row of the slices as a UnitAggregate (its decimal sums as numbers, converted once, after adding). */
function toAggregate(row: Record<string, unknown>, byWorker: boolean): UnitAggregate {
  const f = (k: string) => Number(row[k] ?? 0);
  const sums = {} as UnitAggregate['sums'];
  for (const m of WORKER_METRICS) sums[m] = { sum: f(`s_${m}`), sumSq: f(`q_${m}`), sumPreY: f(`x_${m}`) };
  return {
    ...(byWorker ? { worker: row.wk as string } : {}), arm: row.arm as string, version: Number(row.version), cohort: (row.cohort as string | null) ?? null,
    bucket: row.bucket === null || row.bucket === undefined ? null : Number(row.bucket), n: f('n'), sums,
    pre: { sum: f('s_pre'), sumSq: f('q_pre') }, sumRevenueOrders: f('s_rev_orders'),
  };
}

export interface TouchCredit { kind: 'worker' | 'placement' | 'none'; id: string; orders: number; revenue: number; contribution: number }

/**
 * Last-touch attribution: every order in [since, until) goes to the last worker message or
 * decision that reached the shopper within the window before it (a message wins a tie with the
 * decision it carried). Contribution here is revenue - COGS - discount (contact costs are not
 * per order), net of refunds like the worker reports. Orders with no touch are returned under kind 'none'.
 */
export async function lastTouch(db: Queryable, q: { sinceMs: number; untilMs: number; windowMs: number }): Promise<TouchCredit[]> {
  const win = `$3::float8 * interval '1 millisecond'`;
  const r = await db.query<{ kind: string; id: string; orders: number; revenue: number; contribution: number }>(
    `with o as (
       select order_id, profile_id, at, greatest(revenue - refunded, 0) as revenue, discount * ${KEPT} as discount, ${KEPT} as kept, items from orders o
       where kind = 'order' and at >= to_timestamp($1 / 1000.0) and at < to_timestamp($2 / 1000.0)
     ), cogs as (
       ${cogsPerOrder('o')}
     ), touched as (
       select o.order_id, o.revenue, o.discount, o.kept, coalesce(t.kind, 'none') as kind, coalesce(t.key, '') as key
       from o left join lateral (
         select * from (
           select 'worker' as kind, d.worker_id as key, d.created_at as at, 1 as pri, d.id
           from deliveries d join worker_instances wi on wi.id = d.instance_id
           where wi.profile_id = o.profile_id and d.worker_id is not null and d.status not in ('suppressed', 'dead', 'failed')
             and d.created_at <= o.at and d.created_at > o.at - ${win}
           union all
           select 'placement', dc.placement, dc.at, 0, dc.id from decisions dc
           where dc.profile_id = o.profile_id and dc.types <> 'none' and dc.types <> '' and dc.at <= o.at and dc.at > o.at - ${win}
         ) x order by at desc, pri desc, id desc limit 1) t on true
     )
     select kind, key as id, count(*)::int as orders, coalesce(sum(revenue), 0)::float8 as revenue,
       coalesce(sum(revenue - round(coalesce(c.cogs, 0) * kept, 2) - discount), 0)::float8 as contribution
     from touched left join cogs c using (order_id) group by kind, key order by contribution desc, kind, key`,
    [q.sinceMs, q.untilMs, q.windowMs]);
  return r.rows.map((x) => ({ kind: x.kind as TouchCredit['kind'], id: x.id, orders: Number(x.orders), revenue: Number(x.revenue), contribution: Number(x.contribution) }));
}
