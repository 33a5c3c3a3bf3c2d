import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { buildLiftPoints, type LiftBucket } from './index.ts';

const DAY = 86_400_000;

describe('placement lift windows (pure)', () => {
  it('sums buckets cumulatively and leaves a window without both arms null', () => {
    const b = (arm: LiftBucket['arm'], bucket: number, xs: number[]): LiftBucket => ({ arm, bucket, n: xs.length, sum: xs.reduce((a, x) => a + x, 0), sumSq: xs.reduce((a, x) => a + x * x, 0) });
    const buckets = [b('treatment', 0, [10, 0, 20]), b('treatment', 1, [30, 0]), b('control', 1, [0, 5, 10])];
    const points = buildLiftPoints(buckets, [7 * DAY, 14 * DAY, 21 * DAY], 10);
    expect(points.map((p) => [p.units, p.treated, p.control])).toEqual([[3, 3, 0], [8, 5, 3], [8, 5, 3]]);
    expect(points[0]!.lift).toBeNull();
    // treated mean 60/5 = 12, control mean 15/3 = 5
    expect(points[1]!.lift!.estimate).toBeCloseTo(7, 12);
    expect(points[1]!.lift!.ciLow).toBeLessThan(7);
    expect(points[2]).toEqual({ ...points[1], until: new Date(21 * DAY).toISOString() });
    expect(buildLiftPoints(buckets, [7 * DAY, 14 * DAY], 0)[1]!.lift).toBeNull();
  });
});

describe('GET /v1/console/lift', () => {
  const T0 = Date.UTC(2026, 10, 2, 12);
  const clock = createManualClock(T0);
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ clock, brain: { globalHoldoutPct: 50 } });
    await s.api('POST', '/v1/catalog/products', { products: [{ id: 'p1', title: 'Kettle', price: 100, cost: 60, currency: 'USD', availability: 'in_stock' }] });
    await s.braid.catalogCache.refresh();
  });
  afterAll(async () => { await s.close(); });

  it('agrees with the holdout report over the same window, aggregated in SQL', async () => {
    const n = 60;
    await s.api('POST', '/v1/batch', { batch: Array.from({ length: n }, (_, i) => ({ type: 'identify', userId: `l${i}`, messageId: `lid-${i}` })) }, s.basic);
    await s.braid.profiles.waitForProjection();
    for (let i = 0; i < n; i++) expect((await s.api('POST', '/v1/decide', { ref: `userId:l${i}`, placement: 'home_hero' })).status).toBe(200);
    clock.advance(3_600_000);
    const buyers = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 0 || i % 7 === 0);
    await s.api('POST', '/v1/batch', { batch: buyers.map((i) => ({ type: 'track', userId: `l${i}`, event: 'Order Completed', messageId: `lo-${i}`, properties: { order_id: `lo-${i}`, revenue: 100 + i, discount: i % 2, products: [{ product_id: 'p1', price: 100 + i, quantity: 1 }] } })) }, s.basic);
    await s.braid.profiles.waitForProjection();
    clock.advance(3_600_000);

    const lift = await s.api('GET', '/v1/console/lift?placement=home_hero&weeks=2');
    expect(lift.status).toBe(200);
    const [first, last] = lift.body.points;
    expect(first).toMatchObject({ units: 0, lift: null });
    expect(last.units).toBe(n);
    const now = clock.now();
    const report = await s.api('GET', `/v1/reports/holdout?placement=home_hero&since=${new Date(now - 14 * DAY).toISOString()}&until=${new Date(now).toISOString()}`);
    const cmp = report.body.metrics.find((m: { metric: string }) => m.metric === 'contribution').comparisons[0].absolute;
    expect(last.lift.estimate).toBeCloseTo(cmp.estimate, 6);
    expect(last.lift.ciLow).toBeCloseTo(cmp.ciLow, 6);
    expect(last.lift.ciHigh).toBeCloseTo(cmp.ciHigh, 6);
    expect(last.control).toBe(report.body.arms.find((a: { arm: string }) => a.arm === 'control').n);
    // A placement nobody saw: every window is empty, not an error.
    const quiet = await s.api('GET', '/v1/console/lift?placement=nowhere&weeks=3');
    expect(quiet.body.points.map((p: { units: number; lift: unknown }) => [p.units, p.lift])).toEqual([[0, null], [0, null], [0, null]]);
  });
});
