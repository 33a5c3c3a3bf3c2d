import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const H = 3_600_000, DAY = 24 * H;
type Arm = { arm: string; n: number; mean: number };
type Metric = { metric: string; kind: string; arms: Arm[]; comparisons: Array<{ absolute: { estimate: number; ciLow: number; ciHigh: number } }> };

describe('placement reports: GET /v1/reports/placements/{placement}, /v1/reports/holdout, /v1/console/lift', () => {
  const T0 = Date.UTC(2026, 10, 2, 12);
  const clock = createManualClock(T0);
  let s: TestServer;
  const n = 60;
  const groups: Record<string, string> = {};
  // Every third shopper buys the kettle (price 100, cost 60) an hour after the decision; h0's order is refunded in full.
  const buyers = Array.from({ length: n }, (_, i) => `h${i}`).filter((_, i) => i % 3 === 0);
  beforeAll(async () => {
    s = await startTestServer({ clock, brain: { globalHoldoutPct: 50 } });
    await s.api('POST', '/v1/catalog/products', { products: [{ id: 'p1', title: 'Kettle', price: 100, cost: 60, currency: 'USD', availability: 'in_stock' }] });
    await s.braid.catalogCache.refresh();
    // h1 bought before (a pre-period order: lifecycle "new", CUPED covariate).
    await s.api('POST', '/v1/batch', { batch: [
      ...Array.from({ length: n }, (_, i) => ({ type: 'identify', userId: `h${i}`, messageId: `id-${i}`, timestamp: new Date(T0 - 2 * DAY).toISOString() })),
      { type: 'track', userId: 'h1', event: 'Order Completed', messageId: 'pre-h1', timestamp: new Date(T0 - DAY).toISOString(), properties: { order_id: 'pre-h1', revenue: 80, products: [{ product_id: 'p1', price: 80, quantity: 1 }] } },
    ] }, s.basic);
    await s.braid.profiles.waitForProjection();
    for (let i = 0; i < n; i++) {
      const r = await s.api('POST', '/v1/decide', { ref: `userId:h${i}`, placement: 'home_hero' });
      expect(r.status).toBe(200);
      groups[`h${i}`] = r.body.assignment.group;
    }
    clock.advance(H);
    await s.api('POST', '/v1/batch', { batch: [
      ...buyers.map((u) => ({ type: 'track', userId: u, event: 'Order Completed', messageId: `ho-${u}`, properties: { order_id: `ho-${u}`, revenue: 100, products: [{ product_id: 'p1', price: 100, quantity: 1 }] } })),
      { type: 'track', userId: 'h0', event: 'Order Refunded', messageId: 'rf-h0', properties: { order_id: 'ho-h0', total: 100 } },
    ] }, s.basic);
    await s.braid.profiles.waitForProjection();
    clock.advance(H);
  });
  afterAll(async () => { await s.close(); });

  const isControl = (u: string) => groups[u] === 'control';
  const period = () => `since=${new Date(T0 - 1000).toISOString()}&until=${new Date(clock.now()).toISOString()}`;

  it('compares the global control group with treated shoppers per shopper decided for, with the groups the decisions logged', async () => {
    const r = await s.api('GET', `/v1/reports/placements/home_hero?${period()}`);
    expect(r.status).toBe(200);
    const control = Object.keys(groups).filter(isControl).length;
    expect(r.body.placement).toBe('home_hero');
    expect(r.body.units).toEqual({ total: n, treated: n - control, holdout: control });
    expect(r.body.expectedHoldoutShare).toBe(0.5);
    const metric = (m: string) => (r.body.metrics as Metric[]).find((x) => x.metric === m)!;
    const arm = (m: string, a: string) => metric(m).arms.find((x) => x.arm === a)!.mean;
    const ids = Object.keys(groups);
    const rate = (ctl: boolean) => buyers.filter((u) => isControl(u) === ctl).length / ids.filter((u) => isControl(u) === ctl).length;
    expect(arm('converted', 'holdout')).toBeCloseTo(rate(true), 12);
    expect(arm('converted', 'treated')).toBeCloseTo(rate(false), 12);
    // Contribution per shopper: 40 per kept order; h0's refunded order keeps its conversion but earns nothing.
    const kept = (ctl: boolean) => buyers.filter((u) => u !== 'h0' && isControl(u) === ctl).length / ids.filter((u) => isControl(u) === ctl).length;
    expect(arm('contribution', 'treated')).toBeCloseTo(kept(false) * 40, 9);
    expect(arm('contribution', 'holdout')).toBeCloseTo(kept(true) * 40, 9);
    expect(metric('aov').kind).toBe('ratio');
    expect(arm('messages', 'treated')).toBe(0);
    expect(r.body.srm.pValue).toBeGreaterThan(0);
    const lift = metric('contribution').comparisons[0]!.absolute.estimate;
    expect(r.body.incremental.contributionPerShopper.estimate).toBeCloseTo(lift, 9);
    expect(r.body.incremental.contributionTotal.estimate).toBeCloseTo(lift * (n - control), 6);
    expect(r.body.incremental.costPerIncrementalContribution === null || typeof r.body.incremental.costPerIncrementalContribution === 'number').toBe(true);
    expect(r.body.incremental.contributionPerShopperCuped).not.toBeNull();
  });

  it('reports per cohort, measured at the first decision', async () => {
    const r = await s.api('GET', `/v1/reports/placements/home_hero?${period()}&cohort=lifecycle`);
    expect(r.status).toBe(200);
    expect(r.body.cohorts.map((c: { cohort: string; units: { total: number } }) => [c.cohort, c.units.total])).toEqual([['new', 1], ['prospect', n - 1]]);
  });

  it('answers at the older address with the same body, and names bad fields', async () => {
    const a = await s.api('GET', `/v1/reports/placements/home_hero?${period()}`);
    const b = await s.api('GET', `/v1/reports/holdout?placement=home_hero&${period()}`);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    // Default period of the older address: the last 30 days.
    expect((await s.api('GET', '/v1/reports/holdout?placement=home_hero')).body.units.total).toBe(n);
    const bad = await s.api('GET', '/v1/reports/holdout?placement=home_hero&since=2026-11-03T00:00:00Z&until=2026-11-01T00:00:00Z');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('since');
    expect((await s.api('GET', '/v1/reports/placements/home_hero?cohort=zodiac')).status).toBe(400);
    // A placement nobody saw: an empty report, not an error.
    expect((await s.api('GET', '/v1/reports/placements/nowhere')).body.units.total).toBe(0);
  });

  it('draws the console lift chart from the same numbers: the last window is the whole report', async () => {
    const lift = await s.api('GET', '/v1/console/lift?placement=home_hero&weeks=2');
    expect(lift.status).toBe(200);
    const [first, last] = lift.body.points;
    expect(first).toMatchObject({ units: 0, lift: null });
    expect(last.units).toBe(n);
    const now = clock.now();
    const report = await s.api('GET', `/v1/reports/placements/home_hero?since=${new Date(now - 14 * DAY).toISOString()}&until=${new Date(now).toISOString()}`);
    const cmp = (report.body.metrics as Metric[]).find((m) => m.metric === 'contribution')!.comparisons[0]!.absolute;
    expect(last.lift.estimate).toBeCloseTo(cmp.estimate, 6);
    expect(last.lift.ciLow).toBeCloseTo(cmp.ciLow, 6);
    expect(last.lift.ciHigh).toBeCloseTo(cmp.ciHigh, 6);
    expect(last.control).toBe(report.body.units.holdout);
    const series = await s.api('GET', `/v1/reports/placements/home_hero/series?since=${new Date(now - 14 * DAY).toISOString()}&until=${new Date(now).toISOString()}&bucket=week`);
    expect(series.status).toBe(200);
    expect(series.body.points.at(-1).cumulative.contributionPerShopper.estimate).toBeCloseTo(cmp.estimate, 6);
    const quiet = await s.api('GET', '/v1/console/lift?placement=nowhere&weeks=3');
    expect(quiet.body.points.map((p: { units: number; lift: unknown }) => [p.units, p.lift])).toEqual([[0, null], [0, null], [0, null]]);
  });
});
