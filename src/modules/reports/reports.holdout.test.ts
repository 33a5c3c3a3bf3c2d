import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { holdoutUnit } from './index.ts';

const order = (at: number, revenue: number, discount = 0, items = [{ productId: 'p1', price: revenue, quantity: 1 }], refunded = 0) => ({
  orderId: `o${at}`, profileId: 'prf_1', kind: 'order' as const, status: 'completed', revenue, discount, shipping: 0, tax: 0, refunded,
  currency: 'USD', coupon: null, items, at: new Date(at).toISOString(), messageId: 'm', seq: 1,
});

describe('holdout units (pure)', () => {
  it('counts orders in the window after the first decision, and the pre-period for CUPED', () => {
    const H = 3_600_000, t0 = Date.UTC(2026, 0, 10);
    const u = holdoutUnit([order(t0 - 2 * H, 30), order(t0 + H, 100, 10), order(t0 + 5 * H, 50), order(t0 + 30 * H, 999)], t0, 24 * H, () => 40);
    // in window: 100 + 50 revenue, 10 discount, COGS 40 + 40
    expect(u.outcomes).toEqual([1, 150, 10, 150 - 80 - 10]);
    expect(u.pre).toBe(30);
    expect(holdoutUnit([], t0, 24 * H, () => 40).outcomes).toEqual([0, 0, 0, 0]);
  });
  it('nets refunds out: a full refund leaves nothing, a half refund half the revenue, COGS and discount', () => {
    const H = 3_600_000, t0 = Date.UTC(2026, 0, 10);
    const items = [{ productId: 'p1', price: 50, quantity: 2 }];
    expect(holdoutUnit([order(t0 + H, 100, 10, items, 100)], t0, 24 * H, () => 40).outcomes).toEqual([1, 0, 0, 0]);
    expect(holdoutUnit([order(t0 + H, 100, 10, items, 50)], t0, 24 * H, () => 40).outcomes).toEqual([1, 50, 5, 50 - 40 - 5]);
    expect(holdoutUnit([order(t0 - H, 100, 0, items, 30)], t0, 24 * H, () => 40).pre).toBe(70);
  });
});

describe('GET /v1/reports/holdout', () => {
  const T0 = Date.UTC(2026, 10, 2, 12);
  const clock = createManualClock(T0);
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, auth?: string) => s.api(method, path, body, auth);
  beforeAll(async () => {
    s = await startTestServer({ clock, brain: { globalHoldoutPct: 50 } });
    await api('POST', '/v1/catalog/products', { products: [{ id: 'p1', title: 'Kettle', price: 100, cost: 60, currency: 'USD', availability: 'in_stock' }] });
    await s.braid.catalogCache.refresh();
  });
  afterAll(async () => { await s.close(); });

  it('compares the global control group with treated shoppers, per shopper, with the groups the decisions logged', async () => {
    const n = 60;
    await api('POST', '/v1/batch', { batch: Array.from({ length: n }, (_, i) => ({ type: 'identify', userId: `h${i}`, messageId: `id-${i}`, traits: { name: `H${i}` } })) }, s.basic);
    await s.braid.profiles.waitForProjection();
    const groups: Record<string, string> = {};
    for (let i = 0; i < n; i++) {
      const r = await api('POST', '/v1/decide', { ref: `userId:h${i}`, placement: 'home_hero' });
      groups[`h${i}`] = r.body.assignment.group;
    }
    clock.advance(3_600_000);
    const buyers = Array.from({ length: n }, (_, i) => `h${i}`).filter((_, i) => i % 3 === 0);
    await api('POST', '/v1/batch', { batch: buyers.map((u) => ({ type: 'track', userId: u, event: 'Order Completed', messageId: `ho-${u}`, properties: { order_id: `ho-${u}`, revenue: 100, products: [{ product_id: 'p1', price: 100, quantity: 1 }] } })) }, s.basic);
    await s.braid.profiles.waitForProjection();
    const r = await api('GET', `/v1/reports/holdout?placement=home_hero&since=${new Date(T0 - 1000).toISOString()}&until=${new Date(T0 + 7_200_000).toISOString()}`);
    expect(r.status).toBe(200);
    expect(r.body.units).toBe(n);
    const control = Object.values(groups).filter((g) => g === 'control').length;
    expect(r.body.arms.find((a: any) => a.arm === 'control').n).toBe(control);
    expect(r.body.arms.find((a: any) => a.arm === 'treatment').n).toBe(n - control);
    const conv = r.body.metrics.find((m: any) => m.metric === 'converted');
    const rate = (g: string) => buyers.filter((u) => groups[u] === g).length / Object.values(groups).filter((x) => x === g).length;
    expect(conv.arms.find((a: any) => a.arm === 'control').mean).toBeCloseTo(rate('control'), 12);
    expect(conv.arms.find((a: any) => a.arm === 'treatment').mean).toBeCloseTo(rate('treatment'), 12);
    const contribution = r.body.metrics.find((m: any) => m.metric === 'contribution');
    expect(contribution.arms.find((a: any) => a.arm === 'treatment').mean).toBeCloseTo(rate('treatment') * 40, 9);
    expect(r.body.srm.pValue).toBeGreaterThan(0);
    expect((await api('GET', '/v1/reports/holdout?placement=home_hero&since=2026-11-03T00:00:00Z&until=2026-11-01T00:00:00Z')).status).toBe(400);
  });
});
