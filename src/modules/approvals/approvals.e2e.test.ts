/**
 * Governance end to end, through public interfaces only (real Braid, real HTTP, API keys with
 * roles, real SMTP on loopback, the clock driven by the test): a marketer creates a high-risk
 * template with a price claim; it is held, so the worker using it sends nothing; the marketer
 * cannot approve it; an approver accepts it; the worker sends it; and the audit log shows the
 * whole trail (create, hold, accept by whom, publish, the send with its consent and approver) and
 * verifies. Four eyes also bind admins: an admin cannot accept their own new offer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DEFAULT_GOVERNANCE } from '../../core/index.ts';
import type { TestServer } from '../../testing/server.ts';
import type { TestSmtp } from '../../testing/smtp.ts';
import { ingestAt, startJourneyServer } from '../../testing/journeys.ts';

const T0 = Date.parse('2026-06-10T15:00:00Z');
const clock = createManualClock(T0);
let s: TestServer;
let smtp: TestSmtp;
let marketer: string;
let approver: string;
let approverKeyId: string;

const TEMPLATE = {
  id: 'boot_promo', name: 'Boot promo', purpose: 'marketing',
  email: {
    subject: '{{ profile.first_name | default: "Hi" }}, the Trail boot is now $120.00', preheader: 'Back in your size',
    html: '<p>Your {{ products[0].name }} is waiting: now $120.00.</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ postal_address }}</p>',
    text: 'Your {{ products[0].name }} is waiting: now $120.00.\nUnsubscribe: {{ unsubscribe_url }}\n{{ postal_address }}',
  },
};

const batch = (messages: unknown[]) => ingestAt(s, clock, messages);
const as = (key: string) => `Bearer ${key}`;
const cart = (userId: string) => [
  { type: 'identify', userId, traits: { email: `${userId}@example.com`, first_name: 'Ada', consent: { email_marketing: true } } },
  { type: 'track', userId, event: 'Checkout Started', properties: { order_id: `o_${userId}`, value: 120, products: [{ product_id: 'p_boot', price: 120, quantity: 1 }] } },
];
/** A cart, the hour the worker waits for an order, then its send step. */
async function abandonCart(userId: string): Promise<string> {
  await batch(cart(userId));
  await s.braid.profiles.waitForProjection(10_000);
  await s.braid.workers.idle();
  clock.advance(61 * 60_000);
  await s.braid.workers.tick();
  await s.braid.workers.idle();
  return (await s.api('GET', `/v1/profiles/userId:${userId}`)).body.id as string;
}
async function auditOf(query: string, until: (items: any[]) => boolean): Promise<any[]> {
  let items: any[] = [];
  for (let i = 0; i < 60; i++) {
    items = (await s.api('GET', `/v1/audit?${query}`)).body.items;
    if (until(items)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return items;
}

beforeAll(async () => {
  ({ s, smtp } = await startJourneyServer({ clock, stock: 10, config: { governance: { ...DEFAULT_GOVERNANCE, approvals: true, samplePct: 0 } }, brain: { globalHoldoutPct: 0 } }));
  const key = async (name: string, role: string) => {
    const r = await s.api('POST', '/v1/api-keys', { name, role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; secret: string };
  };
  marketer = (await key('Mia (marketing)', 'marketer')).secret;
  const a = await key('Ann (approvals)', 'approver');
  approver = a.secret;
  approverKeyId = a.id;
}, 60_000);
afterAll(async () => { await s?.close(); await smtp?.close(); });

describe('governance end to end', () => {
  it('holds a price-claim template until an approver accepts it, then the worker sends it, and the audit log shows the trail', async () => {
    // The marketer's worker (a cart-recovery playbook: declared medium, may carry incentives) waits for an approver too.
    const w = await s.api('POST', '/v1/playbooks/cart_recovery/install', {
      id: 'wkr_boots', status: 'on', holdoutPct: 0,
      steps: [{ id: 'pick', type: 'decide', placement: 'email_cart_recovery' }, { id: 'promo', type: 'send', channel: 'email', template: 'boot_promo' }],
    }, as(marketer));
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    expect(w.body).toMatchObject({ version: 1, liveVersion: null, approval: { held: true, tier: 'medium' } });
    expect(w.body.approval.reasons.map((r: { code: string }) => r.code)).toEqual(['declared', 'incentive']);
    expect((await s.api('POST', `/v1/approvals/${w.body.approval.id}/approve`, { comment: 'journey reviewed' }, as(approver))).status).toBe(200);
    expect((await s.api('GET', '/v1/workers/wkr_boots')).body.liveVersion).toBe(1);

    // A high-risk template: it states a price. Held: not live, not served.
    const t = await s.api('POST', '/v1/content/templates', TEMPLATE, as(marketer));
    expect(t.status, JSON.stringify(t.body)).toBe(202);
    expect(t.body.approval).toMatchObject({ held: true, tier: 'high', status: 'pending', queue: 'approval', reasons: [{ code: 'price_claim', tier: 'high' }] });
    expect((await s.api('GET', '/v1/content/templates/boot_promo')).status).toBe(404);
    const queue = (await s.api('GET', '/v1/approvals?status=pending&kind=template', undefined, as(approver))).body.items;
    expect(queue.map((i: { subjectId: string }) => i.subjectId)).toEqual(['boot_promo']);

    // The worker runs meanwhile: the template is not live, so nothing is sent and the journey says why.
    const early = await abandonCart('u_early');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.count()).toBe(0);
    const [inst] = (await s.api('GET', `/v1/workers/wkr_boots/instances?profile=${early}`)).body.items;
    expect(inst).toMatchObject({ state: 'exited', exitReason: 'qa_failed' });
    expect(JSON.stringify(inst.ctx.trail)).toContain('template_not_live');

    // The approver sees the rendered preview per channel and the QA; the marketer may not decide.
    const detail = (await s.api('GET', `/v1/approvals/${t.body.approval.id}`, undefined, as(approver))).body;
    expect(detail).toMatchObject({ kind: 'template', subjectId: 'boot_promo', version: 1, submittedBy: { name: 'Mia (marketing)' }, document: { id: 'boot_promo' } });
    expect(detail.preview.renders.length).toBeGreaterThan(0);
    expect(detail.preview.renders[0]).toMatchObject({ channel: 'email' });
    expect(detail.preview.renders[0].content.subject).toContain('$120.00');
    const refused = await s.api('POST', `/v1/approvals/${t.body.approval.id}/approve`, {}, as(marketer));
    expect(refused.status).toBe(403);
    expect((await s.api('POST', `/v1/approvals/${t.body.approval.id}/reject`, {}, as(approver))).status).toBe(400); // a rejection needs a comment

    const ok = await s.api('POST', `/v1/approvals/${t.body.approval.id}/approve`, { comment: 'matches the feed price' }, as(approver));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', decidedBy: { id: approverKeyId, name: 'Ann (approvals)' } });
    expect((await s.api('GET', '/v1/content/templates/boot_promo')).status).toBe(200);

    // Now the worker sends it, to a real SMTP server.
    const later = await abandonCart('u_later');
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toBe('u_later@example.com');
    expect(mail!.subject).toBe('Ada, the Trail boot is now $120.00');

    // The shopper's audit: what was sent, why (worker, journey, decision), under which consent, and which template version who approved.
    const sent = await auditOf(`profile=${later}&action=message.sent`, (xs) => xs.length > 0);
    const msg = (await s.api('GET', `/v1/messages?ref=${later}`)).body.items[0];
    expect(sent[0]).toMatchObject({
      actor: 'worker:wkr_boots', subjectId: msg.id,
      data: {
        consentRecordId: msg.consentRecordId, consentBasis: 'recorded', workerId: 'wkr_boots', workerVersion: 1, decisionId: msg.decisionId,
        content: { templateId: 'boot_promo', templateVersion: 1, tier: 'high', approvalId: t.body.approval.id, approvedBy: { id: approverKeyId, name: 'Ann (approvals)' } },
      },
    });
    expect(msg.consentRecordId).toMatch(/^cns_/);

    // The template's own trail: created (config change), held, accepted by the approver, published.
    const trail = await auditOf('subject=template:boot_promo', (xs) => xs.length >= 4);
    expect(trail.map((e) => [e.action, e.actor]).reverse()).toEqual([
      ['approval.submit', expect.stringMatching(/^key:/)],
      ['config.change', expect.stringMatching(/^key:/)],
      ['approval.accept', `key:${approverKeyId}`],
      ['approval.publish', `key:${approverKeyId}`],
    ]);
    expect(trail.find((e) => e.action === 'approval.submit')).toMatchObject({ data: { held: true, tier: 'high', reasons: ['price_claim'], submittedBy: { name: 'Mia (marketing)', role: 'marketer' } } });
    expect(trail.find((e) => e.action === 'approval.accept')).toMatchObject({ data: { comment: 'matches the feed price', decidedBy: { name: 'Ann (approvals)', role: 'approver' } } });

    // Decisions are summarized into the chain (one compact entry per run, not one per decision).
    await s.braid.decisioning.log.flush();
    clock.advance(11_000);
    expect(await s.braid.summarizeDecisions()).toBe(2); // the two journeys' decide steps
    const [summary] = (await s.api('GET', '/v1/audit?action=decision.summary')).body.items;
    expect(summary).toMatchObject({ actor: 'system', data: { decisions: 2, untilId: msg.decisionId, rows: [{ placement: 'email_cart_recovery', n: 2 }] } });
    expect(await s.braid.summarizeDecisions()).toBe(0); // nothing new since
    expect((await s.api('GET', '/v1/audit/verify')).body.ok).toBe(true);
  }, 120_000);

  it('four eyes bind admins too: an admin cannot accept their own new offer; another approver can', async () => {
    const o = await s.api('PUT', '/v1/offers/spring-30', { id: 'spring-30', name: 'Spring 30%', kind: 'percent_off', value: 30 });
    expect(o.status).toBe(202);
    expect(o.body.approval.reasons.map((r: { code: string }) => r.code)).toEqual(['discount_over_depth', 'new_offer']);
    expect((await s.api('GET', '/v1/offers')).body.items.map((x: { id: string }) => x.id)).not.toContain('spring-30');
    const own = await s.api('POST', `/v1/approvals/${o.body.approval.id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('four_eyes');
    expect((await s.api('POST', `/v1/approvals/${o.body.approval.id}/approve`, {}, as(approver))).status).toBe(200);
    expect((await s.api('GET', '/v1/offers')).body.items.map((x: { id: string }) => x.id)).toContain('spring-30');
    const change = await auditOf('subject=offer:spring-30&action=config.change', (xs) => xs.length > 0);
    expect(change[0]).toMatchObject({ actor: 'key:key_admin', data: { method: 'PUT', route: '/v1/offers/:id', status: 202 } });
  }, 60_000);
});
