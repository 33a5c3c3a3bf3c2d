/**
 * The server half of `npm run bench:decide`: a Braid with the demo store on the embedded
 * database, plus two bench-only routes on the same Fastify instance: POST /bench/echo (the
 * trivial route the issue compares against) and GET /bench/stats (server-side latencies of
 * /v1/decide, measured from onRequest to onResponse). Warms the shopper cache, then prints
 * READY <json> on stdout.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBraid } from '../src/app/app.ts';
import { seedDemoIfEmpty } from '../src/app/demo-seed.ts';
import { parseConfig } from '../src/core/index.ts';

const port = Number(process.argv[2] ?? 0);
const dataDir = mkdtempSync(join(tmpdir(), 'braid-bench-decide-'));
const keys = { writeKey: 'wk_bench_123456', adminKey: 'ak_bench_123456', decideKey: 'dk_bench_123456' };
const braid = await createBraid({ config: parseConfig({}, { dataDir, port, demo: true, logLevel: 'warn' }), keys });
await seedDemoIfEmpty(braid);
braid.startBackground();
await braid.profiles.waitForProjection(180_000);
await braid.catalogCache.refresh();
// Steady state: the first model fits (traits CLV, recommendations) finish before measuring.
await braid.traits.refit();
await braid.recommendations.retrain();

const starts = new WeakMap<object, bigint>();
let times: number[] = [];
braid.http.addHook('onRequest', async (req) => { if (req.url === '/v1/decide') starts.set(req, process.hrtime.bigint()); });
braid.http.addHook('onResponse', async (req) => {
  const t0 = starts.get(req);
  if (t0 !== undefined) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
});
const sample = JSON.stringify((await braid.decisioning.decideJson({ ref: 'anonymousId:bench-sample', placement: 'home_hero', context: {}, count: 4 })).result);
const { DecideRequestSchema } = await import('../src/modules/decisioning/decisioning.schemas.ts');
braid.http.post('/bench/static', { config: { scope: 'decide' }, schema: { hide: true, body: DecideRequestSchema } }, async (_req, reply) => reply.type('application/json; charset=utf-8').send(sample));
braid.http.post('/bench/echo', { config: { scope: 'public' }, schema: { hide: true } }, async (req) => req.body);
braid.http.get('/bench/stats', { config: { scope: 'public' }, schema: { hide: true } }, async () => {
  const t = times.sort((a, b) => a - b);
  times = [];
  const q = (p: number) => t.length ? t[Math.min(t.length - 1, Math.floor(p * t.length))]! : 0;
  return { n: t.length, p50: q(0.5), p99: q(0.99), max: t[t.length - 1] ?? 0, logBacklog: braid.decisioning.log.pending() };
});
const r = await braid.db.query<{ user_id: string }>('select user_id from profiles where user_id is not null order by id limit 2000');
const refs = r.rows.map((x) => `userId:${x.user_id}`);
for (const ref of refs) await braid.decisioning.decide({ ref, placement: 'home_hero', context: {}, count: 4 });
await braid.decisioning.log.flush();
const url = await braid.http.listen({ port, host: '127.0.0.1' });
process.stdout.write(`READY ${JSON.stringify({ url, refs, cached: braid.decisioning.snapshots.size() })}\n`);
process.on('SIGTERM', () => { void braid.close().finally(() => process.exit(0)); });
