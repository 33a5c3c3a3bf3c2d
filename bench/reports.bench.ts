/**
 * npm run bench:reports — the worker reports at scale: seeds N shoppers (default 1,000,000) with
 * journeys, messages and orders across arms straight into a fresh embedded store, then times
 * `GET /v1/reports/workers/wkr_alpha` (one worker's report: every metric, Welch, CUPED, SRM) and
 * `GET /v1/reports/workers/_all` (all workers against the global control group) over HTTP on the
 * real Braid, twice each (the second run warm).
 *
 * Seeding is set-based SQL (INSERT … SELECT over generate_series: no ingest path, and no row
 * crosses from JavaScript, whose parameter passing caps PGlite at tens of thousands of rows/s).
 * Arms use Braid's own hash, recomputed in SQL (sha256 of "v1:<salt>:<unit>"), and the bench
 * checks it equals experiments' assignGlobal / assignWorkerHoldout on a sample first.
 *
 * The data: every shopper has a profile and enters wkr_alpha (10% holdout) at a random time in
 * 30 days; 40% also enter wkr_beta (20% holdout) within 5 days after. 5% global control group.
 * Treated journeys got one email. 10% have a pre-period order; ~6% (7.5% if treated by wkr_alpha)
 * order within the 7-day window after entry; 3% of orders are (fully or partly) refunded.
 *
 * Last line: {"shoppers","journeys","deliveries","orders","seed_s","report_ms","report_warm_ms","all_report_ms","all_report_warm_ms",…}.
 *   --shoppers N (default 1000000)   --keep (keep the data directory and print it)
 *   --database-url postgres://… (a Postgres server instead: a fresh database is created on it and dropped after)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { createBraid } from '../src/app/app.ts';
import { createManualClock, parseConfig } from '../src/core/index.ts';
import { parseArgs } from '../src/cli/args.ts';
import { ASSIGNMENT_VERSION, assignGlobal, assignWorkerHoldout } from '../src/modules/experiments/index.ts';

const args = parseArgs(process.argv.slice(2)).flags;
const N = Number(args.shoppers ?? 1_000_000);
const DAY = 86_400_000, HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const clock = createManualClock(T0 + 40 * DAY);
const log = (s: string) => process.stdout.write(s + '\n');
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

const dataDir = mkdtempSync(join(tmpdir(), 'braid-bench-reports-'));
const serverUrl = typeof args['database-url'] === 'string' ? args['database-url'] : undefined;
let databaseUrl: string | undefined;
const benchDb = `braid_bench_reports_${process.pid}`;
async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}
if (serverUrl) {
  await admin(`create database ${benchDb}`);
  const u = new URL(serverUrl); u.pathname = `/${benchDb}`; databaseUrl = u.toString();
}
const config = parseConfig({ BRAID_GLOBAL_HOLDOUT_PCT: '5', BRAID_ATTRIBUTION_WINDOW_HOURS: '168', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }, { demo: false, logLevel: 'warn', dataDir });
const braid = await createBraid({ config, keys: { writeKey: 'wk_bench_123456', adminKey: 'ak_bench_123456' }, clock, logger: pino({ level: 'warn' }) as FastifyBaseLogger });
const db = braid.db;
const salt = config.brain.holdoutSalt, globalPct = config.brain.globalHoldoutPct;
const ALPHA = { id: 'wkr_alpha', pct: 10 }, BETA = { id: 'wkr_beta', pct: 20 };

for (const w of [ALPHA, BETA]) {
  await braid.workers.apply({ id: w.id, name: w.id, status: 'off', holdoutPct: w.pct, trigger: { type: 'event', event: 'Bench' }, steps: [{ id: 'mail', type: 'send', channel: 'email', template: 'generic' }] });
}
const PRODUCTS = 100;
await braid.catalog.upsertProducts(Array.from({ length: PRODUCTS }, (_, k) => ({ id: `p_${k}`, title: `Product ${k}`, price: 20 + k, cost: Math.round((20 + k) * 0.55 * 100) / 100, currency: 'USD' })));

// Braid's bucket in SQL: the first 53 bits of sha256("<version>:<salt>:<unit>") as a fraction (experiments.hash.ts).
await db.exec(`create function bench_bucket(unit text, salt text) returns float8 language sql immutable as $$
  select ((get_byte(h, 0)::float8 * 16777216 + get_byte(h, 1) * 65536 + get_byte(h, 2) * 256 + get_byte(h, 3)) * 2097152
          + floor((get_byte(h, 4)::float8 * 16777216 + get_byte(h, 5) * 65536 + get_byte(h, 6) * 256 + get_byte(h, 7)) / 2048)) / 9007199254740992.0
  from (select sha256(convert_to('${ASSIGNMENT_VERSION}:' || salt || ':' || unit, 'UTF8')) as h) x $$`);
const sample = await db.query<{ id: string; g: number; a: number }>(
  `select id, bench_bucket(id, $1) as g, bench_bucket(id, $1 || ':worker:' || $2) as a from (select 'prf_' || lpad(g::text, 7, '0') as id from generate_series(0, 999) g) s`, [salt, ALPHA.id]);
for (const r of sample.rows) {
  if (r.g !== assignGlobal(r.id, salt, globalPct).bucket || r.a !== assignWorkerHoldout(r.id, salt, ALPHA.id, ALPHA.pct).bucket) throw new Error(`SQL hash differs from Braid's for ${r.id}`);
}

const t0 = performance.now();
const c0 = cpuMs();
const step = async (what: string, sql: string, params: unknown[] = []) => {
  const t = performance.now();
  const r = await db.query(sql, params);
  log(`  ${what}: ${r.affectedRows ?? 0} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
};
await db.query(`select setseed(0.42)`);
// One row per shopper with every draw the seed needs (random() is seeded: the same data every run).
await step('shoppers', `create table bench_seed as
  select g, 'prf_' || lpad(g::text, 7, '0') as id, ($1::int8 + floor(random() * ${30 * DAY}))::int8 as first_ms,
    random() as r_pre, random() as r_pre_at, random() as r_beta, random() as r_beta_at, random() as r_post, random() as r_post_at,
    floor(random() * ${PRODUCTS})::int as k1, 1 + floor(random() * 3)::int as q1, random() as d1, random() as f1,
    floor(random() * ${PRODUCTS})::int as k2, 1 + floor(random() * 3)::int as q2, random() as d2, random() as f2
  from generate_series(0, $2::int - 1) g`, [T0, N]);
await step('arms', `create table bench_arms as
  select s.*, bench_bucket(id, $1) < $2 / 100.0 as global_control,
    bench_bucket(id, $1 || ':worker:' || $3) < $4 / 100.0 as alpha_held, bench_bucket(id, $1 || ':worker:' || $5) < $6 / 100.0 as beta_held
  from bench_seed s`, [salt, globalPct, ALPHA.id, ALPHA.pct, BETA.id, BETA.pct]);
await step('profiles', `insert into profiles (id, created_at, updated_at, first_seen_at, last_seen_at, event_count, traits, trait_meta, cart, recent_views, wishlist, signals, order_count, revenue, refunds)
  select id, to_timestamp((first_ms - ${60 * DAY}) / 1000.0), to_timestamp(first_ms / 1000.0), to_timestamp((first_ms - ${60 * DAY}) / 1000.0), to_timestamp(first_ms / 1000.0),
    5, '{}', '{}', '{"items":[]}', '[]', '[]', '{"totals":{}}', 0, 0, 0
  from bench_arms`);
const journeys = `select a.*, w.worker_id, case when w.worker_id = 'wkr_alpha' then a.first_ms else a.first_ms + floor(a.r_beta_at * ${5 * DAY})::int8 end as at,
    case when a.global_control then 'global_control' when (w.worker_id = 'wkr_alpha' and a.alpha_held) or (w.worker_id = 'wkr_beta' and a.beta_held) then 'worker_holdout' end as holdout
  from bench_arms a cross join (values ('wkr_alpha'), ('wkr_beta')) w(worker_id) where w.worker_id = 'wkr_alpha' or a.r_beta < 0.4`;
await step('journeys', `insert into worker_instances (id, worker_id, version, profile_id, state, step, wake_at, holdout, assignment, exit_reason, entered_at, updated_at, entry_key, ctx)
  select 'ins_' || worker_id || '_' || g, worker_id, 1, id, 'done', 1, at, holdout, '${ASSIGNMENT_VERSION}', 'done', at, at, worker_id || ':' || g, '{"trail":[],"seq":0}'
  from (${journeys}) j`);
await step('deliveries', `insert into deliveries (id, idempotency_key, profile_id, channel, purpose, status, worker_id, worker_version, instance_id, step_id, content, created_at, updated_at)
  select 'msg_' || worker_id || '_' || g, worker_id || ':ins_' || worker_id || '_' || g || ':mail', id, 'email', 'email_marketing', 'sent', worker_id, 1,
    'ins_' || worker_id || '_' || g, 'mail', '{}', to_timestamp((at + 60000) / 1000.0), to_timestamp((at + 60000) / 1000.0)
  from (${journeys}) j where holdout is null`);
const orderSql = (tag: string, when: string, where: string, k: string, q: string, d: string, f: string) =>
  `insert into orders (order_id, profile_id, kind, status, revenue, discount, shipping, tax, refunded, currency, items, at, message_id, seq)
   select 'o_${tag}_' || g, id, 'order', case when ${f} < 0.015 then 'refunded' when ${f} < 0.03 then 'partially_refunded' else 'completed' end,
     (20 + ${k}) * ${q}, case when ${d} < 0.2 then round((20 + ${k}) * ${q} * 0.1, 2) else 0 end, 0, 0,
     case when ${f} < 0.015 then (20 + ${k}) * ${q} when ${f} < 0.03 then 20 + ${k} else 0 end, 'USD',
     jsonb_build_array(jsonb_build_object('productId', 'p_' || ${k}, 'price', 20 + ${k}, 'quantity', ${q})), to_timestamp((${when}) / 1000.0), 'm_${tag}_' || g, g
   from bench_arms where ${where}`;
await step('pre-period orders', orderSql('pre', `first_ms - floor(r_pre_at * ${6 * DAY})::int8`, 'r_pre < 0.1', 'k1', 'q1', 'd1', 'f1'));
await step('orders', orderSql('post', `first_ms + ${HOUR} + floor(r_post_at * ${6 * DAY})::int8`, `r_post < case when not global_control and not alpha_held then 0.075 else 0.06 end`, 'k2', 'q2', 'd2', 'f2'));
await db.exec(`drop table bench_arms; drop table bench_seed; drop function bench_bucket(text, text); analyze`);
const seedS = (performance.now() - t0) / 1000;
const count = async (t: string) => Number((await db.query<{ n: number }>(`select count(*)::int as n from ${t}`)).rows[0]!.n);
const totals = { journeys: await count('worker_instances'), deliveries: await count('deliveries'), orders: await count('orders') };
log(`seeded ${N} shoppers, ${totals.journeys} journeys, ${totals.deliveries} deliveries, ${totals.orders} orders in ${seedS.toFixed(1)} s (CPU ${((cpuMs() - c0) / 1000).toFixed(1)} s)`);

interface Body { units: { total: number; treated: number; holdout: number }; srm: { mismatch: boolean } | null; incremental: { contributionPerShopper: { estimate: number; ciLow: number; ciHigh: number } | null } }
async function timed(path: string): Promise<{ ms: number; cpuMs: number; body: Body }> {
  const t = performance.now(), c = cpuMs();
  const res = await braid.http.inject({ method: 'GET', url: path, headers: { authorization: 'Bearer ak_bench_123456' } });
  const ms = performance.now() - t;
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return { ms, cpuMs: cpuMs() - c, body: res.json() };
}
const show = (name: string, r: Awaited<ReturnType<typeof timed>>) => {
  const c = r.body.incremental.contributionPerShopper;
  log(`${name}: ${r.ms.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)} ms); units ${JSON.stringify(r.body.units)}; SRM ${r.body.srm?.mismatch ? 'MISMATCH' : 'ok'}; contribution/shopper ${c ? `${c.estimate.toFixed(3)} [${c.ciLow.toFixed(3)}, ${c.ciHigh.toFixed(3)}]` : '–'}`);
};
// fresh=true: each call computes the report (the second from a warm cache), never a stored snapshot (docs/console.md).
const one = await timed(`/v1/reports/workers/${ALPHA.id}?fresh=true`);
show(`${ALPHA.id} report`, one);
const oneWarm = await timed(`/v1/reports/workers/${ALPHA.id}?fresh=true`);
show(`${ALPHA.id} report (warm)`, oneWarm);
const all = await timed('/v1/reports/workers/_all?fresh=true');
show('_all report', all);
const allWarm = await timed('/v1/reports/workers/_all?fresh=true');
show('_all report (warm)', allWarm);

await braid.close();
if (serverUrl && !args.keep) await admin(`drop database ${benchDb}`);
if (args.keep) log(`data kept in ${databaseUrl ?? dataDir}`);
if (!args.keep || serverUrl) rmSync(dataDir, { recursive: true, force: true });
log(JSON.stringify({
  store: serverUrl ? 'postgres' : 'embedded', shoppers: N, ...totals, seed_s: Math.round(seedS * 10) / 10,
  report_ms: Math.round(one.ms), report_warm_ms: Math.round(oneWarm.ms), all_report_ms: Math.round(all.ms), all_report_warm_ms: Math.round(allWarm.ms),
  report_cpu_ms: Math.round(one.cpuMs), all_report_cpu_ms: Math.round(all.cpuMs),
  report_units: one.body.units.total, all_report_units: all.body.units.total, srm_ok: !one.body.srm?.mismatch && !all.body.srm?.mismatch,
}));
