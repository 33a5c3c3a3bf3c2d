import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { evaluateOnDecisionLog, targetDistribution } from './index.ts';

describe('target policies on a decision log (pure)', () => {
  it('puts 1 - epsilon on the first preferred eligible key and spreads epsilon', () => {
    const d = targetDistribution({ placement: 'x', prefer: ['offer:a', 'type:reassure', 'none'], epsilon: 0.2 }, ['action:r', 'none', 'product:p1'], new Map([['action:r', 'reassure']]));
    expect(d.get('action:r')).toBeCloseTo(0.8 + 0.2 / 3, 12);
    expect(d.get('none')).toBeCloseTo(0.2 / 3, 12);
    expect([...d.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  it('computes IPS by hand on a tiny log and skips open windows', () => {
    const rows = [
      { actionKey: 'a', propensity: 0.5, eligible: ['a', 'b'], reward: 10 },
      { actionKey: 'b', propensity: 0.5, eligible: ['a', 'b'], reward: 4 },
      { actionKey: 'a', propensity: 0.5, eligible: ['a', 'b'], reward: 0 },
      { actionKey: 'a', propensity: 0.5, eligible: ['a', 'b'], reward: null },
    ];
    const e = evaluateOnDecisionLog(rows, { placement: 'x', prefer: ['a'] });
    expect(e.evaluated).toBe(3);
    expect(e.pending).toBe(1);
    expect(e.loggingValue).toBeCloseTo(14 / 3, 12);
    expect(e.estimates!.ips.estimate).toBeCloseTo((10 / 0.5 + 0 + 0) / 3, 12); // b's row has target probability 0
    expect(e.estimates!.dm!.estimate).toBeCloseTo(5, 12); // mean reward of a = (10 + 0) / 2
  });
});

describe('braid ope over the real decision log', () => {
  const T0 = Date.UTC(2026, 10, 2, 12);
  const clock = createManualClock(T0);
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, auth?: string) => s.api(method, path, body, auth);
  beforeAll(async () => {
    s = await startTestServer({ clock, brain: { exploration: 1, globalHoldoutPct: 0 } });
    await api('POST', '/v1/catalog/products', { products: [{ id: 'p1', title: 'Kettle', price: 100, cost: 60, currency: 'USD', availability: 'in_stock' }] });
    await s.braid.catalogCache.refresh();
  });
  afterAll(async () => { await s.close(); });

  it('estimates what "always offer free returns" would earn, equal to IPS computed from the log by hand', async () => {
    const n = 40;
    await api('POST', '/v1/batch', { batch: Array.from({ length: n }, (_, i) => ({ type: 'track', userId: `u${i}`, event: 'Product Added', messageId: `add-${i}`, properties: { product_id: 'p1', price: 100, quantity: 1 } })) }, s.basic);
    await s.braid.profiles.waitForProjection();
    const chosen: Array<{ id: string; key: string; propensity: number; user: string }> = [];
    for (let i = 0; i < n; i++) {
      const r = await api('POST', '/v1/decide', { ref: `userId:u${i}`, placement: 'checkout_assist', candidates: { types: ['reassure', 'none'] } });
      chosen.push({ id: r.body.decisionId, key: r.body.actions[0].key, propensity: r.body.actions[0].propensity, user: `u${i}` });
    }
    const buyers = chosen.filter((c) => c.key === 'action:rr_free_returns');
    expect(buyers.length).toBeGreaterThan(0);
    await api('POST', '/v1/batch', { batch: buyers.map((b) => ({ type: 'track', userId: b.user, event: 'Order Completed', messageId: `ord-${b.user}`, properties: { order_id: `o-${b.user}`, revenue: 100, products: [{ product_id: 'p1', price: 100, quantity: 1 }] } })) }, s.basic);
    await s.braid.profiles.waitForProjection();
    await s.braid.decisioning.learner.settle();
    clock.advance(8 * 86_400_000);
    await s.braid.decisioning.learner.sweep();
    const r = await api('POST', '/v1/reports/ope', { policy: { placement: 'checkout_assist', prefer: ['action:rr_free_returns'] } });
    expect(r.status).toBe(200);
    expect(r.body.evaluated).toBe(n);
    // by hand: each buyer's decision earned 100 - 60 = 40 with propensity 1/5; everything else 0 or target probability 0
    const byHand = buyers.reduce((t, b) => t + 40 / b.propensity, 0) / n;
    expect(buyers.every((b) => Math.abs(b.propensity - 0.2) < 1e-9)).toBe(true);
    expect(r.body.estimates.ips.estimate).toBeCloseTo(byHand, 9);
    expect(r.body.loggingValue).toBeCloseTo(40 * buyers.length / n, 9);
    expect(r.body.estimates.ips.ciLow).toBeLessThan(byHand);
    const bad = await api('POST', '/v1/reports/ope', { policy: { placement: 'checkout_assist', prefer: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toMatch(/prefer/);
  });
});
