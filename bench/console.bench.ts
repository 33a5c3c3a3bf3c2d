/**
 * npm run bench:console — is the web console fast on a big store? Seeds an embedded data dir with
 * P products (one variant, price, cost and online stock each) and S shoppers (a profile, its
 * registry row, a user id and an email identity), with multi-row INSERT batches straight into the
 * tables Braid's own writers fill, and the history a live store has (console.bench-history.ts):
 * journeys in two workers, their messages, orders, decisions, timeline events and consent
 * records, plus one shopper with a long history of each; then starts Braid on it as a child
 * process (`braid serve`, as an operator would), creates the two workers over the API, and times
 * every API call the console's pages make, signed in with the admin key: R runs each after one
 * warm-up (reports, which aggregate the whole history, RR runs), p50 and max of wall time per call
 * and the server process's CPU time per call (its /proc utime + stime over the runs). Reports are
 * served from snapshots (the warm-up computes the first one); each report is also timed live
 * (`?fresh=true`, RR runs), reported apart as "fresh_reports".
 *
 * Last line: one JSON object, {"products","shoppers","history":{table:rows},"seed_rows","seed_rows_per_s","start_s",
 * "max_list_api_ms","slowest_list","max_page_api_ms","max_p50_page_api_ms","slowest","max_api_ms_during_refresh","slowest_during_refresh",
 * "p50_api_ms_during_refresh","api_calls_during_refresh","calls":{name:[p50,max,cpu]},"fresh_reports":{name:[p50,max,cpu]}}
 * (…_during_refresh: the shopper 360 and list calls made back to back while each report is computed live, `fresh=true`.)
 * (max_list_api_ms: every call but the reports, whose cost grows with the history they aggregate).
 *   --products N (default 100000)   --shoppers N (default 1000000)   --runs R (default 15)   --report-runs RR (default 3)
 *   --data DIR (reuse a seeded dir; default a temp dir, removed at the end)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, systemClock, type Db } from '../src/core/index.ts';
import { parseArgs } from '../src/cli/args.ts';
import { startBraidProcess, stopBraidProcess } from '../test/braid-process.ts';
import { BENCH_WORKERS, HEAVY_PROFILE, seedHistory } from './console.bench-history.ts';

const args = parseArgs(process.argv.slice(2)).flags;
const P = Number(args.products ?? 100_000);
const S = Number(args.shoppers ?? 1_000_000);
const R = Number(args.runs ?? 15);
const RR = Number(args['report-runs'] ?? 3);
const BATCH = 10_000;
const keep = typeof args.data === 'string';
const dataDir = keep ? String(args.data) : mkdtempSync(join(tmpdir(), 'braid-bench-console-'));
const log = (s: string) => process.stdout.write(s + '\n');
const pad = (n: number) => String(n).padStart(7, '0');

/**
 * `insert into table (…) select …, constants from unnest($1::t1[], …)`: one statement per batch of
 * 10,000 rows, one array parameter per column that varies; columns equal on every row (or computed
 * from the others) are SQL expressions, not 10,000 copies to parse.
 */
async function insertColumns(db: Db, table: string, cols: Array<[name: string, type: string]>, constants: Record<string, string>, rows: number, value: (i: number) => unknown[]): Promise<void> {
  const t = performance.now();
  // Columns named _x only feed the constants' expressions.
  const direct = cols.map((c) => c[0]).filter((c) => !c.startsWith('_'));
  const names = [...direct, ...Object.keys(constants)];
  const select = [...direct, ...Object.values(constants)].join(', ');
  const from = `unnest(${cols.map((c, i) => `$${i + 1}::${c[1]}[]`).join(', ')}) as u(${cols.map((c) => c[0]).join(', ')})`;
  for (let start = 0; start < rows; start += BATCH) {
    const n = Math.min(BATCH, rows - start);
    const arrays: unknown[][] = cols.map(() => new Array(n));
    for (let k = 0; k < n; k++) { const v = value(start + k); for (let c = 0; c < cols.length; c++) arrays[c]![k] = v[c]; }
    await db.query(`insert into ${table} (${names.join(', ')}) select ${select} from ${from}`, arrays);
  }
  if (process.env.BENCH_TRACE) log(`  ${table}: ${rows} rows, ${Math.round(rows / ((performance.now() - t) / 1000))} rows/s`);
}

async function seed(): Promise<{ rows: number; seconds: number }> {
  const db = await openDatabase({ dataDir, clock: systemClock });
  try {
    const now = new Date(systemClock.now()).toISOString();
    const at = `'${now}'::timestamptz`;
    const t0 = performance.now();
    // The rows are consistent by construction: foreign keys are not checked row by row during the load (as pg_restore does).
    await db.exec('set session_replication_role = replica');
    await db.query(`insert into catalog_locations (id, name, type, timezone, address, created_at, updated_at) values ('online', 'Online', 'online', null, null, $1, $1)`, [now]);
    const cats = ['Apparel > Tops', 'Apparel > Shoes', 'Home > Kitchen', 'Outdoor > Camping', 'Beauty > Skin', 'Pantry > Coffee'];
    const pid = (i: number) => `p${pad(i)}`;
    await insertColumns(db, 'catalog_products', [['id', 'text'], ['title', 'text'], ['category', 'text']], { attributes: `'{}'::jsonb`, created_at: at, updated_at: at }, P,
      (i) => [pid(i), `Product ${i}`, cats[i % cats.length]]);
    await insertColumns(db, 'catalog_variants', [['id', 'text']], { product_id: 'id', availability: `'in_stock'`, attributes: `'{}'::jsonb`, created_at: at, updated_at: at }, P, (i) => [pid(i)]);
    await insertColumns(db, 'catalog_price_versions', [['variant_id', 'text'], ['price', 'numeric'], ['cost', 'numeric']], { valid_from: at, currency: `'USD'`, recorded_at: at }, P,
      (i) => { const price = 10 + (i % 190); return [pid(i), price, Math.round(price * 55) / 100]; });
    await insertColumns(db, 'catalog_stock', [['variant_id', 'text'], ['quantity', 'int4']], { location_id: `'online'`, updated_at: at }, P, (i) => [pid(i), 5 + (i % 50)]);
    log(`seeded ${P} products in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const t1 = performance.now();
    // Secondary indexes are built once after the load (as a bulk import would), not row by row (unique ones, which back constraints, stay).
    const big = ['identities', 'profiles', 'profile_registry', 'worker_instances', 'deliveries', 'orders', 'decisions', 'profile_events', 'consent_records'];
    const secondary = (await db.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = any($1::text[]) and indexname not like '%_pkey' and indexdef not like 'CREATE UNIQUE%'`, [big])).rows;
    for (const ix of secondary) await db.exec(`drop index ${ix.indexname}`);
    const id = (i: number) => `prf_bench${pad(i)}`;
    await insertColumns(db, 'profile_registry', [['id', 'text']], { created_at: at }, S, (i) => [id(i)]);
    await insertColumns(db, 'identities', [['value', 'text'], ['profile_id', 'text']], { type: `'user_id'`, first_seen_at: at }, S, (i) => [`cus_${pad(i)}`, id(i)]);
    await insertColumns(db, 'identities', [['value', 'text'], ['profile_id', 'text']], { type: `'email'`, first_seen_at: at }, S, (i) => [`shopper${pad(i)}@example.com`, id(i)]);
    await insertColumns(db, 'profiles', [['id', 'text'], ['user_id', 'text'], ['_first', 'text'], ['_last', 'text']], {
      created_at: at, updated_at: at, first_seen_at: at, last_seen_at: at, event_count: '0',
      traits: `jsonb_build_object('email', 'shopper' || substr(user_id, 5) || '@example.com', 'firstName', _first, 'lastName', _last)`,
      trait_meta: `'{}'::jsonb`, cart: `'{"items":[]}'::jsonb`, recent_views: `'[]'::jsonb`, wishlist: `'[]'::jsonb`, signals: `'{"totals":{}}'::jsonb`,
      order_count: '0', revenue: '0', refunds: '0',
    }, S, (i) => [id(i), `cus_${pad(i)}`, `Ada${i % 997}`, `Shopper${i}`]);
    log(`seeded ${S} shoppers in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const t2 = performance.now();
    history = await seedHistory(db, { shoppers: S, products: P, nowMs: systemClock.now(), log, trace: !!process.env.BENCH_TRACE });
    log(`seeded their history in ${((performance.now() - t2) / 1000).toFixed(1)} s: ${JSON.stringify(history)}`);
    await db.exec('set session_replication_role = origin');
    const t3 = performance.now();
    for (const ix of secondary) await db.exec(ix.indexdef);
    log(`rebuilt ${secondary.length} secondary indexes in ${((performance.now() - t3) / 1000).toFixed(1)} s (${secondary.map((x) => x.indexname).join(', ')})`);
    await db.exec('analyze');
    return { rows: 4 * P + 1 + 4 * S + Object.values(history).reduce((a, b) => a + b, 0), seconds: (performance.now() - t0) / 1000 };
  } finally { await db.close(); }
}

let seeded: { rows: number; seconds: number };
let history: Record<string, number> = {};
try {
  seeded = keep && existsSync(join(dataDir, 'pgdata')) ? { rows: 0, seconds: 0 } : await seed();
} catch (e) {
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
  throw e;
}
const keys = { writeKey: 'wk_bench_console_1234', adminKey: 'ak_bench_console_1234' };
const t2 = performance.now();
const braid = await startBraidProcess({ dataDir, ...keys, timeoutMs: 600_000, env: { BRAID_LOG_LEVEL: 'error' } });
const startS = (performance.now() - t2) / 1000;
log(`Braid started in ${startS.toFixed(1)} s at ${braid.url}`);

/** CPU time (user + system) of the Braid process so far, in ms (Linux /proc; clock ticks of 10 ms). */
const serverCpuMs = (): number => {
  const f = readFileSync(`/proc/${braid.pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const get = async (path: string): Promise<{ ms: number; body: any }> => {
  const t = performance.now();
  const res = await fetch(braid.url + path, { headers: { authorization: `Bearer ${keys.adminKey}` } });
  const text = await res.text();
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return { ms, body: path.startsWith('/v1') || path === '/openapi.json' ? JSON.parse(text) : text };
};

try {
  // The seeded journeys belong to these workers: created as any operator would (their waiting journeys wake in the future).
  for (const w of BENCH_WORKERS) {
    const res = await fetch(braid.url + '/v1/workers', { method: 'POST', headers: { authorization: `Bearer ${keys.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(w) });
    if (res.status !== 201 && res.status !== 200 && res.status !== 409) throw new Error(`create ${w.id}: HTTP ${res.status} ${await res.text()}`);
  }
  // A decision made now (the seeded ones carry no explanation worth reading).
  const decided = await fetch(braid.url + '/v1/decide', { method: 'POST', headers: { authorization: `Bearer ${keys.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ ref: `prf_bench${pad(7)}`, placement: 'home_hero' }) });
  if (!decided.ok) throw new Error(`decide: HTTP ${decided.status} ${await decided.text()}`);
  const decisionId = (await decided.json() as { decisionId: string }).decisionId;
  const next = async (path: string, key = 'nextCursor') => encodeURIComponent(String((await get(path)).body[key]));
  const [wa] = BENCH_WORKERS.map((w) => w.id);
  const heavy = HEAVY_PROFILE;
  // Cursors from the middle of the lists, as deep pages would use.
  const page2 = (await get('/v1/profiles?limit=25')).body.nextCursor as string;
  const deep = Buffer.from(JSON.stringify([`prf_bench${pad(Math.floor(S * 0.73))}`]), 'utf8').toString('base64url');
  const mid = pad(Math.floor(S * 0.42));
  const offersCursor = (await get('/v1/offers?limit=2')).body.nextCursor as string | null;
  const calls: Array<[string, string]> = [
    ['console shell', '/'], ['openapi (capabilities)', '/openapi.json'], ['auth/me', '/v1/auth/me'],
    // overview
    ['workers page 1', '/v1/workers?limit=25'], ['workers (overview)', '/v1/workers?limit=10'], ['offers (overview)', '/v1/offers?limit=500'], ['placements', '/v1/placements'],
    ['reports overview', '/v1/reports/overview'], ['reports workers', '/v1/reports/workers'], ['series all workers', '/v1/reports/workers/_all/series?bucket=week'],
    ['placement lift', '/v1/console/lift?placement=home_hero&weeks=8'],
    // workers
    ['playbooks', '/v1/playbooks'],
    // approvals, decisions
    ['approvals pending', '/v1/approvals?status=pending&limit=25'], ['decisions page 1', '/v1/decisions?limit=25'], ['decisions by placement', '/v1/decisions?placement=home_hero&limit=25'],
    ['workers (decision filter)', '/v1/workers?limit=500'],
    // shoppers
    ['shoppers page 1', '/v1/profiles?limit=25'], ['shoppers page 2', `/v1/profiles?limit=25&cursor=${page2}`], ['shoppers deep page', `/v1/profiles?limit=25&cursor=${deep}`],
    ['shoppers by email prefix', `/v1/profiles?q=shopper${mid.slice(0, 4)}&limit=25`], ['shoppers by user id', `/v1/profiles?q=cus_${mid}&limit=25`], ['shoppers by prf id', `/v1/profiles?q=prf_bench${mid}&limit=25`],
    ['shopper 360', `/v1/profiles/${encodeURIComponent(`email:shopper${mid}@example.com`)}`], ['shopper events', `/v1/profiles/prf_bench${mid}/events?limit=25`],
    ['shopper decisions', `/v1/profiles/prf_bench${mid}/decisions?limit=10`], ['shopper traits', `/v1/profiles/prf_bench${mid}/traits`], ['shopper preferences', `/v1/profiles/prf_bench${mid}/preferences`],
    ['shopper consent history', `/v1/profiles/prf_bench${mid}/consent/history?limit=10`], ['shopper messages', `/v1/messages?ref=prf_bench${mid}&limit=10`],
    ['shopper identities', `/v1/profiles/prf_bench${mid}/identities?limit=10`],
    // offers and guardrails, content, experiments
    // the worker page: waiting journeys per step, journeys page by page, its lift and uplift targeting
    ['worker', `/v1/workers/${wa}`], ['worker journeys page 1', `/v1/workers/${wa}/instances?state=waiting&limit=25`],
    ['worker journeys page 2', `/v1/workers/${wa}/instances?state=waiting&limit=25&cursor=${await next(`/v1/workers/${wa}/instances?state=waiting&limit=25`)}`],
    ['worker all journeys page 2', `/v1/workers/${wa}/instances?limit=25&cursor=${await next(`/v1/workers/${wa}/instances?limit=25`)}`],
    ['worker report', `/v1/reports/workers/${wa}`], ['worker series', `/v1/reports/workers/${wa}/series?bucket=day`], ['worker uplift', `/v1/reports/workers/${wa}/uplift`],
    // the decision explorer and one decision
    ['decisions page 2', `/v1/decisions?limit=25&cursor=${await next('/v1/decisions?limit=25')}`], ['decision', `/v1/decisions/${decisionId}`],
    // the decision explorer's search by worker (its campaign id, migration 0141's partial index; the seeded decisions name no campaign)
    ['decisions by worker', `/v1/workers/${wa}/decisions?limit=25`],
    ['messages page 1', '/v1/messages?limit=25'],
    // the shopper with the longest history: every list of the 360, first and second pages
    ['heavy shopper 360', `/v1/profiles/${heavy}`], ['heavy identities', `/v1/profiles/${heavy}/identities?limit=10`],
    ['heavy identities page 2', `/v1/profiles/${heavy}/identities?limit=10&cursor=${await next(`/v1/profiles/${heavy}/identities?limit=10`)}`],
    ['heavy consent history', `/v1/profiles/${heavy}/consent/history?limit=10`],
    ['heavy consent page 2', `/v1/profiles/${heavy}/consent/history?limit=10&cursor=${await next(`/v1/profiles/${heavy}/consent/history?limit=10`)}`],
    ['heavy events', `/v1/profiles/${heavy}/events?limit=25`], ['heavy events page 2', `/v1/profiles/${heavy}/events?limit=25&cursor=${await next(`/v1/profiles/${heavy}/events?limit=25`)}`],
    ['heavy decisions', `/v1/profiles/${heavy}/decisions?limit=10`], ['heavy decisions page 2', `/v1/profiles/${heavy}/decisions?limit=10&cursor=${await next(`/v1/profiles/${heavy}/decisions?limit=10`)}`],
    ['heavy messages', `/v1/messages?ref=${heavy}&limit=10`], ['heavy messages page 2', `/v1/messages?ref=${heavy}&limit=10&cursor=${await next(`/v1/messages?ref=${heavy}&limit=10`)}`],
    ['heavy traits', `/v1/profiles/${heavy}/traits`],
    ['offers page 1', '/v1/offers?limit=25'], ...(offersCursor ? [['offers page 2', `/v1/offers?limit=2&cursor=${offersCursor}`] as [string, string]] : []),
    ['offer policy', '/v1/offer-policy'], ['guardrails', '/v1/guardrails'],
    ['templates page 1', '/v1/content/templates?limit=25'], ['blocks page 1', '/v1/content/blocks?limit=25'], ['experiments', '/v1/reports/experiments'],
    ['catalog products page', '/v1/catalog/products?limit=25'],
  ];
  const figures: Record<string, [number, number, number]> = {};
  const fresh: Record<string, [number, number, number]> = {};
  // Reports aggregate every journey, order and message of their period (docs/proof.md): seconds at this scale, not a page's list.
  const isReport = (path: string) => /^\/v1\/(reports\/(overview|workers)|console\/lift)/.test(path) && !path.endsWith('/uplift');
  for (const [name, path] of calls) {
    await get(path); // warm-up
    const ms: number[] = [];
    const runs = isReport(path) ? RR : R;
    const c0 = serverCpuMs();
    for (let i = 0; i < runs; i++) ms.push((await get(path)).ms);
    const cpu = (serverCpuMs() - c0) / runs;
    ms.sort((a, b) => a - b);
    const p50 = ms[Math.floor(ms.length / 2)]!, max = ms[ms.length - 1]!;
    figures[name] = [Math.round(p50 * 10) / 10, Math.round(max * 10) / 10, Math.round(cpu)];
    log(`${name.padEnd(28)} p50 ${p50.toFixed(1).padStart(8)} ms  max ${max.toFixed(1).padStart(8)} ms  cpu ${cpu.toFixed(0).padStart(6)} ms  ${path.slice(0, 90)}`);
  }
  // The same reports computed live (what the snapshot refresher spends, and a `fresh=true` click waits).
  for (const [name, path] of calls.filter(([, p]) => /^\/v1\/(reports\/(overview|workers)|console\/lift)/.test(p) && !p.endsWith('/uplift'))) {
    const ms: number[] = [];
    const c0 = serverCpuMs();
    for (let i = 0; i < RR; i++) ms.push((await get(`${path}${path.includes('?') ? '&' : '?'}fresh=true`)).ms);
    const cpu = (serverCpuMs() - c0) / RR;
    ms.sort((a, b) => a - b);
    fresh[name] = [Math.round(ms[Math.floor(ms.length / 2)]! * 10) / 10, Math.round(ms[ms.length - 1]! * 10) / 10, Math.round(cpu)];
    log(`${(name + ' (fresh)').padEnd(28)} p50 ${fresh[name][0].toFixed(1).padStart(8)} ms  max ${fresh[name][1].toFixed(1).padStart(8)} ms  cpu ${cpu.toFixed(0).padStart(6)} ms`);
  }
  // What a refresh costs everyone else: while each report is computed live (as the snapshot
  // refresher does, one at a time), the shopper 360 and the lists are called back to back; the
  // worst of their latencies is the stall a refresh puts on the API (reports.workers.slices).
  const probes = calls.filter(([name]) => ['shopper 360', 'heavy shopper 360', 'shoppers page 1', 'shopper events', 'worker journeys page 1', 'decisions page 1'].includes(name));
  const during: number[] = [];
  let worstDuring: [string, number] = ['', 0];
  for (const [, path] of calls.filter(([, p]) => isReport(p))) {
    let done = false;
    const t0 = performance.now();
    const refresh = get(`${path}${path.includes('?') ? '&' : '?'}fresh=true`).finally(() => { done = true; });
    for (let i = 0; !done; i++) {
      const [name, probe] = probes[i % probes.length]!;
      const { ms } = await get(probe);
      during.push(ms);
      if (ms > worstDuring[1]) worstDuring = [name, ms];
      if (process.env.BENCH_TRACE && ms > 1000) log(`  ${name} ${Math.round(ms)} ms during ${path} (ended ${Math.round(performance.now() - t0)} ms into it)`);
    }
    await refresh;
  }
  during.sort((a, b) => a - b);
  const duringFigures = { max_api_ms_during_refresh: Math.round(worstDuring[1] * 10) / 10, slowest_during_refresh: worstDuring[0], p50_api_ms_during_refresh: Math.round((during[Math.floor(during.length / 2)] ?? 0) * 10) / 10, api_calls_during_refresh: during.length };
  log(`during refreshes: ${during.length} calls, p50 ${duringFigures.p50_api_ms_during_refresh} ms, max ${duringFigures.max_api_ms_during_refresh} ms (${worstDuring[0]})`);
  // A sanity check that the searches found what they should (a fast empty answer proves nothing).
  const hit = (await get(`/v1/profiles?q=cus_${mid}&limit=25`)).body.items;
  if (hit.length !== 1 || hit[0].profileId !== `prf_bench${mid}`) throw new Error(`search by user id found ${JSON.stringify(hit).slice(0, 200)}`);
  if ((await get('/v1/profiles?limit=25')).body.items.length !== Math.min(25, S)) throw new Error('the shopper list is not full');
  if ((await get(`/v1/workers/${wa}`)).body.counts.waiting < 1) throw new Error(`${wa} has no waiting journeys`);
  const reportNames = new Set(calls.filter(([, path]) => isReport(path)).map(([name]) => name));
  const entries = Object.entries(figures);
  const lists = entries.filter(([name]) => !reportNames.has(name));
  const worst = (xs: typeof entries) => xs.reduce((a, b) => (b[1][1] > a[1][1] ? b : a));
  const slowest = worst(entries), slowestList = worst(lists);
  log(JSON.stringify({
    products: P, shoppers: S, history, seed_rows: seeded.rows, seed_rows_per_s: seeded.seconds ? Math.round(seeded.rows / seeded.seconds) : null, start_s: Math.round(startS * 10) / 10,
    runs: R, report_runs: RR, max_list_api_ms: slowestList[1][1], slowest_list: slowestList[0], max_page_api_ms: slowest[1][1], max_p50_page_api_ms: Math.max(...entries.map((e) => e[1][0])), slowest: slowest[0], ...duringFigures, calls: figures, fresh_reports: fresh,
  }));
} finally {
  await stopBraidProcess(braid, 30_000);
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
}
