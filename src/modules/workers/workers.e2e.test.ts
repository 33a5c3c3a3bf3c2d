/**
 * The cart-recovery journey end to end, through public interfaces only: events over /v1/batch,
 * the worker fires after its wait (Braid's clock is driven by the test), the brain picks the
 * content, a real email reaches a real SMTP server on loopback, the order arrives and the journey
 * ends. A held-out shopper and a shopper without email consent get nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import type { TestServer } from '../../testing/server.ts';
import type { TestSmtp } from '../../testing/smtp.ts';
import { ingestAt, startJourneyServer, settleJourneys } from '../../testing/journeys.ts';
import { ASSIGNMENT_VERSION, assignWorkerHoldout } from '../experiments/index.ts';

const T0 = Date.parse('2026-06-10T15:00:00Z');
const clock = createManualClock(T0);
let s: TestServer;
let smtp: TestSmtp;

const batch = (messages: unknown[]) => ingestAt(s, clock, messages);
const settle = () => settleJourneys(s);
async function instancesOf(userId: string): Promise<any[]> {
  const ref = (await s.api('GET', `/v1/profiles/userId:${userId}`)).body.id as string;
  return (await s.api('GET', `/v1/workers/wkr_cart_recovery/instances?profile=${ref}`)).body.items;
}

beforeAll(async () => {
  ({ s, smtp } = await startJourneyServer({ clock, stock: 10, brain: { globalHoldoutPct: 0 } }));
  const installed = await s.api('POST', '/v1/playbooks/cart_recovery/install', { status: 'on', holdoutPct: 50 });
  expect(installed.status).toBe(200);
}, 60_000);
afterAll(async () => { await s?.close(); await smtp?.close(); });

const cartOf = (userId: string) => ({ type: 'track', userId, event: 'Checkout Started', properties: { order_id: `o_${userId}`, value: 120, products: [{ product_id: 'p_boot', price: 120, quantity: 1 }] } });

describe('cart recovery end to end', () => {
  it('emails treated shoppers after the wait, nothing to held-out or unconsented ones, and ends on the order', async () => {
    // Shoppers with email consent until both a treated and a held-out one exist (50% holdout).
    const consented: string[] = [];
    for (let i = 0; i < 24; i++) {
      const userId = `u_ok_${i}`;
      consented.push(userId);
      await batch([{ type: 'identify', userId, traits: { email: `${userId}@example.com`, first_name: 'Ada', consent: { email_marketing: true } } }, cartOf(userId)]);
    }
    const unconsented: string[] = [];
    for (let i = 0; i < 16; i++) { // 50% holdout: at least one treated but for a 2^-16 chance
      const userId = `u_noconsent_${i}`;
      unconsented.push(userId);
      await batch([{ type: 'identify', userId, traits: { email: `${userId}@example.com` } }, cartOf(userId)]);
    }
    await settle();
    await s.braid.workers.tick();

    const groups = new Map<string, string | null>();
    for (const u of consented) {
      const [inst] = await instancesOf(u);
      expect(inst.state).toBe('waiting');
      expect(inst.waitEvent).toBe('Order Completed');
      groups.set(u, inst.holdout);
      // The arm is the versioned, salted hash of the profile id, recorded with its version.
      expect(inst.assignment).toBe(ASSIGNMENT_VERSION);
      expect(inst.holdout).toBe(assignWorkerHoldout(inst.profileId, s.braid.config.brain.holdoutSalt, 'wkr_cart_recovery', 50).heldOut ? 'worker_holdout' : null);
    }
    const treated = consented.filter((u) => groups.get(u) === null);
    const held = consented.filter((u) => groups.get(u) === 'worker_holdout');
    expect(treated.length).toBeGreaterThan(0);
    expect(held.length).toBeGreaterThan(0);

    // Nothing before the hour is up.
    clock.advance(59 * 60_000);
    await s.braid.workers.tick();
    expect(smtp.count()).toBe(0);

    clock.advance(2 * 60_000);
    await s.braid.workers.tick();
    const mails = await smtp.waitFor(treated.length);
    await new Promise((r) => setTimeout(r, 300)); // anything extra would arrive now
    expect(smtp.count()).toBe(treated.length);
    expect(new Set(mails.map((m) => m.to))).toEqual(new Set(treated.map((u) => `${u}@example.com`)));
    const first = mails[0]!;
    expect(first.raw.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toMatch(/\/v1\/unsubscribe\?t=/);
    expect(first.subject.length).toBeGreaterThan(0);
    expect(first.html.split('/v1/unsubscribe?t=').length - 1).toBe(1); // one footer: the template's, not a second one

    // The held-out and the unconsented: journeys ran, messages did not.
    const [heldInst] = await instancesOf(held[0]!);
    expect(heldInst.ctx.trail.map((t: { outcome: string }) => t.outcome)).toContain('held_out (worker_holdout)');
    // Shoppers without email consent: the treated ones' journeys end at the send step; nobody of them got mail.
    const noConsent = (await Promise.all(unconsented.map(instancesOf))).map(([i]) => i);
    const treatedNoConsent = noConsent.filter((i) => i.holdout === null);
    expect(treatedNoConsent.length).toBeGreaterThan(0);
    for (const i of treatedNoConsent) expect(i).toMatchObject({ state: 'exited', exitReason: 'no_consent' });
    expect(smtp.received.filter((m) => m.to.startsWith('u_noconsent'))).toHaveLength(0);

    // The brain's choice and the message it produced are on the journey's trail and in the delivery log.
    const [t0] = await instancesOf(treated[0]!);
    expect(t0.ctx.decision.id).toMatch(/^dec_/);
    const msgs = (await s.api('GET', `/v1/messages?ref=${t0.profileId}`)).body.items;
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ channel: 'email', workerId: 'wkr_cart_recovery', instanceId: t0.id, decisionId: t0.ctx.decision.id });
    expect(msgs[0].consentRecordId).toMatch(/^cns_/);

    // The audit log answers what was sent to this shopper, why, and under which consent; its chain verifies.
    let trail: any[] = [];
    for (let i = 0; i < 50 && trail.length === 0; i++) {
      trail = (await s.api('GET', `/v1/audit?profile=${t0.profileId}&action=message.sent`)).body.items;
      if (trail.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(trail[0]).toMatchObject({ actor: 'worker:wkr_cart_recovery', subjectId: msgs[0].id, data: { consentRecordId: msgs[0].consentRecordId, decisionId: t0.ctx.decision.id, instanceId: t0.id, channel: 'email' } });
    expect((await s.api('GET', '/v1/audit?subject=worker:wkr_cart_recovery')).body.items.map((e: { action: string }) => e.action)).toContain('worker.version');
    expect((await s.api('GET', '/v1/audit/verify')).body.ok).toBe(true);

    // The order arrives: the journey ends at once, before its last-call email.
    await batch([{ type: 'track', userId: treated[0], event: 'Order Completed', properties: { order_id: `o_${treated[0]}`, revenue: 120, products: [{ product_id: 'p_boot', price: 120, quantity: 1 }] } }]);
    await settle();
    const [after] = await instancesOf(treated[0]!);
    expect(after.state).toBe('done');
    clock.advance(2 * 86_400_000);
    await s.braid.workers.tick();
    await new Promise((r) => setTimeout(r, 500));
    const lastCalls = smtp.received.filter((m) => m.to === `${treated[0]}@example.com`);
    expect(lastCalls).toHaveLength(1);
  }, 120_000);

  it('keeps journeys on the version they started with, exits on withdrawn consent, and stops everything when paused', async () => {
    for (const u of ['u_w1', 'u_w2', 'u_w3']) await batch([{ type: 'identify', userId: u, traits: { email: `${u}@example.com`, consent: { email_marketing: true } } }, cartOf(u)]);
    await settle();
    const before = (await s.api('GET', '/v1/workers/wkr_cart_recovery')).body;
    const waiting = (await s.api('GET', '/v1/workers/wkr_cart_recovery/instances?state=waiting')).body.items as Array<{ id: string; version: number; profileId: string }>;
    expect(waiting.length).toBeGreaterThan(1);
    // A new version (a longer first wait): running journeys stay on theirs, new ones get it.
    const doc = { ...before.definition, trigger: { ...before.definition.trigger, unlessFollowedBy: { event: 'Order Completed', within: '2h' } } };
    const v2 = await s.api('PUT', '/v1/workers/wkr_cart_recovery', doc);
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(before.version + 1);
    expect((await s.api('PUT', '/v1/workers/wkr_cart_recovery', doc)).body.version).toBe(before.version + 1); // unchanged: no new version
    for (const i of waiting) expect((await s.api('GET', `/v1/instances/${i.id}`)).body.version).toBe(before.version);
    await batch([{ type: 'identify', userId: 'u_v2', traits: { email: 'u_v2@example.com', consent: { email_marketing: true } } }, cartOf('u_v2')]);
    await settle();
    const [fresh] = await instancesOf('u_v2');
    expect(fresh.version).toBe(before.version + 1);
    expect(Date.parse(fresh.wakeAt) - clock.now()).toBe(2 * 3_600_000);

    // Consent withdrawn: the journey ends at once, before any further message.
    const target = waiting[0]!;
    clock.advance(60_000); // a later moment than the grant (the ledger orders by time)
    expect((await s.api('PUT', `/v1/profiles/${target.profileId}/consent`, { purposes: { email_marketing: false } })).status).toBe(200);
    await s.braid.workers.idle();
    const gone = (await s.api('GET', `/v1/instances/${target.id}`)).body;
    expect(gone).toMatchObject({ state: 'exited', exitReason: 'consent_withdrawn' });

    // Paused: every waiting journey exits, and nothing more enters.
    const paused = await s.api('POST', '/v1/workers/wkr_cart_recovery/status', { status: 'paused' });
    expect(paused.body.exited).toBeGreaterThan(0);
    expect((await s.api('GET', '/v1/workers/wkr_cart_recovery')).body.counts.waiting).toBe(0);
    await batch([{ type: 'identify', userId: 'u_late', traits: { email: 'u_late@example.com', consent: { email_marketing: true } } }, cartOf('u_late')]);
    await settle();
    expect(await instancesOf('u_late')).toHaveLength(0);
    expect((await s.api('GET', `/v1/instances/${waiting[1]!.id}`)).body.exitReason).toBe('worker_paused');
  }, 120_000);
});
