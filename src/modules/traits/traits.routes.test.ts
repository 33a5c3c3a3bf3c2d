import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/server.ts';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s.close(); });

let n = 0;
const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d, 12)).toISOString();
async function batch(messages: Array<Record<string, unknown>>) {
  const res = await fetch(s.url + '/v1/batch', { method: 'POST', headers: { authorization: s.basic, 'content-type': 'application/json' }, body: JSON.stringify({ batch: messages.map((m) => ({ messageId: `tr-${n++}`, ...m })) }) });
  expect(res.status).toBe(200);
  // Reads wait at most 2 s for the projection (read-your-writes); a loaded CI machine can take longer.
  expect(await s.braid.profiles.waitForProjection(30_000)).toBe(true);
}
async function call(method: string, path: string, body?: unknown, auth = s.bearer) {
  const res = await fetch(s.url + path, { method, headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() as any };
}

describe('traits and preferences over HTTP', () => {
  it('serves a profile\'s computed traits by any ref', async () => {
    await batch([
      { type: 'identify', userId: 'http-1', traits: { email: 'h1@example.com' }, timestamp: day(0) },
      { type: 'track', userId: 'http-1', event: 'Order Completed', timestamp: day(1), properties: { order_id: 'h-1', revenue: 50, products: [{ product_id: 'p1', category: 'Shoes', price: 50 }] } },
      { type: 'track', userId: 'http-1', event: 'Order Completed', timestamp: day(15), properties: { order_id: 'h-2', revenue: 30, coupon: 'X', products: [{ product_id: 'p1', category: 'Shoes', price: 30 }] } },
    ]);
    const r = await call('GET', '/v1/profiles/email:h1@example.com/traits');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      profileId: expect.stringMatching(/^prf_/), rfm: { frequency: 2, monetary: 80 }, customerType: 'returning', discountSensitivity: 0.375,
      replenishment: [expect.objectContaining({ key: 'category:Shoes', intervalDays: 14 }), expect.objectContaining({ key: 'product:p1' })],
      clv: { modelVersion: 0, horizonWeeks: 52 }, channelResponsiveness: { email: { sent: 0, responses: 0, rate: 0.1 } },
    });
    expect(Object.keys(r.body).sort()).toEqual(['bestSendHour', 'channelResponsiveness', 'clv', 'computedAt', 'customerType', 'discountSensitivity', 'lifecycle',
      'preferredCategories', 'priceTier', 'profileId', 'replenishment', 'rfm', 'valueTier']);
  });

  it('reads, patches and replaces preferences with their sources', async () => {
    await batch([{ type: 'track', userId: 'http-2', event: 'Preference Captured', timestamp: day(2), properties: { source: 'post_purchase', variable: 'fit_concerns', value: 0.7 } }]);
    let r = await call('GET', '/v1/profiles/userId:http-2/preferences');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.preferences)).toHaveLength(14);
    expect(r.body.preferences.fit_concerns).toMatchObject({ value: 0.7, origin: 'declared', sources: [{ origin: 'declared', source: 'post_purchase', value: 0.7, at: day(2) }] });
    r = await call('PATCH', '/v1/profiles/userId:http-2/preferences', { values: { shipping_speed: 'cheapest', fit_concerns: null }, source: 'support' });
    expect(r.status).toBe(200);
    expect(r.body.preferences.shipping_speed).toMatchObject({ value: 'cheapest', sources: [expect.objectContaining({ source: 'support' })] });
    expect(r.body.preferences.fit_concerns.value).toBeNull();
    r = await call('PUT', '/v1/profiles/userId:http-2/preferences', { values: { sustainability: 1 } });
    expect(r.body.preferences.shipping_speed.value).toBeNull();
    expect(r.body.preferences.sustainability).toMatchObject({ value: 1, sources: [expect.objectContaining({ source: 'api' })] });
    expect((await call('GET', '/v1/profiles/userId:http-2/preferences')).body.preferences.sustainability.value).toBe(1);
  });

  it('answers 400 naming the field, 404 for an unknown profile, 401 without the admin key', async () => {
    const bad: Array<[unknown, string]> = [
      [{ values: { telepathy: 1 } }, 'values.telepathy'],
      [{ values: { deal_seeking: 3 } }, 'values.deal_seeking'],
      [{ values: { shipping_speed: 'teleport' } }, 'values.shipping_speed'],
      [{ values: { deal_seeking: 0.5 }, sorce: 'quiz' }, 'sorce'],
      [{ values: { deal_seeking: 0.5 }, source: 'Not Valid!' }, 'source'],
      [{}, 'values'],
    ];
    for (const [body, field] of bad) {
      const r = await call('PATCH', '/v1/profiles/userId:http-2/preferences', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await call('PUT', '/v1/profiles/userId:http-2/preferences', { values: { deal_seeking: null } })).status).toBe(400); // PUT takes values, not removals
    expect((await call('GET', '/v1/profiles/userId:nobody/traits')).status).toBe(404);
    expect((await call('GET', '/v1/profiles/userId:nobody/preferences')).status).toBe(404);
    expect((await call('GET', '/v1/profiles/userId:http-2/traits', undefined, s.basic)).status).toBe(401);
  });
});
