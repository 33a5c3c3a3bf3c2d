/**
 * The history bench:console seeds beside its shoppers (`prf_bench0000000` …), set-based in SQL
 * (INSERT … SELECT over generate_series with a seeded random(): no row crosses from JavaScript),
 * into the tables Braid's own writers fill, over the 60 days before now:
 *  - journeys: 20% of shoppers entered wkr_bench_a, 10% wkr_bench_b (5% global control group,
 *    10% / 20% worker holdout); those of the last 30 days are 30% still waiting (they wake in the
 *    future), the rest done;
 *  - messages: one email per treated journey, an hour after entry;
 *  - orders: 15% of shoppers, one order each (one or two units of a catalog product);
 *  - decisions: 40% of shoppers, 1.25 each on average, across five placements (5% control group;
 *    outcomes closed after 7 days);
 *  - timeline: one event per shopper; consent: 30% granted email marketing;
 *  - one shopper (HEAVY_PROFILE) with a long history of everything: 60 anonymous ids, 500 events,
 *    200 consent changes, 300 messages and 300 decisions.
 * Foreign keys and secondary indexes are the caller's business (it loads with them off).
 */
import type { Db } from '../src/core/index.ts';

const DAY = 86_400_000;
export const HEAVY_PROFILE = 'prf_bench0000042';

/** The workers the seeded journeys belong to (created over the API once Braid runs). */
export const BENCH_WORKERS = [
  { id: 'wkr_bench_a', name: 'Bench browse follow-up', holdoutPct: 10 },
  { id: 'wkr_bench_b', name: 'Bench cart nudge', holdoutPct: 20 },
].map((w) => ({
  ...w, status: 'on', goal: { event: 'Order Completed' }, trigger: { type: 'event', event: 'Bench Entered' }, entry: { reentry: 'never' },
  steps: [{ id: 'settle', type: 'wait', duration: '30d' }, { id: 'pick', type: 'decide', placement: 'email_cart_recovery' }],
}));

const PLACEMENTS = ['home_hero', 'pdp_recs', 'cart_nudge', 'checkout_assist', 'email_cart_recovery'];
const EVENTS = ['Page Viewed', 'Product Viewed', 'Product Added', 'Checkout Started'];
const DETAIL = `'{"result":{},"f":[],"c":[],"ctx":{},"l":[]}'`;

export async function seedHistory(db: Db, o: { shoppers: number; products: number; nowMs: number; log: (s: string) => void; trace?: boolean }): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const pid = (g: string) => `'prf_bench' || lpad((${g})::text, 7, '0')`;
  const product = (k: string) => `'p' || lpad((${k})::text, 7, '0')`;
  const ts = (ms: string) => `to_timestamp((${ms})::float8 / 1000)`;
  const step = async (table: string, sql: string, params: unknown[] = []) => {
    const t = performance.now();
    const r = await db.query(sql, params);
    out[table] = (out[table] ?? 0) + (r.affectedRows ?? 0);
    if (o.trace) o.log(`  ${table}: ${r.affectedRows} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await db.query(`select setseed(0.7)`);
  const now = o.nowMs;

  // Journeys, then one email per treated journey that finished (the same rows: their ids are derived from g).
  const journeys = `select g, w, pct, entered, case when r_h < 0.05 then 'global_control' when r_w < pct / 100.0 then 'worker_holdout' end as holdout,
      entered > ${now - 30 * DAY} and r_s < 0.3 as waiting
    from (select g, w.id as w, w.pct, ${now}::int8 - floor(random() * ${60 * DAY})::int8 as entered, random() as r_h, random() as r_w, random() as r_s
          from generate_series(0, ${o.shoppers - 1}) g cross join (values ('wkr_bench_a', 10, 5, 0), ('wkr_bench_b', 20, 10, 3)) w(id, pct, m, r)
          where g % w.m = w.r) x`;
  await db.exec(`create temporary table bench_journeys as ${journeys}`);
  await step('worker_instances', `insert into worker_instances (id, worker_id, version, profile_id, state, step, wake_at, holdout, exit_reason, entered_at, updated_at, entry_key, ctx)
    select 'ins_' || w || '_' || lpad(g::text, 7, '0'), w, 1, ${pid('g')}, case when waiting then 'waiting' else 'done' end, case when waiting then 1 else 2 end,
      case when waiting then entered + ${30 * DAY} else entered end, holdout, null, entered, entered, w || ':bench:' || g, '{"trail":[],"seq":0}'
    from bench_journeys`);
  await step('deliveries', `insert into deliveries (id, idempotency_key, profile_id, channel, purpose, status, address, attempts, worker_id, worker_version, instance_id, step_id, content, created_at, sent_at, updated_at)
    select 'msg_' || lpad((entered + 3600000)::text, 14, '0') || w || lpad(g::text, 7, '0'), w || ':ins_' || w || '_' || g || ':mail', ${pid('g')}, 'email', 'email_marketing', 'delivered',
      'shopper' || lpad(g::text, 7, '0') || '@example.com', 1, w, 1, 'ins_' || w || '_' || lpad(g::text, 7, '0'), 'mail', '{"subject":"Still thinking it over?"}',
      ${ts('entered + 3600000')}, ${ts('entered + 3600000')}, ${ts('entered + 3600000')}
    from bench_journeys where holdout is null`);
  // The counts the database keeps as journeys change (migration 0131; its triggers are off during the load, as in a restore).
  await step('worker_journey_counts', `insert into worker_journey_counts (worker_id, state, held_out, step, n)
    select w, case when waiting then 'waiting' else 'done' end, holdout is not null, case when waiting then 1 else -1 end, count(*) from bench_journeys group by 1, 2, 3, 4`);
  await db.exec('drop table bench_journeys');

  await step('orders', `insert into orders (order_id, profile_id, kind, status, revenue, discount, shipping, tax, refunded, currency, items, at, message_id, seq)
    select 'ord_bench_' || g, ${pid('g')}, 'order', 'completed', (10 + k % 190) * q, 0, 0, 0, 0, 'USD',
      jsonb_build_array(jsonb_build_object('productId', ${product('k')}, 'variantId', ${product('k')}, 'price', 10 + k % 190, 'quantity', q)), ${ts('at')}, 'm_ord_' || g, g + 1
    from (select g, floor(random() * $2)::int as k, 1 + floor(random() * 2)::int as q, $1::int8 - floor(random() * ${60 * DAY})::int8 as at, random() as r
          from generate_series(0, $3::int - 1) g) x where r < 0.15`, [now, o.products, o.shoppers]);

  const placement = `(array[${PLACEMENTS.map((p) => `'${p}'`).join(', ')}])[1 + (g + n) % ${PLACEMENTS.length}]`;
  await step('decisions', `insert into decisions (id, profile_id, ref, placement, at, grp, model_version, action_ids, types, detail, outcome_at)
    select 'dec_bench_' || lpad(g::text, 7, '0') || '_' || n, ${pid('g')}, ${pid('g')}, ${placement}, ${ts('at')},
      case when random() < 0.05 then 'control' else 'model' end, 'v1', ${product('g % $2')}, 'recommend', ${DETAIL},
      case when at < $1::int8 - ${7 * DAY} then ${ts(`at + ${7 * DAY}`)} end
    from (select g, n, $1::int8 - floor(random() * ${60 * DAY})::int8 as at from generate_series(0, $3::int - 1) g cross join generate_series(1, 2) n
          where g % 5 in (1, 2) and (n = 1 or g % 20 = 1)) x`, [now, o.products, o.shoppers]);

  await step('profile_events', `insert into profile_events (profile_id, seq, name, at)
    select ${pid('g')}, 2 * g + 1, (array[${EVENTS.map((e) => `'${e}'`).join(', ')}])[1 + g % ${EVENTS.length}], ${ts(`$1::int8 - floor(random() * ${60 * DAY})::int8`)}
    from generate_series(0, $2::int - 1) g`, [now, o.shoppers]);
  await step('consent_records', `insert into consent_records (id, profile_id, original_profile_id, purpose, status, at, recorded_at, source, jurisdiction, evidence)
    select 'cns_bench_' || g, ${pid('g')}, ${pid('g')}, 'email_marketing', 'granted', ${ts('at')}, ${ts('at')}, 'api', null, '{}'
    from (select g, $1::int8 - floor(random() * ${60 * DAY})::int8 as at, random() as r from generate_series(0, $2::int - 1) g) x where r < 0.3`, [now, o.shoppers]);

  // The shopper with a long history (their rows count in the totals above).
  const h = `'${HEAVY_PROFILE}'`;
  await step('identities', `insert into identities (type, value, profile_id, first_seen_at)
    select 'anonymous_id', 'anon-heavy-' || k, ${h}, ${ts(`$1::int8 - k::int8 * ${DAY}`)} from generate_series(1, 60) k`, [now]);
  await step('profile_events', `insert into profile_events (profile_id, seq, name, at)
    select ${h}, ${2 * o.shoppers + 10} + k, (array[${EVENTS.map((e) => `'${e}'`).join(', ')}])[1 + k % ${EVENTS.length}], ${ts(`$1::int8 - k::int8 * 3600000`)} from generate_series(1, 500) k`, [now]);
  await step('consent_records', `insert into consent_records (id, profile_id, original_profile_id, purpose, status, at, recorded_at, source, jurisdiction, evidence)
    select 'cns_heavy_' || k, ${h}, ${h}, case when k % 2 = 0 then 'email_marketing' else 'sms_marketing' end, case when k % 3 = 0 then 'revoked' else 'granted' end,
      ${ts(`$1::int8 - k::int8 * 7200000`)}, ${ts(`$1::int8 - k::int8 * 7200000`)}, 'api', null, '{}' from generate_series(1, 200) k`, [now]);
  await step('deliveries', `insert into deliveries (id, idempotency_key, profile_id, channel, purpose, status, address, attempts, content, created_at, sent_at, updated_at)
    select 'msg_' || lpad(($1::int8 - k::int8 * 3600000)::text, 14, '0') || 'heavy' || k, 'heavy:' || k, ${h}, 'email', 'email_marketing', 'delivered', 'shopper0000042@example.com', 1,
      '{"subject":"Hello again"}', ${ts(`$1::int8 - k::int8 * 3600000`)}, ${ts(`$1::int8 - k::int8 * 3600000`)}, ${ts(`$1::int8 - k::int8 * 3600000`)} from generate_series(1, 300) k`, [now]);
  await step('decisions', `insert into decisions (id, profile_id, ref, placement, at, grp, model_version, action_ids, types, detail, outcome_at)
    select 'dec_heavy_' || k, ${h}, ${h}, (array[${PLACEMENTS.map((p) => `'${p}'`).join(', ')}])[1 + k % ${PLACEMENTS.length}], ${ts(`$1::int8 - k::int8 * 3600000`)}, 'model', 'v1',
      'p0000001', 'recommend', ${DETAIL}, ${ts(`$1::int8 - k::int8 * 3600000 + ${DAY}`)} from generate_series(1, 300) k`, [now]);
  return out;
}
