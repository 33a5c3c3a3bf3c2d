import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { testDeps } from '../../testing/harness.ts';
import { createRecommendations } from './index.ts';

const clock = createManualClock(Date.UTC(2026, 2, 1));
let s: TestServer;
beforeAll(async () => { s = await startTestServer({ clock, config: { recsRetrainMinutes: 0 } }); });
afterAll(async () => { await s.close(); });

const DAY = 86_400_000;
let n = 0;
const at = (daysAgo: number) => new Date(clock.now() - daysAgo * DAY).toISOString();
async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(s.url + path, { method, headers: { authorization: s.bearer, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() as any };
}
async function ingest(messages: Array<Record<string, unknown>>) {
  const res = await fetch(s.url + '/v1/batch', { method: 'POST', headers: { authorization: s.basic, 'content-type': 'application/json' }, body: JSON.stringify({ batch: messages.map((m) => ({ messageId: `rt-${n++}`, ...m })) }) });
  expect(res.status).toBe(200);
}
let orders = 0;
const order = (userId: string, daysAgo: number, ...ids: string[]) => ({
  type: 'track', userId, event: 'Order Completed', timestamp: at(daysAgo),
  properties: { order_id: `o-${orders++}`, currency: 'GBP', products: ids.map((id) => ({ product_id: id, price: 10, quantity: 1 })) },
});

describe('recommendations over HTTP', () => {
  beforeAll(async () => {
    const products = [
      { id: 'tent', title: 'Tent', price: 300, cost: 210, currency: 'GBP', brand: 'Alp', productType: 'Camping > Tents' },
      { id: 'stakes', title: 'Tent stakes', price: 20, cost: 12, currency: 'GBP', brand: 'Alp', productType: 'Camping > Accessories' },
      { id: 'gas', title: 'Gas canister', price: 8, cost: 5, currency: 'GBP', brand: 'Fuel', productType: 'Camping > Fuel', attributes: { replenishment_days: 30 } },
      { id: 'mug', title: 'Camp mug', price: 12, cost: 4, currency: 'GBP', brand: 'Alp', productType: 'Kitchen' },
      { id: 'lamp', title: 'Lamp', price: 40, currency: 'GBP', brand: 'Lux', productType: 'Lighting' },
    ];
    expect((await call('POST', '/v1/catalog/products', { products })).status).toBe(200);
    const msgs: Array<Record<string, unknown>> = [];
    for (const u of ['c1', 'c2', 'c3', 'c4']) msgs.push(order(u, 100, 'tent', 'stakes', 'gas'), order(u, 70, 'gas'), order(u, 40, 'gas', 'mug'));
    msgs.push(order('c5', 3, 'lamp'), order('c6', 2, 'lamp', 'mug'));
    msgs.push({ type: 'identify', userId: 'private', traits: { consent: { personalization: false } }, timestamp: at(200) }, order('private', 100, 'tent', 'stakes', 'gas'));
    msgs.push({ type: 'track', anonymousId: 'v1', event: 'Product Viewed', properties: { product_id: 'tent' }, timestamp: at(1) });
    msgs.push({ type: 'track', anonymousId: 'v1', event: 'Product Viewed', properties: { product_id: 'lamp' }, timestamp: at(1) });
    await ingest(msgs);
    await s.braid.profiles.waitForProjection(5000);
  });

  it('retrains on demand and stores the model', async () => {
    clock.advance(60_000); // after the (empty) model trained at start
    const r = await call('POST', '/v1/recommendations/retrain');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ trained: true, stats: { shoppers: 7, items: 5, views: 2 } });
    expect(r.body.version).toMatch(/^rec_/);
    expect(r.body.modelBytes).toBeGreaterThan(0);
    const st = await call('GET', '/v1/recommendations/status');
    expect(st.body).toMatchObject({ version: r.body.version, retraining: false });
  });

  it('answers a product page with what is bought together, priced with unit margin', async () => {
    const r = await call('GET', '/v1/recommendations?placement=cart&productIds=tent&count=2');
    expect(r.status).toBe(200);
    expect(r.body.personalized).toBe(false);
    expect(r.body.items.map((i: any) => i.productId).sort()).toEqual(['gas', 'stakes']);
    expect(r.body.items.find((i: any) => i.productId === 'stakes')).toMatchObject({ price: 20, margin: 8, source: 'co_purchase', variantId: 'stakes' });
  });

  it('personalizes with consent: a refill is due, owned durable goods are not shown again', async () => {
    const r = await call('GET', '/v1/recommendations?ref=userId:c1&count=3');
    expect(r.status).toBe(200);
    expect(r.body.personalized).toBe(true);
    const got = r.body.items.map((i: any) => i.productId);
    expect(got).not.toContain('tent');
    expect(got).not.toContain('stakes');
    expect(r.body.items.find((i: any) => i.productId === 'gas')?.source).toBe('replenishment');
  });

  it('does not personalize without personalization consent', async () => {
    const r = await call('GET', '/v1/recommendations?ref=userId:private&strategy=replenishment&count=3');
    expect(r.body.personalized).toBe(false);
    expect(r.body.items.some((i: any) => i.source === 'replenishment')).toBe(false);
  });

  it('re-ranks search results, sinking owned durable goods and leaving out unknown ids', async () => {
    const r = await call('POST', '/v1/recommendations/rerank', { ref: 'userId:c1', productIds: ['tent', 'nope', 'mug', 'lamp'] });
    expect(r.status).toBe(200);
    // c1 owns the tent and a mug (durable): both sink, in their original order
    expect(r.body.items.map((i: any) => [i.productId, i.reason])).toEqual([['lamp', 'ranked for you'], ['tent', 'already bought'], ['mug', 'already bought']]);
    const viaGet = await call('GET', '/v1/recommendations?placement=plp_sort&productIds=tent,mug,lamp');
    expect(viaGet.body.items).toHaveLength(3);
  });

  it('sees a new order at once, without retraining', async () => {
    const before = await call('POST', '/v1/recommendations/rerank', { ref: 'userId:c6', productIds: ['tent', 'stakes'] });
    expect(before.body.items.map((i: any) => i.reason)).not.toContain('already bought');
    const version = s.braid.recommendations.modelVersion();
    await ingest([order('c6', 0, 'tent')]);
    await s.braid.profiles.waitForProjection(5000);
    const after = await call('POST', '/v1/recommendations/rerank', { ref: 'userId:c6', productIds: ['tent', 'stakes'] });
    expect(after.body.items.map((i: any) => [i.productId, i.reason])).toEqual([['stakes', 'ranked for you'], ['tent', 'already bought']]);
    expect(s.braid.recommendations.modelVersion()).toBe(version);
  });

  it('names the offending field of a bad request', async () => {
    expect((await call('GET', '/v1/recommendations?count=0')).body.error).toMatchObject({ code: 'invalid_request', field: 'count' });
    expect((await call('GET', '/v1/recommendations?strategy=magic')).body.error.field).toBe('strategy');
    expect((await call('GET', '/v1/recommendations?placement=search_rerank')).body.error.field).toBe('productIds');
    expect((await call('POST', '/v1/recommendations/rerank', { productIds: [] })).body.error.field).toBe('productIds');
    expect((await call('GET', '/v1/recommendations?ref=userId:nobody')).status).toBe(404);
    expect((await fetch(s.url + '/v1/recommendations')).status).toBe(401);
  });

  it('lets another process share the stored model instead of training', async () => {
    const stored = s.braid.recommendations.modelVersion();
    const other = createRecommendations(testDeps(s.db.db, clock, { recsRetrainMinutes: 0 }), {
      catalog: s.braid.catalogCache, profiles: s.braid.profiles, consent: s.braid.consent, events: s.braid.events,
    });
    await other.start();
    expect(other.modelVersion()).toBe(stored);
    expect(other.status().shoppers).toBeGreaterThanOrEqual(7);
    expect(other.recommend({ productIds: ['tent'], strategy: 'co_purchase', count: 1 })[0]!.source).toBe('co_purchase');
    await other.stop();
  });
});
