import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, parseConfig, systemClock } from '../core/index.ts';
import { TEST_DATABASE_URL } from '../testing/harness.ts';
import { startTestBraid, TEST_KEYS, type TestBraid } from '../testing/braid.ts';
import { createBraid } from './app.ts';
import { DEMO_PRODUCTS, DEMO_SHOPPERS, seedDemoIfEmpty } from './demo-seed.ts';

describe('seedDemoIfEmpty', () => {
  let t: TestBraid;
  let result: Record<string, number> | undefined;
  let seconds = 0;
  beforeAll(async () => {
    t = await startTestBraid({ background: false });
    const started = performance.now();
    // Two concurrent calls: exactly one seeds.
    const [a, b] = await Promise.all([seedDemoIfEmpty(t.braid), seedDemoIfEmpty(t.braid)]);
    seconds = (performance.now() - started) / 1000;
    expect([a, b].filter((r) => r !== undefined)).toHaveLength(1);
    result = a ?? b;
  });
  afterAll(async () => { await t?.close(); });

  it('fills an empty instance with the demo store in seconds', async () => {
    expect(result).toMatchObject({ locations: 3, products: DEMO_PRODUCTS, shoppers: DEMO_SHOPPERS });
    expect(result!.variants).toBeGreaterThan(DEMO_PRODUCTS);
    expect(result!.events).toBeGreaterThan(30_000);
    expect(await t.braid.catalog.countProducts()).toBe(DEMO_PRODUCTS);
    expect(await t.braid.events.headSeq()).toBe(result!.events);
    expect((await t.braid.catalog.listLocations()).map((l) => l.type).sort()).toEqual(['online', 'store', 'store']);
    // Generous for a loaded CI machine; about 5 s on an idle laptop.
    expect(seconds).toBeLessThan(60);
  });

  it('prices orders over the whole simulated history', async () => {
    const [order] = await t.braid.events.readAfter(0, 5000).then((ms) => ms.filter((m) => m.event === 'Order Completed'));
    const line = (order!.properties!.products as Array<{ sku: string }>)[0]!;
    const price = await t.braid.catalog.priceAt(line.sku, Date.parse(order!.timestamp));
    expect(price?.cost).toBeGreaterThan(0);
  });

  it('leaves a non-empty instance alone', async () => {
    expect(await seedDemoIfEmpty(t.braid)).toBeUndefined();
    const other = await startTestBraid({ background: false });
    try {
      await other.braid.events.ingest([{ type: 'track', event: 'Hello', userId: 'u1' }]);
      expect(await seedDemoIfEmpty(other.braid)).toBeUndefined();
      expect(await other.braid.catalog.countProducts()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('projects into profiles with merged identities, orders and consent', async () => {
    t.braid.startBackground();
    while (!(await t.braid.profiles.waitForProjection(60_000))) { /* catching up */ }
    const r = await t.braid.db.query<{ users: number; merges: number; orders: number }>(
      `select (select count(*) from identities where type = 'user_id') as users,
              (select count(*) from profile_merges) as merges,
              (select count(*) from orders) as orders`);
    expect(r.rows[0]!.users).toBeGreaterThan(DEMO_SHOPPERS * 0.6);
    expect(r.rows[0]!.merges).toBeGreaterThan(100);
    expect(r.rows[0]!.orders).toBeGreaterThan(1000);
    const res = await t.braid.http.inject({ method: 'GET', url: '/v1/profiles/userId:cus_00002', headers: { authorization: `Bearer ${t.braid.keys.adminKey}` } });
    expect(res.statusCode).toBe(200);
    const p = res.json() as { identities: Array<{ type: string }>; consent: Record<string, unknown> };
    expect(p.identities.map((i) => i.type)).toEqual(expect.arrayContaining(['user_id', 'email', 'anonymous_id']));
    expect(p.consent).toHaveProperty('email_marketing');
  });
});

describe('seedDemoIfEmpty with two processes on one Postgres', () => {
  it.skipIf(!TEST_DATABASE_URL)('seeds once: the advisory lock makes the second wait, re-check and skip', async () => {
    const first = await startTestBraid({ background: false });
    // A second Braid on the same schema, as another process would be.
    const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: first.schema, clock: systemClock });
    const second = await createBraid({ config: parseConfig({}, { demo: false, logLevel: 'warn' }), keys: { ...TEST_KEYS }, db });
    try {
      const results = await Promise.all([seedDemoIfEmpty(first.braid), seedDemoIfEmpty(second)]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect(await first.braid.catalog.countProducts()).toBe(DEMO_PRODUCTS);
    } finally {
      await second.close(); // does not close a database it was given
      await db.close();
      await first.close();
    }
  });
});
