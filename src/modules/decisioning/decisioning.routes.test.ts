import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_KEYS, type TestServer } from '../../testing/server.ts';

let s: TestServer;
let n = 0;
const api = (method: string, path: string, body?: unknown, auth?: string) => s.api(method, path, body, auth);
const batch = async (messages: Array<Record<string, unknown>>) => {
  const r = await api('POST', '/v1/batch', { batch: messages.map((m) => ({ messageId: `dr-${n++}`, ...m })) }, s.basic);
  expect(r.status).toBe(200);
  await s.braid.profiles.waitForProjection();
};
const decide = (body: unknown, auth?: string) => api('POST', '/v1/decide', body, auth);

// The real clock, which one test moves past the attribution window.
let skewMs = 0;
const clock = { now: () => Date.now() + skewMs };

beforeAll(async () => {
  s = await startTestServer({ clock, brain: { globalHoldoutPct: 0, exploration: 0 } });
  expect((await api('PUT', '/v1/catalog/locations', { locations: [{ id: 'store_a', name: 'Store A', type: 'store' }] })).status).toBe(200);
  const products = [1, 2, 3, 4, 5, 6].map((i) => ({ id: `p${i}`, title: `Product ${i}`, category: 'Home', price: 40 + i * 10, cost: 15 + i * 3, currency: 'USD' }));
  products.push({ id: 'p_oos', title: 'Sold out', category: 'Home', price: 500, cost: 50, currency: 'USD' });
  expect((await api('POST', '/v1/catalog/products', { products })).status).toBe(200);
  const stock = [1, 2, 3, 4, 5, 6].map((i) => ({ variantId: `p${i}`, locationId: 'store_a', quantity: i === 2 ? 0 : 5 }));
  stock.push({ variantId: 'p_oos', locationId: 'store_a', quantity: 0 });
  expect((await api('PUT', '/v1/catalog/inventory', { updates: stock })).status).toBe(200);
  expect((await api('PUT', '/v1/offers/o10', { id: 'o10', name: '10% off', kind: 'percent_off', value: 10 })).status).toBe(200);
  expect((await api('PUT', '/v1/offers/o40', { id: 'o40', name: '40% off', kind: 'percent_off', value: 40 })).status).toBe(200);
  await s.braid.catalogCache.refresh();
  await batch([
    { type: 'identify', userId: 'u1', traits: { email: 'u1@example.com' }, timestamp: new Date().toISOString() },
    { type: 'track', userId: 'u1', event: 'Product Added', properties: { product_id: 'p1', price: 50, quantity: 1, cart_id: 'c1' } },
    { type: 'track', userId: 'u1', event: 'Coupon Entered', properties: { coupon_id: 'X' } },
    { type: 'identify', userId: 'u2', traits: { email: 'u2@example.com', health: 'diabetic' } },
  ]);
  expect((await api('PUT', '/v1/profiles/userId:u2/consent', { purposes: { personalization: 'denied' } })).status).toBe(200);
});
afterAll(async () => { await s.close(); });

describe('POST /v1/decide', () => {
  it('decides for a known shopper with propensities, reasons and a logged explanation', async () => {
    const r = await decide({
      ref: 'userId:u1', placement: 'cart_nudge', count: 2,
      context: { device: 'mobile', store: 'store_a', timezone: 'America/New_York' }, candidates: { productIds: ['p2', 'p3', 'p4', 'p_oos'] },
    });
    expect(r.status).toBe(200);
    const d = r.body;
    expect(d.decisionId).toMatch(/^dec_/);
    expect(d.actions.length).toBeGreaterThan(0);
    for (const a of d.actions) {
      expect(['recommend', 'reassure', 'incentivize', 'loyalty_perk', 'none']).toContain(a.type);
      expect(a.propensity).toBeGreaterThan(0);
      expect(a.propensity).toBeLessThanOrEqual(1);
      expect(a.productIds).not.toContain('p2'); // out of stock at store_a
      expect(a.productIds).not.toContain('p_oos');
    }
    expect(d.reasons.consent.personalization).toBe(true);
    expect(d.reasons.removed).toEqual(expect.arrayContaining([
      expect.objectContaining({ key: 'offer:o40', rule: 'max_depth' }),
      expect.objectContaining({ key: 'product:p2', rule: 'out_of_stock' }),
    ]));
    expect(d.assignment).toMatchObject({ group: 'treatment', personalized: true });
    expect(d.modelVersion).toBeTruthy();
    expect(d.policyVersion).toMatch(/^pol_/);

    const e = await api('GET', `/v1/decisions/${d.decisionId}`);
    expect(e.status).toBe(200);
    expect(e.body.explanation.features).toMatchObject({ bias: 1, has_cart: 1, mobile: 1, personalized: 1 });
    expect(e.body.explanation.candidates.length).toBeGreaterThan(3);
    const list = await api('GET', '/v1/profiles/userId:u1/decisions');
    expect(list.body.items.map((x: any) => x.decisionId)).toContain(d.decisionId);
  });

  it('falls back to non-personal defaults without personalization consent, and never logs sensitive traits', async () => {
    const r = await decide({ ref: 'userId:u2', placement: 'home_hero' });
    expect(r.status).toBe(200);
    expect(r.body.reasons.consent.personalization).toBe(false);
    expect(r.body.assignment.personalized).toBe(false);
    expect(r.body.reasons.policy.join(' ')).toMatch(/no personalization consent/);
    const e = await api('GET', `/v1/decisions/${r.body.decisionId}`);
    expect(JSON.stringify(e.body)).not.toMatch(/diabetic/);
    expect(e.body.explanation.features.personalized).toBeUndefined();
  });

  it('serves an unknown visitor, checks keys, and names bad fields', async () => {
    const anon = await decide({ ref: 'brand-new-visitor', placement: 'home_hero' }, 'Bearer ' + TEST_KEYS.decideKey);
    expect(anon.status).toBe(200);
    expect(anon.body.profileId).toBeNull();
    expect((await decide({ ref: 'x', placement: 'home_hero' }, s.basic)).status).toBe(401);
    expect((await api('GET', '/v1/models', undefined, 'Bearer ' + TEST_KEYS.decideKey)).status).toBe(401);
    const bad = await decide({ ref: 'x', placement: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('placement');
    const bad2 = await decide({ ref: 'x', placement: 'home_hero', count: 0 });
    expect(bad2.status).toBe(400);
    expect(bad2.body.error.field).toBe('count');
  });

  it('keeps the promise of the creative that brought the shopper, unless a guardrail forbids it', async () => {
    expect((await api('PUT', '/v1/creatives/cr1', { offerIds: ['o10'], productIds: ['p3'] })).status).toBe(200);
    const r = await decide({ ref: 'userId:u1', placement: 'home_hero', count: 2, context: { source: { creativeId: 'cr1' }, store: 'store_a' } });
    expect(r.status).toBe(200);
    expect(r.body.reasons.continuity.source).toBe('creative:cr1');
    expect(r.body.reasons.continuity.kept).toEqual(expect.arrayContaining(['product:p3']));
    expect(r.body.actions[0].why).toMatch(/continuity/);
    expect(r.body.actions.flatMap((a: any) => a.productIds)).toContain('p3');
    // the product sells out: the promise is dropped and the reasons say why
    await api('PUT', '/v1/catalog/inventory', { updates: [{ variantId: 'p3', locationId: 'store_a', quantity: 0 }] });
    await s.braid.catalogCache.refresh();
    const r2 = await decide({ ref: 'userId:u1', placement: 'home_hero', count: 2, context: { source: { creativeId: 'cr1' }, store: 'store_a' } });
    expect(r2.body.reasons.continuity.dropped).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'product:p3', rule: 'out_of_stock' })]));
    expect(r2.body.actions.flatMap((a: any) => a.productIds)).not.toContain('p3');
  });

  it('joins views, clicks and orders to the decision and rewards it with contribution margin', async () => {
    const r = await decide({ ref: 'userId:u1', placement: 'pdp_modules', context: { page: { productId: 'p4' } } });
    expect(r.body.actions.length).toBe(6); // every module, ordered
    const id = r.body.decisionId;
    await batch([
      { type: 'track', userId: 'u1', event: 'Decision Viewed', properties: { decisionId: id } },
      { type: 'track', userId: 'u1', event: 'Decision Clicked', properties: { decisionId: id } },
      { type: 'track', userId: 'u1', event: 'Order Completed', properties: { order_id: 'ord-1', revenue: 80, discount: 5, products: [{ product_id: 'p4', price: 80, quantity: 1 }] } },
    ]);
    await s.braid.decisioning.learner.settle();
    const e = await api('GET', `/v1/decisions/${id}`);
    expect(e.body.outcome.viewedAt).toBeTruthy();
    expect(e.body.outcome.clickedAt).toBeTruthy();
    expect(e.body.outcome.orderId).toBe('ord-1');
    expect(e.body.outcome.reward).toBe(80 - 27 - 5); // revenue - COGS (p4 costs 27) - discount
    // Censoring: the conversion is learned when the decision's window closes, not before.
    const before = (await api('GET', '/v1/models')).body.updates;
    skewMs = 8 * 24 * 3_600_000; // past the 7-day window
    try {
      expect(await s.braid.decisioning.learner.sweep()).toBeGreaterThan(0);
    } finally { skewMs = 0; }
    const m = await api('GET', '/v1/models');
    expect(m.body.updates).toBeGreaterThan(before);
    expect((await api('GET', `/v1/decisions/${id}`)).body.outcome.reward).toBe(80 - 27 - 5); // the positive stays
  });
});

describe('candidate restrictions for experiments', () => {
  it('caps the discount depth (maxDepth) and, with allowNone false, chooses the one offer allowed instead of silence', async () => {
    await batch([
      { type: 'identify', userId: 'u_arm', traits: { email: 'u_arm@example.com' } },
      { type: 'track', userId: 'u_arm', event: 'Product Added', properties: { product_id: 'p1', price: 50, quantity: 1, cart_id: 'c_arm' } },
    ]);
    const shallow = await decide({ ref: 'userId:u_arm', placement: 'cart_nudge', candidates: { types: ['incentivize'], maxDepth: 0.05 } });
    expect(shallow.status).toBe(200);
    expect(shallow.body.reasons.removed).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'offer:o10', rule: 'restricted' })]));
    expect(shallow.body.actions.every((a: { offerId?: string }) => a.offerId === undefined)).toBe(true);
    const forced = await decide({ ref: 'userId:u_arm', placement: 'cart_nudge', candidates: { types: ['incentivize'], offerIds: ['o10'], allowNone: false }, context: { source: { arms: { promo: 'ten' } } } });
    expect(forced.status).toBe(200);
    expect(forced.body.actions.map((a: { type: string; offerId?: string }) => [a.type, a.offerId])).toEqual([['incentivize', 'o10']]);
    expect((await api('GET', `/v1/decisions/${forced.body.decisionId}`)).body.explanation.context.source.arms).toEqual({ promo: 'ten' });
    expect((await decide({ ref: 'userId:u_arm', placement: 'cart_nudge', candidates: { maxDepth: 2 } })).status).toBe(400);
  });
});
