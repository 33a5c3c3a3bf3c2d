import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s.close(); });

let n = 0;
const t = (sec: number) => new Date(Date.UTC(2026, 10, 1, 12, 0, sec)).toISOString();
async function batch(messages: Array<Record<string, unknown>>) {
  const res = await fetch(s.url + '/v1/batch', { method: 'POST', headers: { authorization: s.basic, 'content-type': 'application/json' }, body: JSON.stringify({ batch: messages.map((m) => ({ messageId: `pt-${n++}`, ...m })) }) });
  expect(res.status).toBe(200);
  // Reads wait at most 2 s for the projection (read-your-writes); a loaded CI machine can take longer.
  expect(await s.braid.profiles.waitForProjection(30_000)).toBe(true);
}
async function profile(ref: string) {
  const res = await fetch(s.url + '/v1/profiles/' + encodeURIComponent(ref), { headers: { authorization: s.bearer } });
  return { status: res.status, body: await res.json() as any };
}

describe('profiles over HTTP', () => {
  it('resolves one shopper across anonymousId, userId, email, phone and external ids after an identify merges them', async () => {
    await batch([
      { type: 'page', anonymousId: 'anon-1', name: 'Home', timestamp: t(1) },
      { type: 'track', anonymousId: 'anon-1', event: 'Product Viewed', properties: { product_id: 'sku-1', name: 'Boot', price: 120 }, timestamp: t(2) },
      { type: 'track', anonymousId: 'anon-1', event: 'Product Added', properties: { product_id: 'sku-1', price: 120, quantity: 1, cart_id: 'cart-1' }, timestamp: t(3) },
      { type: 'identify', userId: 'user-1', traits: { email: 'Ada@Example.com', phone: '(415) 555-0132', name: 'Ada', loyaltyId: 'L-77' }, timestamp: t(4) },
    ]);
    // now the logged-in user on the same device: anon-1 joins user-1
    await batch([{ type: 'identify', anonymousId: 'anon-1', userId: 'user-1', timestamp: t(5), context: { externalIds: [{ id: 'POS-9', type: 'posCustomerId', collection: 'users', encoding: 'none' }] } }]);
    const refs = ['userId:user-1', 'anonymousId:anon-1', 'anon-1', 'email:ada@example.com', 'phone:+14155550132', 'externalId:loyalty_id:L-77', 'externalId:pos_customer_id:POS-9'];
    const views = await Promise.all(refs.map(profile));
    const ids = new Set(views.map((v) => v.body.id));
    expect(ids.size).toBe(1);
    const p = views[0]!.body;
    expect(p.id).toMatch(/^prf_/);
    expect(p.traits).toMatchObject({ name: 'Ada', email: 'Ada@Example.com' });
    expect(p.traitSources.name).toMatchObject({ call: 'identify' });
    expect(p.cart.items).toMatchObject([{ productId: 'sku-1', quantity: 1, price: 120 }]);
    expect(p.cart.cartId).toBe('cart-1');
    expect(p.recentViews[0]).toMatchObject({ productId: 'sku-1' });
    expect(p.identities.map((i: any) => i.type).sort()).toEqual(['anonymous_id', 'email', 'external:loyalty_id', 'external:pos_customer_id', 'phone', 'user_id']);
    expect((await profile(p.id)).body.id).toBe(p.id);
    const timeline = await (await fetch(`${s.url}/v1/profiles/userId:user-1/events?limit=10`, { headers: { authorization: s.bearer } })).json() as any;
    expect(timeline.events.map((e: any) => e.name)).toEqual(['identify', 'identify', 'Product Added', 'Product Viewed', 'page']);
    const expanded = await (await fetch(`${s.url}/v1/profiles/userId:user-1/events?limit=10&expand=true`, { headers: { authorization: s.bearer } })).json() as any;
    expect(expanded.events.map((e: any) => e.event ?? e.name ?? e.type)).toEqual(['identify', 'identify', 'Product Added', 'Product Viewed', 'Home']);
    expect(expanded.events.map((e: any) => e.seq)).toEqual(timeline.events.map((e: any) => e.seq));
    expect(expanded.events[2].properties).toMatchObject({ product_id: 'sku-1', cart_id: 'cart-1' });
  });

  it('keeps all events, traits and order history of a merged profile and lists the merge', async () => {
    await batch([
      { type: 'identify', userId: 'user-2', traits: { email: 'bo@example.com', tier: 'gold' }, timestamp: t(10) },
      { type: 'track', userId: 'user-2', event: 'Order Completed', properties: { order_id: 'o-2a', revenue: 50, currency: 'EUR', products: [{ product_id: 'x', price: 50, quantity: 1 }] }, timestamp: t(11) },
      { type: 'track', anonymousId: 'tablet-2', event: 'Product Viewed', properties: { product_id: 'sku-9' }, timestamp: t(12) },
      { type: 'identify', anonymousId: 'tablet-2', traits: { email: 'BO@example.com', favoriteColor: 'green' }, timestamp: t(13) },
    ]);
    const p = (await profile('userId:user-2')).body;
    expect((await profile('anonymousId:tablet-2')).body.id).toBe(p.id);
    expect(p.traits).toMatchObject({ tier: 'gold', favoriteColor: 'green' });
    expect(p.orders).toMatchObject({ count: 1, revenue: 50, firstOrderAt: t(11), lastOrderAt: t(11) });
    expect(p.eventCount).toBe(4);
    expect(p.merges).toHaveLength(1);
    expect(p.merges[0]).toMatchObject({ intoProfile: p.id, linkedBy: expect.arrayContaining([{ type: 'email', value: 'bo@example.com' }]) });
    const merges = await (await fetch(`${s.url}/v1/profiles/userId:user-2/merges`, { headers: { authorization: s.bearer } })).json() as any;
    expect(merges.merges).toHaveLength(1);
    // the absorbed profile id still resolves to the survivor
    expect((await profile(merges.merges[0].fromProfile)).body.id).toBe(p.id);
  });

  it('flags, and does not merge, one email claimed by two userIds', async () => {
    await batch([
      { type: 'identify', userId: 'user-3', traits: { email: 'family@example.com' }, timestamp: t(20) },
      { type: 'identify', userId: 'user-4', traits: { email: 'family@example.com' }, timestamp: t(21) },
    ]);
    const a = (await profile('userId:user-3')).body, b = (await profile('userId:user-4')).body;
    expect(a.id).not.toBe(b.id);
    expect(b.conflicts[0]).toMatchObject({ identityType: 'email', identityValue: 'family@example.com', reason: expect.stringContaining('two different userIds') });
    expect((await profile('email:family@example.com')).body.id).toBe(a.id);
  });

  it('summarizes orders: count, revenue, first and last, refunds; re-sent orders count once', async () => {
    const order = (id: string, revenue: number, sec: number) => ({ type: 'track', userId: 'user-5', event: 'Order Completed', properties: { order_id: id, revenue, products: [{ product_id: 'p', price: revenue, quantity: 1 }] }, timestamp: t(sec) });
    await batch([order('o-1', 30, 30), order('o-2', 70.5, 40), order('o-1', 30, 41)]);
    await batch([{ type: 'track', userId: 'user-5', event: 'Order Refunded', properties: { order_id: 'o-2', total: 70.5 }, timestamp: t(45) }]);
    const p = (await profile('userId:user-5')).body;
    expect(p.orders).toMatchObject({ count: 2, revenue: 100.5, refunds: 70.5, netRevenue: 30, averageOrderValue: 50.25, firstOrderAt: t(30), lastOrderAt: t(40) });
    expect(p.orders.recent.map((o: any) => [o.orderId, o.status])).toEqual([['o-2', 'refunded'], ['o-1', 'completed']]);
  });

  it('captures consent from identify traits and Consent Updated events into the ledger', async () => {
    await batch([
      { type: 'identify', userId: 'user-6', traits: { consent: { email_marketing: true, sms_marketing: false }, address: { country: 'DE' } }, timestamp: t(50) },
      { type: 'track', userId: 'user-6', event: 'Consent Updated', properties: { purpose: 'email_marketing', status: 'revoked' }, timestamp: t(51) },
    ]);
    const p = (await profile('userId:user-6')).body;
    expect(p.consent.email_marketing).toMatchObject({ allowed: false, status: 'revoked', basis: 'recorded' });
    expect(p.consent.sms_marketing).toMatchObject({ allowed: false, status: 'denied' });
    expect(p.consent.personalization).toMatchObject({ basis: 'default', jurisdiction: 'DE', allowed: false });
    const check = await (await fetch(`${s.url}/v1/consent/check?ref=userId:user-6&purpose=email_marketing`, { headers: { authorization: s.bearer } })).json() as any;
    expect(check).toMatchObject({ allowed: false, status: 'revoked' });
    const hist = await (await fetch(`${s.url}/v1/profiles/userId:user-6/consent/history`, { headers: { authorization: s.bearer } })).json() as any;
    const records = hist.records ?? hist.history ?? hist;
    expect(records[0]).toMatchObject({ purpose: 'email_marketing', status: 'revoked', source: 'Consent Updated' });
    expect(records.find((r: any) => r.purpose === 'email_marketing' && r.status === 'granted').evidence).toMatchObject({ call: 'identify' });
  });

  it('answers 404 for an unknown ref and 401 without the admin key', async () => {
    expect((await profile('userId:nobody')).status).toBe(404);
    expect((await fetch(s.url + '/v1/profiles/userId:user-1')).status).toBe(401);
  });
});
