/**
 * Triggers beyond a single event, through the public API on a driven clock: a catalog change
 * (back in stock for shoppers who wished for the product), a schedule (each slot runs once),
 * and entry into a segment (an edge: staying inside does not re-enter; leaving and coming back does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, parseConfig } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const T0 = Date.parse('2026-06-10T10:00:00Z');
const clock = createManualClock(T0);
let s: TestServer;

async function send(messages: unknown[]): Promise<void> {
  const res = await fetch(s.url + '/v1/batch', {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic },
    body: JSON.stringify({ batch: messages.map((m) => ({ timestamp: new Date(clock.now()).toISOString(), ...(m as object) })) }),
  });
  expect(res.status).toBe(200);
  await s.braid.profiles.waitForProjection(10_000);
  await s.braid.workers.idle();
}
const worker = (id: string, trigger: unknown, extra: Record<string, unknown> = {}) => ({
  id, name: id, status: 'on', holdoutPct: 0, trigger, steps: [{ id: 'tell', type: 'send', channel: 'in_app', template: 'generic' }], ...extra,
});
async function journeys(workerId: string): Promise<Array<{ profileId: string; key: string | null; state: string }>> {
  return (await s.api('GET', `/v1/workers/${workerId}/instances?limit=1000`)).body.items;
}
const profileOf = async (userId: string) => (await s.api('GET', `/v1/profiles/userId:${userId}`)).body.id as string;

beforeAll(async () => {
  s = await startTestServer({ clock, config: { muscle: parseConfig({ BRAID_QUIET_HOURS: '0-0' }).muscle }, brain: { globalHoldoutPct: 0 } });
  await s.braid.catalog.upsertLocations([{ id: 'online', name: 'Online', type: 'online' }]);
  await s.braid.catalog.upsertProducts([{ id: 'p_lamp', title: 'Desk lamp', price: 40, cost: 15, currency: 'USD' }, { id: 'p_mug', title: 'Mug', price: 12, cost: 4, currency: 'USD' }]);
  await s.braid.catalog.setStock([{ variantId: 'p_lamp', locationId: 'online', quantity: 0 }, { variantId: 'p_mug', locationId: 'online', quantity: 5 }]);
  await s.braid.catalogCache.refresh();
}, 60_000);
afterAll(async () => { await s?.close(); });

describe('catalog triggers', () => {
  it('tells shoppers who wished for a product that it is back in stock, and nobody else', async () => {
    expect((await s.api('POST', '/v1/workers', worker('wkr_bis', { type: 'catalog', change: 'back_in_stock', audience: ['wishlist'] }))).status).toBe(201);
    await send([
      { type: 'identify', userId: 'wish', traits: { email: 'wish@example.com' } },
      { type: 'track', userId: 'wish', event: 'Product Added to Wishlist', properties: { product_id: 'p_lamp' } },
      { type: 'identify', userId: 'other', traits: { email: 'other@example.com' } },
      { type: 'track', userId: 'other', event: 'Product Added to Wishlist', properties: { product_id: 'p_mug' } },
    ]);
    await s.braid.catalog.setStock([{ variantId: 'p_lamp', locationId: 'online', quantity: 3 }]);
    await s.braid.catalogCache.refresh();
    for (let i = 0; i < 50 && (await journeys('wkr_bis')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await s.braid.workers.idle();
    const list = await journeys('wkr_bis');
    expect(list.map((j) => [j.profileId, j.key])).toEqual([[await profileOf('wish'), 'p_lamp']]);
    await s.braid.workers.tick();
    // The send is queued with the journey; the delivery queue writes the inbox item moments later.
    const wish = await profileOf('wish');
    let inbox = await s.braid.channels.inbox(wish);
    for (let i = 0; i < 200 && inbox.length === 0; i++) { await new Promise((r) => setTimeout(r, 50)); inbox = await s.braid.channels.inbox(wish); }
    expect(inbox).toHaveLength(1);
    expect(await s.braid.channels.inbox(await profileOf('other'))).toHaveLength(0);
  });
});

describe('schedules', () => {
  it('enters everyone matching once per slot, at the slot hour', async () => {
    await send([{ type: 'identify', userId: 'sched1', traits: { plan: 'gold' } }, { type: 'identify', userId: 'sched2', traits: { plan: 'basic' } }]);
    expect((await s.api('POST', '/v1/workers', worker('wkr_daily', { type: 'schedule', every: '1d', atHour: 14, where: { path: 'profile.traits.plan', op: 'eq', value: 'gold' } }, { entry: { reentry: 'cooldown', cooldown: '1h' } }))).status).toBe(201);
    await s.braid.workers.sweep();
    expect(await journeys('wkr_daily')).toHaveLength(0); // 10:00: the 14:00 slot has not come
    clock.set(Date.parse('2026-06-10T14:05:00Z'));
    await s.braid.workers.sweep();
    await s.braid.workers.sweep(); // the same slot again: claimed already
    expect((await journeys('wkr_daily')).map((j) => j.profileId)).toEqual([await profileOf('sched1')]);
    await s.braid.workers.tick(); // the journey runs and ends, so the next slot may enter again
    clock.set(Date.parse('2026-06-11T14:01:00Z'));
    await s.braid.workers.sweep();
    expect(await journeys('wkr_daily')).toHaveLength(2);
  });

  it('a condition on computed traits alone is checked from memory; the entry rule still reads the profiles it lets through', async () => {
    const order = (userId: string) => ({ type: 'track', userId, event: 'Order Completed', properties: { order_id: `o_${userId}`, revenue: 40, products: [{ product_id: 'p1', price: 40, quantity: 1 }] } });
    await send([
      { type: 'identify', userId: 'buyer_gold', traits: { plan: 'gold' } }, order('buyer_gold'),
      { type: 'identify', userId: 'buyer_basic', traits: { plan: 'basic' } }, order('buyer_basic'),
      { type: 'identify', userId: 'browser_gold', traits: { plan: 'gold' } },
    ]);
    // Computed traits in memory, as a running Braid keeps them (a miss only schedules a load).
    for (const u of ['buyer_gold', 'buyer_basic', 'browser_gold']) {
      const id = await profileOf(u);
      for (let i = 0; i < 200 && !s.braid.traits.peek(id); i++) await new Promise((r) => setTimeout(r, 10));
    }
    expect((await s.api('POST', '/v1/workers', worker('wkr_new_buyers', { type: 'schedule', every: '1d', atHour: 14, where: { path: 'traits.lifecycle', op: 'eq', value: 'new' } }, { entry: { reentry: 'never', where: { path: 'profile.traits.plan', op: 'eq', value: 'gold' } } }))).status).toBe(201);
    await s.braid.workers.sweep(); // sets the next slot: tomorrow 14:00
    clock.set(Date.parse('2026-06-12T14:05:00Z'));
    await s.braid.workers.sweep();
    expect((await journeys('wkr_new_buyers')).map((j) => j.profileId)).toEqual([await profileOf('buyer_gold')]);
  });
});

describe('re-entry after an order', () => {
  it('enters a matching shopper once, and again only once they have ordered since (once per purchase cycle)', async () => {
    await send([{ type: 'identify', userId: 'refill1', traits: { plan: 'refill' } }]);
    expect((await s.api('POST', '/v1/workers', worker('wkr_refill', { type: 'schedule', every: '1d', atHour: 14, where: { path: 'profile.traits.plan', op: 'eq', value: 'refill' } }, { entry: { reentry: 'after_order' } }))).status).toBe(201);
    await s.braid.workers.sweep(); // sets the next slot: tomorrow 14:00
    const day = (d: number) => clock.set(Date.parse(`2026-06-${d}T14:05:00Z`));
    day(13); await s.braid.workers.sweep(); await s.braid.workers.tick();
    expect(await journeys('wkr_refill')).toHaveLength(1);
    day(14); await s.braid.workers.sweep(); await s.braid.workers.tick();
    expect(await journeys('wkr_refill')).toHaveLength(1); // still matching, no order since: not again
    await send([{ type: 'track', userId: 'refill1', event: 'Order Completed', properties: { order_id: 'o_refill1', revenue: 12, products: [{ product_id: 'p_mug', price: 12, quantity: 1 }] } }]);
    day(15); await s.braid.workers.sweep();
    expect(await journeys('wkr_refill')).toHaveLength(2);
  });
});

describe('segment entry', () => {
  it('enters on the edge into the segment, not while staying in it', async () => {
    expect((await s.api('POST', '/v1/workers', worker('wkr_vip', { type: 'segment', where: { path: 'profile.traits.vip', op: 'eq', value: true } }))).status).toBe(201);
    await send([{ type: 'identify', userId: 'seg1', traits: { vip: true } }]);
    await s.braid.workers.tick();
    expect(await journeys('wkr_vip')).toHaveLength(1);
    await send([{ type: 'identify', userId: 'seg1', traits: { vip: true, name: 'Still VIP' } }]);
    await s.braid.workers.tick();
    expect(await journeys('wkr_vip')).toHaveLength(1);
    await send([{ type: 'identify', userId: 'seg1', traits: { vip: false } }]);
    await send([{ type: 'identify', userId: 'seg1', traits: { vip: true } }]);
    expect(await journeys('wkr_vip')).toHaveLength(2);
  });
});
