/**
 * Branches on this journey's own messages: the pure parts, the definition's checks (errors name
 * the field and the path), and end to end: a resend to the shoppers who did not open the first
 * email, where one shopper opens it by loading its pixel over HTTP as a mail client does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import type { TestServer } from '../../testing/server.ts';
import type { TestSmtp } from '../../testing/smtp.ts';
import { ingestAt, startJourneyServer, settleJourneys } from '../../testing/journeys.ts';
import { parseWorkerDefinition } from './workers.definition.ts';
import { engagementOf, journeyPaths } from './workers.engagement.ts';

const steps = (path: string, before: unknown[] = [{ id: 'first', type: 'send', channel: 'email', template: 'cart_recovery' }]) => [
  { id: 'pick', type: 'decide', placement: 'email_cart_recovery' },
  ...before,
  { id: 'wait_day', type: 'wait', duration: '1d' },
  { id: 'seen', type: 'branch', if: { path, op: 'eq', value: true }, then: 'done' },
  { id: 'again', type: 'send', channel: 'email', template: 'cart_recovery' },
  { id: 'done', type: 'exit' },
];
const doc = (path: string, before?: unknown[]) => ({
  id: 'wkr_resend', name: 'Resend to non-openers', riskTier: 'low', holdoutPct: 0, status: 'on',
  trigger: { type: 'event', event: 'Checkout Started', key: 'order_id' }, steps: steps(path, before),
});

describe('journey engagement (pure)', () => {
  it('reads the paths a condition names and what a delivery status says', () => {
    expect(journeyPaths({ any: [{ path: 'journey.steps.first.opened', op: 'eq', value: true }, { not: { path: 'traits.x', op: 'exists' } }] })).toEqual(['journey.steps.first.opened']);
    expect(engagementOf('sent')).toEqual({ sent: true, opened: false, clicked: false });
    expect(engagementOf('opened')).toEqual({ sent: true, opened: true, clicked: false });
    expect(engagementOf('clicked')).toEqual({ sent: true, opened: true, clicked: true });
    expect(engagementOf('suppressed')).toEqual({ sent: false, opened: false, clicked: false });
  });

  it('accepts a send step before the branch, and names the field and the path otherwise', () => {
    expect(() => parseWorkerDefinition(doc('journey.steps.first.opened'))).not.toThrow();
    expect(() => parseWorkerDefinition(doc('journey.steps.first.clicked'))).not.toThrow();
    expect(() => parseWorkerDefinition(doc('journey.steps.again.opened'))).toThrow(/steps\[3\]\.if: "journey\.steps\.again\.opened": "again" is not a send step before this branch/);
    expect(() => parseWorkerDefinition(doc('journey.steps.pick.opened'))).toThrow(/steps\[3\]\.if: .*"pick" is not a send step/);
    expect(() => parseWorkerDefinition(doc('journey.steps.first.bounced'))).toThrow(/steps\[3\]\.if: "journey\.steps\.first\.bounced": journey engagement is read as journey\.steps\.STEP_ID\.sent, \.opened or \.clicked/);
    expect(() => parseWorkerDefinition(doc('journey.first'))).toThrow(/steps\[3\]\.if/);
  });
});

const T0 = Date.parse('2026-06-10T15:00:00Z');
const clock = createManualClock(T0);
let s: TestServer;
let smtp: TestSmtp;

beforeAll(async () => {
  ({ s, smtp } = await startJourneyServer({ clock, stock: 10, env: { BRAID_MIN_GAP_MINUTES: '0' }, brain: { globalHoldoutPct: 0 } }));
  expect((await s.api('POST', '/v1/workers', doc('journey.steps.first.opened'))).status).toBe(201);
}, 60_000);
afterAll(async () => { await s?.close(); await smtp?.close(); });

describe('a branch on the first email being opened', () => {
  it('resends a day later only to the shopper whose open pixel did not load', async () => {
    const users = ['u_eng_opens', 'u_eng_ignores'];
    for (const userId of users) {
      await ingestAt(s, clock, [
        { type: 'identify', userId, traits: { email: `${userId}@example.com`, consent: { email_marketing: true } } },
        { type: 'track', userId, event: 'Checkout Started', properties: { order_id: `o_${userId}`, value: 80, products: [{ product_id: 'p_boot', price: 80, quantity: 1 }] } },
      ]);
    }
    await settleJourneys(s);
    await s.braid.workers.tick();
    const first = await smtp.waitFor(2);
    const mailOf = (u: string) => first.find((m) => m.to === `${u}@example.com`)!;
    // The mail client of the first shopper loads the pixel (no key: a public route).
    const pixel = /<img src="([^"]+\/v1\/t\/o\/[^"]+)"/.exec(mailOf('u_eng_opens').html)?.[1];
    expect(pixel).toBeDefined();
    expect(/<img src="[^"]+\/v1\/t\/o\//.test(mailOf('u_eng_ignores').html)).toBe(true);
    const res = await fetch(s.url + pixel!.replace(/^https?:\/\/[^/]+/, ''));
    expect(res.status).toBe(200);

    clock.advance(86_400_000 + 60_000);
    await s.braid.workers.tick();
    await smtp.waitFor(3);
    await new Promise((r) => setTimeout(r, 300)); // anything extra would arrive now
    const perUser = (u: string) => smtp.received.filter((m) => m.to === `${u}@example.com`).length;
    expect(users.map(perUser)).toEqual([1, 2]);
    // Braid's own sends, the denominator of channel choice's response rate (workers.steps channelRate).
    const ids = await Promise.all(users.map((u) => s.braid.profiles.resolve(`userId:${u}`)));
    const sent = await s.braid.channels.sentCounts(ids);
    expect(ids.map((id) => sent.get(id))).toEqual([{ email: 1 }, { email: 2 }]);
  }, 120_000);
});
