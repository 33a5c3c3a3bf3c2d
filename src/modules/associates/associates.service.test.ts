import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, createManualClock, type CoreDeps, type HttpServer } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createCatalog, createCatalogCache, type CatalogCache } from '../catalog/index.ts';
import { createConsent } from '../consent/index.ts';
import { createEventLog, type EventLog } from '../events/index.ts';
import { createIdentity, type IdentityService } from '../identity/index.ts';
import { createProfiles, type ProfileService } from '../profiles/index.ts';
import { createRecommendations, type RecommendationService } from '../recommendations/index.ts';
import { createTraits, type TraitsService } from '../traits/index.ts';
import { createAssociates, registerAssociateRoutes, type NextBest } from './index.ts';

const NOW = Date.UTC(2026, 5, 10, 12);
const D = 86_400_000;
const clock = createManualClock(NOW);
const KEYS = { writeKey: 'wk_test_123456', adminKey: 'ak_test_123456' };
let t: TestDb;
let deps: CoreDeps;
let events: EventLog;
let identity: IdentityService;
let profiles: ProfileService;
let traits: TraitsService;
let cache: CatalogCache;
let recommendations: RecommendationService;
let http: HttpServer;
let n = 0;

const iso = (ms: number) => new Date(ms).toISOString();
async function send(messages: Array<Record<string, unknown>>): Promise<void> {
  await events.ingest(messages.map((m) => ({ messageId: `asc-${++n}`, timestamp: iso(clock.now()), ...m })));
  await profiles.projector.drain();
  await traits.settle();
}
const order = (userId: string, daysAgo: number, items: string[]) => ({
  type: 'track', userId, event: 'Order Completed', timestamp: iso(NOW - daysAgo * D),
  properties: { order_id: `o-${++n}`, revenue: items.length * 20, currency: 'USD', products: items.map((id) => ({ product_id: id, category: id === 'beans' ? 'Coffee' : 'Home', price: 20, quantity: 1 })) },
});
const get = async (url: string) => {
  const r = await http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${KEYS.adminKey}` } });
  return { status: r.statusCode, body: JSON.parse(r.body) as NextBest & { error: { field?: string; message: string } } };
};

beforeAll(async () => {
  t = await openTestDb(clock);
  deps = testDeps(t.db, clock);
  events = createEventLog(deps);
  identity = createIdentity(deps);
  const consent = createConsent(deps);
  const catalog = createCatalog(deps);
  profiles = createProfiles(deps, { events, identity, consent });
  traits = createTraits(deps, { profiles, events, autoRefit: false });
  traits.start();

  await catalog.upsertLocations([{ id: 'store_a', name: 'Soho', type: 'store' }, { id: 'store_b', name: 'Brooklyn', type: 'store' }]);
  const ids = ['kettle', 'beans', 'mug', 'filter', 'grinder', 'scale'];
  await catalog.upsertProducts(ids.map((id) => ({ id, title: id[0]!.toUpperCase() + id.slice(1), category: id === 'beans' ? 'Coffee' : 'Home', price: 20, cost: 8, currency: 'USD' })));
  await catalog.setStock([
    ...ids.map((id) => ({ variantId: id, locationId: 'store_a', quantity: 5 })),
    ...ids.map((id) => ({ variantId: id, locationId: 'store_b', quantity: id === 'kettle' || id === 'mug' ? 0 : 5 })),
  ]);
  cache = createCatalogCache(catalog);
  await cache.ready();

  await send([
    { type: 'identify', userId: 'ann', traits: { firstName: 'Ann', loyaltyId: 'L123', email: 'ann@example.com', health: 'diabetic' } },
    order('ann', 60, ['beans', 'filter']), order('ann', 30, ['beans']),
    { type: 'track', userId: 'ann', event: 'Product Added', properties: { product_id: 'kettle', name: 'Kettle', price: 20, quantity: 1, cart_id: 'c1' } },
    { type: 'identify', userId: 'bob', traits: { firstName: 'Bob', loyaltyId: 'L999', consent: { personalization: false } } },
    order('bob', 5, ['grinder']),
    ...['u1', 'u2', 'u3', 'u4'].map((u, i) => order(u, 10 + i, ['beans', 'mug', 'scale', 'grinder'])),
  ]);
  await traits.setPreferences((await identity.resolveRef('userId:ann'))!, { returns_anxiety: 0.9 }, 'quiz');
  recommendations = createRecommendations(deps, { catalog: cache, profiles, consent, events });
  await recommendations.start();

  const associates = createAssociates(deps, { profiles, identity, consent, traits, recommendations, catalog, catalogCache: cache });
  http = await createHttpServer({ logger: deps.log, keys: KEYS, metrics: deps.metrics, version: 'test' });
  registerAssociateRoutes(http, associates);
  await http.ready();
});
afterAll(async () => {
  await recommendations.stop();
  await traits.stop();
  cache.stop();
  await http.close();
  await t.cleanup();
});

describe('GET /v1/associate/next-best', () => {
  it('tells the associate who the customer is and what is in stock in THIS store', async () => {
    const a = await get('/v1/associate/next-best?ref=externalId:loyalty_id:L123&store=store_a');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ store: { id: 'store_a', name: 'Soho' }, personalized: true });
    expect(a.body.customer).toMatchObject({ firstName: 'Ann', lifecycle: expect.any(String), valueTier: expect.any(String), clv: expect.any(Number) });
    expect(a.body.customer!.lastOrder).toMatchObject({ at: iso(NOW - 30 * D), revenue: 20, items: 1 });
    const starters = a.body.conversationStarters;
    expect(starters).toEqual(expect.arrayContaining([
      expect.objectContaining({ basis: 'cart', productId: 'kettle', text: expect.stringMatching(/Kettle .*in stock here at Soho/) }),
      expect.objectContaining({ basis: 'replenishment', productId: 'beans', text: expect.stringMatching(/Beans about every 30 days; a refill is due/) }),
      expect.objectContaining({ basis: 'category', text: expect.stringMatching(/^Coffee/) }),
      expect.objectContaining({ basis: 'preference', preference: 'returns_anxiety', text: expect.stringMatching(/Soho takes returns easily/) }),
    ]));
    expect(a.body.recommendations.length).toBeGreaterThan(0);
    for (const r of a.body.recommendations) {
      expect(cache.inStock(r.productId, 'store_a')).toBe(true);
      expect(r.productId).not.toBe('kettle'); // already in the cart
      expect(r.why).toMatch(/in stock at this store/);
    }
    expect(JSON.stringify(a.body)).not.toMatch(/diabetic|health/);

    // the same shopper at store B, where the kettle (and the mug) are sold out
    const b = await get('/v1/associate/next-best?ref=externalId:loyalty_id:L123&store=store_b');
    expect(b.status).toBe(200);
    expect(b.body.conversationStarters.some((s) => s.basis === 'cart')).toBe(false);
    expect(b.body.conversationStarters.find((s) => s.basis === 'preference')!.text).toMatch(/Brooklyn takes returns/);
    for (const r of b.body.recommendations) expect(['kettle', 'mug']).not.toContain(r.productId);
  });

  it('is generic, and says so, without personalization consent', async () => {
    const r = await get('/v1/associate/next-best?ref=externalId:loyalty_id:L999&store=store_a');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ personalized: false, customer: null });
    expect(r.body.note).toMatch(/No personalization consent/);
    expect(r.body.conversationStarters.every((s) => s.basis === 'generic')).toBe(true);
    expect(JSON.stringify(r.body)).not.toMatch(/Bob|grinder is/);
    for (const x of r.body.recommendations) expect(cache.inStock(x.productId, 'store_a')).toBe(true);
  });

  it('names the unknown store (400) and the unknown ref (404)', async () => {
    const s = await get('/v1/associate/next-best?ref=externalId:loyalty_id:L123&store=store_zz');
    expect(s.status).toBe(400);
    expect(s.body.error.field).toBe('store');
    expect(s.body.error.message).toMatch(/store_zz/);
    const p = await get('/v1/associate/next-best?ref=externalId:loyalty_id:NOPE&store=store_a');
    expect(p.status).toBe(404);
    expect(p.body.error.message).toMatch(/externalId:loyalty_id:NOPE/);
    const missing = await get('/v1/associate/next-best?store=store_a');
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('ref');
  });
});
