import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, type CoreDeps } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createConsent } from '../consent/index.ts';
import { createEventLog, type EventLog } from '../events/index.ts';
import { createIdentity, type IdentityService } from '../identity/index.ts';
import { createProfiles, type ProfileService } from '../profiles/index.ts';
import { createTraits, type TraitsService } from './index.ts';

const NOW = Date.UTC(2026, 6, 1, 12);
const D = 86_400_000;
const clock = createManualClock(NOW);
let t: TestDb;
let deps: CoreDeps;
let events: EventLog;
let identity: IdentityService;
let profiles: ProfileService;
let traits: TraitsService;
let n = 0;

const at = (daysAgo: number, hour = 12) => new Date(NOW - daysAgo * D + (hour - 12) * 3_600_000).toISOString();
const order = (userId: string, daysAgo: number, revenue: number, extra: Record<string, unknown> = {}) => ({
  type: 'track', userId, event: 'Order Completed', timestamp: at(daysAgo), messageId: `svc-${++n}`,
  properties: { order_id: `o-${n}`, revenue, products: [{ product_id: 'beans', category: 'Coffee', price: revenue, quantity: 1 }], ...extra },
});
async function send(messages: Array<Record<string, unknown>>): Promise<void> {
  await events.ingest(messages.map((m) => ({ messageId: `svc-${++n}`, ...m })));
  await profiles.projector.drain();
  await traits.settle();
}
const idOf = async (ref: string) => (await identity.resolveRef(ref))!;

beforeAll(async () => {
  t = await openTestDb(clock);
  deps = testDeps(t.db, clock);
  events = createEventLog(deps);
  identity = createIdentity(deps);
  profiles = createProfiles(deps, { events, identity, consent: createConsent(deps) });
  traits = createTraits(deps, { profiles, events, autoRefit: false });
  traits.start();
});
afterAll(async () => { await traits.stop(); await t.cleanup(); });

describe('traits kept current from the projection', () => {
  it('computes traits for each batch and serves them synchronously from the cache', async () => {
    await send([order('ada', 60, 30), order('ada', 30, 20, { discount: 5 }), order('ada', 2, 40)]);
    const id = await idOf('userId:ada');
    const peeked = traits.peek(id)!;
    expect(peeked).toMatchObject({
      profileId: id, rfm: { recencyDays: 2, frequency: 3, monetary: 90 }, lifecycle: 'active', customerType: 'returning',
      preferredCategories: [{ category: 'Coffee', share: 1 }],
    });
    expect(peeked.replenishment.map((r) => [r.key, r.intervalDays])).toEqual([['category:Coffee', 29], ['product:beans', 29]]);
    expect(await traits.get(id)).toEqual(peeked);
    await send([order('ada', 1, 10)]);
    expect(traits.peek(id)!.rfm).toMatchObject({ recencyDays: 1, frequency: 4, monetary: 100 });
  });

  it('reads channel responses and the best send hour from the timeline', async () => {
    const opens = [0, 1, 2, 3].map((d) => ({ type: 'track', userId: 'ada', event: 'Email Opened', timestamp: at(d, 7) }));
    await send([...opens, ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => ({ type: 'track', userId: 'ada', event: 'Email Delivered', timestamp: at(d, 6) }))]);
    const tr = traits.peek(await idOf('userId:ada'))!;
    expect(tr.channelResponsiveness.email).toEqual({ sent: 10, responses: 4, rate: 0.25 });
    expect(tr.bestSendHour).toBe(7);
  });

  it('re-evaluates with the clock: recency grows without any event', async () => {
    const id = await idOf('userId:ada');
    clock.advance(120 * D);
    try {
      expect(traits.peek(id)!.rfm.recencyDays).toBe(121);
      expect(traits.peek(id)!.lifecycle).toBe('lapsed');
    } finally { clock.set(NOW); }
  });

  it('answers 404 for an unknown profile and undefined from peek', async () => {
    await expect(traits.get('prf_nobody')).rejects.toMatchObject({ code: 'not_found' });
    expect(traits.peek('prf_nobody')).toBeUndefined();
  });
});

describe('merges', () => {
  it('recomputes the survivor with both histories and drops the absorbed profile', async () => {
    await send([
      { type: 'track', anonymousId: 'phone-1', event: 'Order Completed', timestamp: at(40), properties: { order_id: 'anon-o1', revenue: 15, products: [{ product_id: 'tea', category: 'Tea', price: 15 }] } },
      { type: 'track', anonymousId: 'phone-1', event: 'Preference Captured', timestamp: at(39), properties: { source: 'quiz', variable: 'sustainability', value: 0.9 } },
      order('bob', 20, 25),
    ]);
    const anon = await idOf('anonymousId:phone-1'), bob = await idOf('userId:bob');
    expect(anon).not.toBe(bob);
    expect(traits.peek(anon)!.rfm.frequency).toBe(1);
    await send([{ type: 'identify', anonymousId: 'phone-1', userId: 'bob', timestamp: at(1) }]);
    const survivor = await idOf('userId:bob');
    const absorbed = survivor === bob ? anon : bob;
    expect(traits.peek(survivor)!.rfm).toMatchObject({ frequency: 2, monetary: 40 });
    expect(traits.peek(absorbed)).toBeUndefined();
    expect((await traits.preferences(survivor)).sustainability).toMatchObject({ value: 0.9, origin: 'declared', sources: [expect.objectContaining({ source: 'quiz' })] });
  });
});

describe('preferences', () => {
  it('captures declared preferences from identify and events; an API edit wins and null removes', async () => {
    await send([
      { type: 'identify', userId: 'cy', traits: { preferences: { deal_seeking: 0.2 }, pref_gift_buyer: 'yes' }, timestamp: at(10) },
      order('cy', 9, 30, { coupon: 'SAVE10' }), order('cy', 5, 30, { coupon: 'SAVE10' }),
    ]);
    const id = await idOf('userId:cy');
    let p = await traits.preferences(id);
    expect(p.deal_seeking).toMatchObject({ value: 0.2, origin: 'declared' }); // declared beats the inferred 0.75 (both orders with a coupon, no coupon hunting)
    expect(p.deal_seeking!.sources.map((s) => s.origin)).toEqual(['declared', 'inferred']);
    expect(p.gift_buyer).toMatchObject({ value: true, origin: 'declared' });
    p = await traits.setPreferences(id, { deal_seeking: null, shipping_speed: 'fastest' }, 'support');
    expect(p.deal_seeking).toMatchObject({ origin: 'inferred', value: 0.75 });
    expect(p.shipping_speed).toMatchObject({ value: 'fastest', sources: [expect.objectContaining({ source: 'support', origin: 'declared' })] });
    p = await traits.setPreferences(id, { sustainability: 0.5 }, 'api', { replace: true });
    expect(p.gift_buyer!.origin).toBeNull();
    expect(p.shipping_speed!.value).toBeNull();
    expect(traits.peekPreferences(id)!.sustainability!.value).toBe(0.5);
    await expect(traits.setPreferences(id, { telepathy: 1 }, 'api')).rejects.toMatchObject({ details: { field: 'values.telepathy' } });
  });
});

describe('batch recompute, refit and sharing across processes', () => {
  it('a recompute from orders and timelines reproduces what the live path computed', async () => {
    const other = createTraits(deps, { profiles, events, autoRefit: false });
    const ids = await Promise.all(['userId:ada', 'userId:bob', 'userId:cy'].map(idOf));
    const live = await Promise.all(ids.map((id) => traits.get(id)));
    await t.db.query(`delete from traits_profiles`);
    expect(await other.recompute()).toEqual({ profiles: 3 });
    const rebuilt = await Promise.all(ids.map((id) => other.get(id)));
    expect(rebuilt).toEqual(live);
    await other.stop();
  });

  it('refit stores a versioned model that other processes pick up', async () => {
    const batch: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 60; i++) for (let k = 0; k <= i % 4; k++) batch.push(order(`shopper-${i}`, 200 - 40 * k - (i % 7), 10 + (i % 13) * 5));
    await send(batch);
    const model = await traits.refit();
    expect(model).toMatchObject({ version: 1, fittedAt: new Date(NOW).toISOString() });
    expect(model.customers).toBe(63);
    expect(traits.model()).toEqual(model);
    const id = await idOf('userId:shopper-3');
    expect((await traits.get(id)).clv.modelVersion).toBe(1);
    const other = createTraits(deps, { profiles, autoRefit: false });
    expect(other.model().version).toBe(0);
    other.start();
    for (let i = 0; i < 100 && other.model().version === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(other.model()).toEqual(model);
    await other.stop();
  });
});
