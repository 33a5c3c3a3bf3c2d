/**
 * Report snapshots over HTTP on a real Braid with snapshots on (BRAID_REPORT_REFRESH_SECONDS 300)
 * and a manual clock: the console's reports carry `asOf`, a stored body equals the live one,
 * `?fresh=true` recomputes, asOf advances with the clock, a second Braid instance on the same
 * database serves the first one's snapshot, and a bad `fresh` is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { createBraid, type Braid } from '../../app/app.ts';
import { startTestServer, TEST_KEYS, type TestServer } from '../../testing/server.ts';
import { ingestAt, seedBootStore, settleJourneys } from '../../testing/journeys.ts';

const T0 = Date.parse('2026-06-10T15:00:00Z');
const HOUR = 3_600_000;
const clock = createManualClock(T0);
let s: TestServer;
let second: Braid | undefined;

const WORKER = {
  id: 'wkr_snap', name: 'Snap', status: 'on', holdoutPct: 40, goal: { event: 'Order Completed' },
  trigger: { type: 'event', event: 'Checkout Started' }, entry: { reentry: 'never' },
  steps: [{ id: 'pick', type: 'decide', placement: 'email_cart_recovery' }, { id: 'w', type: 'wait', duration: '1d' }],
};
const users = Array.from({ length: 30 }, (_, i) => `s_${i}`);
const order = (u: string, k: string, revenue: number) => ({ type: 'track', userId: u, event: 'Order Completed', properties: { order_id: k, revenue, products: [{ product_id: 'p_boot', price: revenue, quantity: 1 }] } });
const without = ({ asOf: _a, ...rest }: Record<string, unknown>) => rest;

beforeAll(async () => {
  s = await startTestServer({ clock, config: { reportRefreshSeconds: 300 }, brain: { globalHoldoutPct: 20, attributionWindowHours: 48 } });
  await seedBootStore(s, 1000);
  expect((await s.api('POST', '/v1/workers', WORKER)).status).toBe(201);
  await ingestAt(s, clock, users.flatMap((u) => [
    { type: 'identify', userId: u, traits: { email: `${u}@example.com` } },
    { type: 'track', userId: u, event: 'Checkout Started', properties: { products: [{ product_id: 'p_boot', price: 120, quantity: 1 }] } },
  ]));
  await settleJourneys(s);
  clock.set(T0 + 2 * HOUR);
  await ingestAt(s, clock, users.filter((_, i) => i % 3 === 0).map((u) => order(u, `o_${u}`, 120)));
  await settleJourneys(s);
  clock.set(T0 + 3 * HOUR);
}, 120_000);
afterAll(async () => { await second?.close(); await s?.close(); });

describe('report snapshots over HTTP', () => {
  it('serves the stored body (equal to the live one) with asOf, recomputes with fresh=true and once old', async () => {
    const first = (await s.api('GET', '/v1/reports/overview')).body;
    expect(first.asOf).toBe(new Date(T0 + 3 * HOUR).toISOString());
    expect(first.units.total).toBeGreaterThan(0);
    const fresh = (await s.api('GET', '/v1/reports/overview?fresh=true')).body;
    expect(without(fresh)).toEqual(without(first));
    // New orders: the snapshot stays what it was until it is old or asked fresh.
    clock.advance(60_000);
    await ingestAt(s, clock, users.filter((_, i) => i % 3 === 1).map((u) => order(u, `p_${u}`, 80)));
    await settleJourneys(s);
    const served = (await s.api('GET', '/v1/reports/overview')).body;
    expect(served.asOf).toBe(first.asOf);
    expect(without(served)).toEqual(without(first));
    const live = (await s.api('GET', '/v1/reports/overview?fresh=true')).body;
    expect(live.asOf).toBe(new Date(clock.now()).toISOString());
    expect(live.metrics).not.toEqual(first.metrics);
    expect((await s.api('GET', '/v1/reports/overview')).body).toEqual(live); // fresh stored it
    clock.advance(301_000);
    const later = (await s.api('GET', '/v1/reports/overview')).body;
    expect(later.asOf).toBe(new Date(clock.now()).toISOString());
    expect(without(later)).toEqual({ ...without(live), since: later.since, until: later.until }); // same data, a later default period
  });

  it('gives asOf on every report the console opens', async () => {
    for (const path of ['/v1/reports/workers', '/v1/reports/workers/wkr_snap', '/v1/reports/workers/wkr_snap/series?bucket=day', '/v1/reports/workers/_all/series?bucket=week',
      '/v1/reports/placements/email_cart_recovery', '/v1/reports/placements/email_cart_recovery/series', '/v1/console/lift?placement=email_cart_recovery&weeks=8']) {
      const r = await s.api('GET', path);
      expect(r.status, path).toBe(200);
      expect(r.body.asOf, path).toBe(new Date(clock.now()).toISOString());
      const again = await s.api('GET', path.includes('?') ? `${path}&fresh=true` : `${path}?fresh=true`);
      expect(again.body, path).toEqual(r.body);
    }
  });

  it('the refresher recomputes a served series before it grows old, over the period up to its own asOf', async () => {
    const path = '/v1/reports/workers/wkr_snap/series?bucket=day';
    const first = (await s.api('GET', path)).body;
    expect(first.until).toBe(new Date(clock.now() + 1).toISOString());
    clock.advance(240_000); // past 3/4 of the interval
    expect(await s.braid.reportSnapshots.refreshStale()).toBeGreaterThanOrEqual(1);
    const later = (await s.api('GET', path)).body;
    expect(later.asOf).toBe(new Date(clock.now()).toISOString());
    expect(later.until).toBe(new Date(clock.now() + 1).toISOString()); // not the first request's period
    expect(later.points.length).toBeGreaterThanOrEqual(first.points.length);
  });

  it('a second Braid instance on the same database serves the first one\'s snapshot', async () => {
    const first = (await s.api('GET', '/v1/reports/workers/wkr_snap?cohort=lifecycle')).body;
    clock.advance(10_000);
    second = await createBraid({ config: s.braid.config, keys: TEST_KEYS, db: s.db.db, clock });
    const res = await second.http.inject({ method: 'GET', url: '/v1/reports/workers/wkr_snap?cohort=lifecycle', headers: { authorization: `Bearer ${TEST_KEYS.adminKey}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(first);
    expect(res.json().asOf).toBe(new Date(clock.now() - 10_000).toISOString());
  });

  it('answers 400 naming the field for a bad fresh value and for too many buckets, with or without a period', async () => {
    for (const path of ['/v1/reports/overview?fresh=maybe', '/v1/reports/workers?fresh=2', '/v1/reports/workers/wkr_snap/series?fresh=yes', '/v1/console/lift?placement=x&fresh=nope']) {
      const r = await s.api('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.field, path).toBe('fresh');
    }
    const since = new Date(clock.now() - 100 * 24 * HOUR).toISOString();
    for (const path of [`/v1/reports/workers/wkr_snap/series?bucket=hour&since=${since}`, `/v1/reports/placements/email_cart_recovery/series?bucket=hour&since=${since}`, '/v1/reports/workers/wkr_snap/series?bucket=hour']) {
      const r = await s.api('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.field, path).toBe('bucket');
    }
  });
});
