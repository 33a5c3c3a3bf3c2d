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
async function pageAll(path: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await s.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...r.body.items);
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
    expect((await pageAll('/v1/decisions', 4)).items).toHaveLength(7);

    const journeys = await pageAll('/v1/workers/wkr_page/instances', 3);
    expect(journeys.items).toHaveLength(7);
    expect(new Set(journeys.items.map((j) => j.id)).size).toBe(7);
    const worker = (await s.api('GET', '/v1/workers/wkr_page')).body;
    // A waiting journey's step is the next one it runs: past the 3-day wait (step 0), before step 1.
    expect(worker.waitingByStep).toEqual({ 1: 7 });
  });

  it('refuses a cursor it did not hand out, naming the field', async () => {
    const other = (await s.api('GET', '/v1/offers?limit=1')).body.nextCursor;
    for (const path of [`/v1/decisions?cursor=${other}`, '/v1/workers/wkr_page/instances?cursor=nope', '/v1/offers?cursor=%7B']) {
      const r = await s.api('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.field, path).toBe('cursor');
    }
  });
});
