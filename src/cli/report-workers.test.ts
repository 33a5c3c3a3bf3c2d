/**
 * `braid report workers [ID]` and `braid report attribution` over HTTP against a real Braid:
 * shoppers enter a worker with a 50% holdout, some buy; the tables show the arms, the SRM check,
 * the incremental contribution with its interval, and the last-touch credits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../core/index.ts';
import { startTestServer, TEST_KEYS, type TestServer } from '../testing/server.ts';
import { parseArgs } from './args.ts';
import { connect, type BraidClient } from './client.ts';
import type { CliIo } from './io.ts';
import { formatUplift, reportWorkers, type UpliftBody } from './report-workers.ts';

const T0 = Date.parse('2026-05-01T12:00:00Z');
const clock = createManualClock(T0);
let s: TestServer;
let client: BraidClient;

function captureIo(): CliIo & { out: () => string } {
  const out: string[] = [];
  return {
    stdout: { write: (x: string) => { out.push(x); return true; } },
    stderr: { isTTY: false, write: () => true },
    clock, sleep: async () => undefined, out: () => out.join(''),
  };
}
async function batch(messages: unknown[]): Promise<void> {
  const res = await fetch(s.url + '/v1/batch', {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic },
    body: JSON.stringify({ batch: messages.map((m) => ({ timestamp: new Date(clock.now()).toISOString(), ...(m as object) })) }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  s = await startTestServer({ clock, brain: { globalHoldoutPct: 0 } });
  const doc = { id: 'wkr_cli', name: 'CLI worker', status: 'on', holdoutPct: 50, goal: { event: 'Order Completed' }, trigger: { type: 'event', event: 'Product Viewed' }, entry: { reentry: 'never' }, steps: [{ id: 'w', type: 'wait', duration: '1d' }] };
  expect((await s.api('POST', '/v1/workers', doc)).status).toBe(201);
  await batch(Array.from({ length: 30 }, (_, i) => ({ type: 'track', userId: `c_${i}`, event: 'Product Viewed', properties: { product_id: 'p1' } })));
  await s.braid.profiles.waitForProjection(10_000);
  await s.braid.workers.idle();
  clock.advance(3_600_000);
  await batch(Array.from({ length: 10 }, (_, i) => ({ type: 'track', userId: `c_${i * 3}`, event: 'Order Completed', properties: { order_id: `o${i}`, revenue: 100, products: [{ product_id: 'p1', price: 100, quantity: 1 }] } })));
  await s.braid.profiles.waitForProjection(10_000);
  clock.advance(3_600_000);
  client = await connect(parseArgs(['--url', s.url, '--admin-key', TEST_KEYS.adminKey]), {});
}, 180_000);
afterAll(async () => { await client?.close(); await s?.close(); });

describe('braid report workers / attribution', () => {
  it('prints every worker, one worker with its metrics and cohorts, and the attribution table', async () => {
    const list = captureIo();
    expect(await reportWorkers(client, 'workers', undefined, parseArgs([]), list)).toBe(0);
    expect(list.out()).toMatch(/^_all\s/m);
    expect(list.out()).toMatch(/^wkr_cli\s+on\s+\d+\s+\d+/m);

    const one = captureIo();
    expect(await reportWorkers(client, 'workers', 'wkr_cli', parseArgs(['--cohort', 'lifecycle']), one)).toBe(0);
    const r = (await s.api('GET', '/v1/reports/workers/wkr_cli')).body;
    expect(r.units.total).toBe(30);
    expect(one.out()).toContain(`Treated ${r.units.treated}, holdout ${r.units.holdout}`);
    expect(one.out()).toMatch(/Sample ratio check \(intended holdout 50\.0%\): chi-square [\d.]+, p = [\d.]+ \(ok\)/);
    expect(one.out()).toMatch(/Incremental contribution per shopper: [+-]\$[\d.]+ \[[+-]\$[\d.]+, [+-]\$[\d.]+\]/);
    expect(one.out()).toMatch(/^contribution\s+per shopper/m);
    expect(one.out()).toContain(`lifecycle = prospect: treated ${r.units.treated}, holdout ${r.units.holdout}`); // nobody had ordered before entering

    const attr = captureIo();
    expect(await reportWorkers(client, 'attribution', undefined, parseArgs(['--since', new Date(T0 - 1000).toISOString()]), attr)).toBe(0);
    expect(attr.out()).toMatch(/Orders .*: 10, revenue \$1000/);
    expect(attr.out()).toMatch(/^none\s+10\s+\$1000/m); // a worker that sends nothing touches no one

    const missing = captureIo();
    expect(await reportWorkers(client, 'workers', 'wkr_nope', parseArgs([]), missing)).toBe(1);
  }, 60_000);

  it('prints a placement against the global control group', async () => {
    // 30 shoppers decided for on site; with no global control group configured here the report says an arm is missing.
    for (let i = 0; i < 30; i++) expect((await s.api('POST', '/v1/decide', { ref: `userId:c_${i}`, placement: 'home_hero' })).status).toBe(200);
    const out = captureIo();
    expect(await reportWorkers(client, 'placement', 'home_hero', parseArgs([]), out)).toBe(0);
    expect(out.out()).toMatch(/^Placement home_hero: shoppers first decided for there/m);
    expect(out.out()).toContain('Treated 30, global control group (holdout) 0');
    expect(out.out()).toContain('Incremental contribution: – (needs shoppers in both arms)');
    expect(await reportWorkers(client, 'placement', undefined, parseArgs([]), captureIo())).toBe(2);
  }, 60_000);

  it('prints a targeted worker\'s uplift model beside random targeting, and says when a worker has none', async () => {
    const none = captureIo();
    expect(await reportWorkers(client, 'uplift', 'wkr_cli', parseArgs([]), none)).toBe(0);
    expect(none.out()).toBe('CLI worker (wkr_cli) has no uplift targeting (entry.uplift).\n');
    const missing = captureIo();
    expect(await reportWorkers(client, 'uplift', 'wkr_nope', parseArgs([]), missing)).toBe(1);
    const body: UpliftBody = {
      worker: { id: 'wkr_t', name: 'Targeted' }, since: '2026-01-01T00:00:00.000Z', until: '2026-04-01T00:00:00.000Z',
      spec: { minScore: 0.02, outcome: 'conversion', model: 'two_model', explorePct: 10, minUnits: 200, retrainHours: 24 },
      model: {
        trainedAt: '2026-03-31T12:00:00.000Z', outcome: 'conversion', method: 'two_model', features: ['orders', 'never_ordered'],
        evaluation: {
          train: { units: 1000, treated: 500, control: 500 }, test: { units: 990, treated: 480, control: 510 }, qiniCoefficient: 0.3712, auuc: 0.05, auucRandom: 0.01,
          averageTreatmentEffect: 0.01, topFraction: 0.3, upliftAtTop: 0.08, minScore: 0.02, admittedShare: 0.42, upliftAdmitted: 0.07, upliftSkipped: -0.03,
        },
      },
      admissions: [{ admitted: 'score', arm: 'treated', n: 90 }, { admitted: 'score', arm: 'worker_holdout', n: 10 }, { admitted: 'explore', arm: 'treated', n: 5 }],
    };
    const text = formatUplift(body);
    expect(text).toContain('enter when the predicted conversion uplift is at least +2.0 pts (two_model; 10% explore below it; retrained every 24h)');
    expect(text).toContain('Qini coefficient 0.371 (0 = random targeting, 1 = perfect); AUUC 0.0500 vs random 0.0100');
    expect(text).toContain('Uplift among the top 30%: +8.0 pts vs random targeting +1.0 pts');
    expect(text).toContain('At the threshold: 42.0% admitted; observed uplift among them +7.0 pts, among those left out -3.0 pts');
    expect(text).toContain('Journeys since 2026-01-01: score (treated 90, worker_holdout 10); explore (treated 5)');
    expect(formatUplift({ ...body, model: null })).toContain('No model yet: everyone enters (needs 200 closed journeys per arm).');
  });
});
