/**
 * Every list the console pages through, over HTTP: `limit` and `cursor` in, `nextCursor` out,
 * each item exactly once in the list's order, no page longer than `limit`, and a cursor from
 * elsewhere refused as a 400 naming `cursor`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GOVERNANCE } from '../core/index.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';

let s: TestServer;

/** Follows nextCursor from the first page to the last; returns the items in order and the page count. */
async function pageAll(path: string, limit: number, key = 'items'): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await s.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body[key].length).toBeLessThanOrEqual(limit);
    items.push(...r.body[key]);
    cursor = r.body.nextCursor;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { items, pages };
}

const offer = (id: string, value: number) => ({ id, name: `Offer ${id}`, kind: 'percent_off', value });

beforeAll(async () => {
  s = await startTestServer({ config: { governance: { ...DEFAULT_GOVERNANCE, approvals: true } } });
  // Live offers (written by Braid itself, not queued) and held ones (submitted over the API: new offers wait for an approver).
  for (const id of ['o_c', 'o_a', 'o_e', 'O_b', 'o_d', 'o_f', 'o_g']) await s.braid.offers.upsert(offer(id, 10));
  for (let i = 0; i < 5; i++) expect((await s.api('PUT', `/v1/offers/held_${i}`, offer(`held_${i}`, 30))).status).toBe(202);
  for (const p of ['cart_recovery', 'welcome', 'win_back']) await s.braid.workers.installPlaybook(p, {});
  await s.braid.workers.apply({
    id: 'wkr_page', name: 'Paging', status: 'on', holdoutPct: 0, goal: { event: 'Order Completed' }, trigger: { type: 'event', event: 'Checkout Started' },
    entry: { reentry: 'never' }, steps: [{ id: 'settle', type: 'wait', duration: '3d' }],
  });
  await s.api('POST', '/v1/batch', { batch: Array.from({ length: 7 }, (_, i) => ({ type: 'identify', userId: `pg${i}`, messageId: `pg-id-${i}` })) }, s.basic);
  await s.braid.profiles.waitForProjection();
  await s.api('POST', '/v1/batch', { batch: Array.from({ length: 7 }, (_, i) => ({ type: 'track', userId: `pg${i}`, event: 'Checkout Started', messageId: `pg-c-${i}` })) }, s.basic);
  await s.braid.profiles.waitForProjection();
  await s.braid.workers.idle();
  for (let i = 0; i < 7; i++) expect((await s.api('POST', '/v1/decide', { ref: `userId:pg${i}`, placement: 'home_hero' })).status).toBe(200);

  // One shopper with a long history: anonymous ids linked to them, consent changes, messages, decisions.
  await s.api('POST', '/v1/batch', { batch: Array.from({ length: 6 }, (_, i) => ({ type: 'track', userId: 'pg0', anonymousId: `anon-pg0-${i}`, event: 'Product Viewed', messageId: `pg0-v-${i}` })) }, s.basic);
  await s.braid.profiles.waitForProjection();
  for (let i = 0; i < 7; i++) expect((await s.api('PUT', '/v1/profiles/userId:pg0/consent', { purposes: { email_marketing: i % 2 === 0, sms_marketing: i % 3 === 0 } })).status).toBe(200);
  const pg0 = (await s.api('GET', '/v1/profiles/userId:pg0')).body.id as string;
  await s.braid.channels.send(Array.from({ length: 7 }, (_, i) => ({ idempotencyKey: `pg0-msg-${i}`, profileId: pg0, channel: 'in_app' as const, transactional: true, content: { title: `Hello ${i}`, body: 'x' } })));
  for (let i = 0; i < 5; i++) expect((await s.api('POST', '/v1/decide', { ref: 'userId:pg0', placement: 'pdp_recs' })).status).toBe(200);
}, 120_000);
afterAll(async () => { await s?.close(); });

describe('keyset paging of the console lists', () => {
  it('pages in-memory configuration in id order: offers, templates, blocks, workers', async () => {
    const offers = await pageAll('/v1/offers', 3);
    expect(offers.items.map((o) => o.id)).toEqual(['O_b', 'o_a', 'o_c', 'o_d', 'o_e', 'o_f', 'o_g']);
    expect(offers.pages).toBe(3);
    expect(offers.items[0]).toHaveProperty('spentToday', 0);
    for (const path of ['/v1/content/templates', '/v1/content/blocks', '/v1/workers']) {
      const all = (await s.api('GET', `${path}?limit=500`)).body.items.map((x: { id: string }) => x.id);
      expect(all.length, path).toBeGreaterThan(2);
      expect((await pageAll(path, 2)).items.map((x) => x.id), path).toEqual(all);
      expect([...all].sort((a: string, b: string) => (a < b ? -1 : 1)), path).toEqual(all);
    }
    // Filters apply before paging.
    const active = (await pageAll('/v1/content/blocks?status=active', 2)).items;
    expect(active.every((b) => b.status === 'active')).toBe(true);
  });

  it('pages the approval queue, decisions and journeys newest first, each row once', async () => {
    const held = await pageAll('/v1/approvals?status=pending&kind=offer', 2);
    expect(held.items.map((a) => a.subjectId).sort()).toEqual(['held_0', 'held_1', 'held_2', 'held_3', 'held_4']);
    expect(held.items.map((a) => a.id)).toEqual([...held.items.map((a) => a.id)].sort().reverse());
    expect(held.pages).toBe(3);

    const decisions = await pageAll('/v1/decisions?placement=home_hero', 3);
    expect(decisions.items).toHaveLength(7);
    expect(new Set(decisions.items.map((d) => d.decisionId)).size).toBe(7);
    const keys = decisions.items.map((d) => `${d.at}|${d.decisionId}`);
    expect(keys).toEqual([...keys].sort().reverse());
    expect((await pageAll('/v1/decisions', 4)).items).toHaveLength(12); // and pg0's five on pdp_recs

    const journeys = await pageAll('/v1/workers/wkr_page/instances', 3);
    expect(journeys.items).toHaveLength(7);
    expect(new Set(journeys.items.map((j) => j.id)).size).toBe(7);
    const worker = (await s.api('GET', '/v1/workers/wkr_page')).body;
    // A waiting journey's step is the next one it runs: past the 3-day wait (step 0), before step 1.
    expect(worker.waitingByStep).toEqual({ 1: 7 });
    expect(worker.counts).toMatchObject({ waiting: 7, done: 0, exited: 0 });
    // The journeys waiting before one step, paged the same way.
    expect((await pageAll('/v1/workers/wkr_page/instances?state=waiting&step=1', 3)).items.map((j) => j.id)).toEqual(journeys.items.map((j) => j.id));
    expect((await s.api('GET', '/v1/workers/wkr_page/instances?state=waiting&step=0')).body).toEqual({ items: [], nextCursor: null });
  });

  it('pages every list of the shopper 360: identities, consent history, events, messages, decisions', async () => {
    const ref = 'userId:pg0';
    const whole = (await s.api('GET', `/v1/profiles/${ref}`)).body;
    const ids = await pageAll(`/v1/profiles/${ref}/identities`, 3);
    expect(ids.items.length).toBe(whole.identities.length);
    expect(ids.items.length).toBeGreaterThanOrEqual(7); // the user id and six anonymous ids
    expect(ids.items).toEqual(whole.identities); // the same order as the 360's full list
    expect(ids.pages).toBe(Math.ceil(ids.items.length / 3));

    const consent = await pageAll(`/v1/profiles/${ref}/consent/history`, 4, 'records');
    expect(consent.items).toHaveLength(14);
    expect(new Set(consent.items.map((r) => r.id)).size).toBe(14);
    const order = consent.items.map((r) => `${r.at}|${r.recordedAt}|${r.id}`);
    expect(order).toEqual([...order].sort().reverse());

    const events = await pageAll(`/v1/profiles/${ref}/events`, 3, 'events');
    const allEvents = (await s.api('GET', `/v1/profiles/${ref}/events?limit=500`)).body;
    expect(allEvents.nextCursor).toBeNull();
    expect(events.items.map((e) => e.seq)).toEqual(allEvents.events.map((e: { seq: number }) => e.seq));
    expect(events.items.length).toBeGreaterThanOrEqual(8);
    // `before` (a seq) still pages as it did.
    const older = (await s.api('GET', `/v1/profiles/${ref}/events?limit=2&before=${events.items[1].seq}`)).body.events;
    expect(older.map((e: { seq: number }) => e.seq)).toEqual(events.items.slice(2, 4).map((e) => e.seq));

    const messages = await pageAll(`/v1/messages?ref=${ref}`, 3);
    expect(messages.items).toHaveLength(7);
    expect(messages.pages).toBe(3);
    expect(messages.items.map((m) => m.id)).toEqual([...messages.items.map((m) => m.id)].sort().reverse());

    const decisions = await pageAll(`/v1/profiles/${ref}/decisions`, 4);
    expect(decisions.items).toHaveLength(6);
    expect(new Set(decisions.items.map((d) => d.decisionId)).size).toBe(6);
  });

  it('refuses a cursor it did not hand out, naming the field', async () => {
    const other = (await s.api('GET', '/v1/offers?limit=1')).body.nextCursor;
    for (const path of [`/v1/decisions?cursor=${other}`, '/v1/workers/wkr_page/instances?cursor=nope', '/v1/offers?cursor=%7B', `/v1/messages?cursor=${other}x`,
      `/v1/profiles/userId:pg0/identities?cursor=${other}`, `/v1/profiles/userId:pg0/consent/history?cursor=${other}`, `/v1/profiles/userId:pg0/events?cursor=${other}`]) {
      const r = await s.api('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.field, path).toBe('cursor');
    }
  });
});
