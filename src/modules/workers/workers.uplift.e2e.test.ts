/**
 * Uplift targeting end to end on a real Braid, through public interfaces. Two kinds of shopper view
 * a product: persuadables (no order yet), who buy when the worker treats them (80%) and rarely
 * otherwise (20%), and sleeping dogs (three orders a month ago), who buy when left alone (80%) and
 * rarely when treated (20%). With no model yet everyone enters and is split into treated and
 * holdout; the test places the orders by arm; Braid trains the worker's model from those journeys
 * and measures it on the held-out half; then new shoppers arrive: the persuadables enter (both arms:
 * the holdout is drawn after targeting) and the sleeping dogs are left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { ingestAt, settleJourneys } from '../../testing/journeys.ts';

const T0 = Date.parse('2026-06-10T15:00:00Z');
const HOUR = 3_600_000;
const clock = createManualClock(T0);
let s: TestServer;

const WORKER = {
  id: 'wkr_target', name: 'Targeted nudge', status: 'on', holdoutPct: 50, goal: { event: 'Order Completed' },
  trigger: { type: 'event', event: 'Product Viewed' },
  entry: { reentry: 'never', uplift: { minScore: 0.1, outcome: 'conversion', explorePct: 0, minUnits: 60 } },
  steps: [{ id: 'hold', type: 'wait', duration: '2d' }],
};
type Kind = 'persuadable' | 'sleeping_dog';
const N = 120;
const shoppers = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ userId: `${prefix}_p_${i}`, kind: 'persuadable' as Kind, i }))
  .concat(Array.from({ length: n }, (_, i) => ({ userId: `${prefix}_s_${i}`, kind: 'sleeping_dog' as Kind, i })));

/** Sleeping dogs' history: three orders a month before they view. */
async function history(list: Array<{ userId: string; kind: Kind }>): Promise<void> {
  await ingestAt(s, clock, list.filter((x) => x.kind === 'sleeping_dog').flatMap((x) => [0, 1, 2].map((k) => ({
    type: 'track', userId: x.userId, event: 'Order Completed', timestamp: new Date(clock.now() - (30 + k) * 24 * HOUR).toISOString(),
    properties: { order_id: `h_${x.userId}_${k}`, revenue: 60, products: [{ product_id: 'p1', price: 60, quantity: 1 }] },
  }))));
}
const view = (userId: string) => ({ type: 'track', userId, event: 'Product Viewed', properties: { product_id: 'p1' } });
async function journeyOf(userId: string): Promise<{ holdout: string | null; ctx: { uplift?: { admitted: string; score: number | null; features: number[] } } } | undefined> {
  const id = (await s.api('GET', `/v1/profiles/userId:${userId}`)).body.id as string;
  return (await s.api('GET', `/v1/workers/wkr_target/instances?profile=${id}`)).body.items[0];
}

beforeAll(async () => {
  s = await startTestServer({ clock, brain: { globalHoldoutPct: 0, attributionWindowHours: 24 } });
  expect((await s.api('POST', '/v1/workers', WORKER)).status).toBe(201);
}, 60_000);
afterAll(async () => { await s?.close(); });

describe('uplift targeting', () => {
  it('learns from treated vs held-out journeys, then admits the persuadables and not the sleeping dogs', async () => {
    // Cold start: no model, everyone enters (and is split into treated and holdout).
    const first = shoppers('a', N);
    await history(first);
    await ingestAt(s, clock, first.map((x) => view(x.userId)));
    await settleJourneys(s);
    const orders: unknown[] = [];
    const arms = { treated: 0, worker_holdout: 0 };
    for (const x of first) {
      const j = (await journeyOf(x.userId))!;
      expect(j.ctx.uplift).toMatchObject({ admitted: 'no_model', score: null });
      const treated = j.holdout === null;
      arms[treated ? 'treated' : 'worker_holdout']++;
      const likely = x.i % 5 !== 0; // 80%
      const buys = x.kind === 'persuadable' ? (treated ? likely : !likely) : (treated ? !likely : likely);
      if (buys) orders.push({ type: 'track', userId: x.userId, event: 'Order Completed', properties: { order_id: `o_${x.userId}`, revenue: 50, products: [{ product_id: 'p1', price: 50, quantity: 1 }] } });
    }
    expect(Math.min(arms.treated, arms.worker_holdout)).toBeGreaterThan(80);
    clock.advance(2 * HOUR);
    await ingestAt(s, clock, orders);
    await settleJourneys(s);

    // Outcome windows (24 h) still open: nothing to learn from yet.
    const early = (await s.api('POST', '/v1/workers/wkr_target/uplift/train')).body;
    expect(early).toMatchObject({ trained: false, reason: expect.stringMatching(/needs 30 closed journeys per arm in each half/) });
    clock.advance(24 * HOUR);
    const trained = await s.api('POST', '/v1/workers/wkr_target/uplift/train');
    expect(trained.status).toBe(200);
    const ev = trained.body.evaluation;
    expect(trained.body.trained).toBe(true);
    expect(ev.train.units + ev.test.units).toBe(2 * N);
    // On the held-out half: persuadables gain ~0.6, sleeping dogs lose ~0.6; the threshold splits them.
    expect(ev.qiniCoefficient).toBeGreaterThan(0.15); // ~0.37 here; 1 = sorting by the realized outcomes, out of reach with 20% noise
    expect(ev.auuc).toBeGreaterThan(ev.auucRandom);
    // (~30 shoppers per arm on each side of the threshold: the bounds are 4 standard errors from ±0.6.)
    expect(ev.upliftAdmitted).toBeGreaterThan(0.2);
    expect(ev.upliftSkipped).toBeLessThan(-0.2);
    expect(ev.upliftAtTop).toBeGreaterThan(ev.averageTreatmentEffect);
    expect(ev.admittedShare).toBeGreaterThan(0.3);
    expect(ev.admittedShare).toBeLessThan(0.7);

    // New shoppers: only the persuadables enter, into both arms.
    const next = shoppers('b', 16);
    await history(next);
    await ingestAt(s, clock, next.map((x) => view(x.userId)));
    await settleJourneys(s);
    const entered = { treated: 0, worker_holdout: 0 };
    for (const x of next) {
      const j = await journeyOf(x.userId);
      if (x.kind === 'sleeping_dog') { expect(j, x.userId).toBeUndefined(); continue; }
      expect(j, x.userId).toBeDefined();
      expect(j!.ctx.uplift!.admitted).toBe('score');
      expect(j!.ctx.uplift!.score).toBeGreaterThan(0.1);
      entered[j!.holdout === null ? 'treated' : 'worker_holdout']++;
    }
    expect(entered.treated).toBeGreaterThan(0);
    expect(entered.worker_holdout).toBeGreaterThan(0);

    // The report: the model's quality beside random targeting, and who was let in.
    const r = (await s.api('GET', `/v1/reports/workers/wkr_target/uplift?since=${new Date(T0 - HOUR).toISOString()}`)).body;
    expect(r.spec).toMatchObject({ minScore: 0.1, outcome: 'conversion', model: 'two_model', explorePct: 0 });
    expect(r.model.method).toBe('two_model');
    expect(r.model.features).toContain('never_ordered');
    expect(r.model.evaluation.qiniCoefficient).toBeCloseTo(ev.qiniCoefficient, 12);
    expect(r.model.evaluation.curve).toHaveLength(11);
    const n = (admitted: string, arm: string) => r.admissions.find((a: { admitted: string; arm: string }) => a.admitted === admitted && a.arm === arm)?.n ?? 0;
    expect(n('no_model', 'treated') + n('no_model', 'worker_holdout')).toBe(2 * N);
    expect(n('score', 'treated')).toBe(entered.treated);
    expect(n('score', 'worker_holdout')).toBe(entered.worker_holdout);
    expect((await s.api('GET', '/v1/reports/workers/wkr_nope/uplift')).status).toBe(404);
  }, 120_000);
});
