/**
 * Ranks against the store's own data: the pure parts, the definition's checks, and the shipped
 * cart recovery end to end (its last call goes to the top 40% of carts by value).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import type { TestServer } from '../../testing/server.ts';
import type { TestSmtp } from '../../testing/smtp.ts';
import { ingestAt, startJourneyServer, settleJourneys } from '../../testing/journeys.ts';
import { parseWorkerDefinition } from './workers.definition.ts';
import { midRank, rankPaths } from './workers.rank.ts';

describe('ranks', () => {
  it('are mid-ranks: the share below, plus half the share equal', () => {
    expect(midRank([10, 20, 30, 40], 35)).toBe(0.75);
    expect(midRank([10, 20, 30, 40], 5)).toBe(0);
    expect(midRank([10, 20, 30, 40], 50)).toBe(1);
    expect(midRank([10, 20, 20, 40], 20)).toBe(0.5);
    expect(midRank([], 7)).toBe(0.5);
  });
  it('are read from the paths a condition names, and taken of trigger properties only', () => {
    expect(rankPaths({ all: [{ path: 'rank.event.properties.value', op: 'gte', value: 0.5 }, { not: { path: 'traits.x', op: 'eq', value: 1 } }] })).toEqual(['rank.event.properties.value']);
    const withBranch = (path: string) => () => parseWorkerDefinition({
      id: 'wkr_ranked', name: 'Ranked', trigger: { type: 'event', event: 'Checkout Started' },
      steps: [{ id: 'b', type: 'branch', if: { path, op: 'lt', value: 0.5 }, then: 'x' }, { id: 'm', type: 'send', channel: 'email', template: 'cart_recovery' }, { id: 'x', type: 'exit' }],
    });
    expect(withBranch('rank.event.properties.value')).not.toThrow();
    expect(withBranch('rank.traits.clv')).toThrow(/steps\[0\]\.if: "rank\.traits\.clv"/);
  });
});

const T0 = Date.parse('2026-06-10T15:00:00Z');
const clock = createManualClock(T0);
let s: TestServer;
let smtp: TestSmtp;

beforeAll(async () => {
  ({ s, smtp } = await startJourneyServer({ clock, stock: 10, brain: { globalHoldoutPct: 0 } }));
  expect((await s.api('POST', '/v1/playbooks/cart_recovery/install', { status: 'on', holdoutPct: 0 })).status).toBe(200);
}, 60_000);
afterAll(async () => { await s?.close(); await smtp?.close(); });

describe('the shipped cart recovery', () => {
  it('sends everyone the first email and only the top 40% of carts by value the last call', async () => {
    const users = Array.from({ length: 10 }, (_, i) => ({ userId: `u_rank_${i}`, value: 10 * (i + 1) }));
    for (const { userId, value } of users) {
      await ingestAt(s, clock, [
        { type: 'identify', userId, traits: { email: `${userId}@example.com`, consent: { email_marketing: true } } },
        { type: 'track', userId, event: 'Checkout Started', properties: { order_id: `o_${userId}`, value, products: [{ product_id: 'p_boot', price: value, quantity: 1 }] } },
      ]);
    }
    await settleJourneys(s);
    await s.braid.workers.tick();
    clock.advance(61 * 60_000);
    await s.braid.workers.tick();
    await smtp.waitFor(10);
    clock.advance(86_400_000 + 60_000);
    await s.braid.workers.tick();
    await smtp.waitFor(14);
    await new Promise((r) => setTimeout(r, 300)); // anything extra would arrive now
    const perUser = (u: string) => smtp.received.filter((m) => m.to === `${u}@example.com`).length;
    // $70-$100 rank 0.65-0.95 among the ten carts; $10-$60 rank below 0.6 and get one email.
    expect(users.map((u) => perUser(u.userId))).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
  }, 120_000);
});
