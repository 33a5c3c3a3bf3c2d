/**
 * Governance through the HTTP API on a real Braid (API keys with roles, a driven clock):
 * - the settings: read by anyone signed in, changed by admins only, validated naming the field,
 *   audited with before and after;
 * - the audience_size rule on real data: a worker whose segment (or recent trigger audience) is
 *   over the threshold waits for an approver, one under it goes live;
 * - rejecting a sampled, already-live version unpublishes it: the template, block, offer or
 *   worker falls back to its previous live version (or is taken off), renders, the menu and new
 *   journeys stop using it, running journeys on it end, and the audit log records it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, DEFAULT_GOVERNANCE, parseConfig } from '../../core/index.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { ingestAt, settleJourneys } from '../../testing/journeys.ts';

const T0 = Date.parse('2026-06-10T10:00:00Z');
const DAY = 86_400_000;
const clock = createManualClock(T0);
let s: TestServer;
let marketer: string;
let approver: string;
const as = (key: string) => `Bearer ${key}`;

const settings = async (patch: Record<string, unknown>) => {
  const r = await s.api('PUT', '/v1/governance/settings', patch);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const reject = async (approvalId: string, comment = 'not on brand') => {
  const r = await s.api('POST', `/v1/approvals/${approvalId}/reject`, { comment }, as(approver));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const worker = (id: string, trigger: unknown, extra: Record<string, unknown> = {}) => ({
  id, name: id, status: 'on', holdoutPct: 0, trigger,
  steps: [{ id: 'pause', type: 'wait', duration: '1h' }, { id: 'tell', type: 'send', channel: 'in_app', template: 'generic' }], ...extra,
});
const render = (templateId: string) => s.api('POST', '/v1/content/render', { templateId, channel: 'sms', profile: { id: 'prf_x', traits: {}, preferences: {} } });
const unpublished = async (subject: string) => (await s.api('GET', `/v1/audit?subject=${subject}&action=approval.unpublish`)).body.items as Array<{ actor: string; data: Record<string, any> }>;

beforeAll(async () => {
  s = await startTestServer({
    clock, config: { muscle: parseConfig({ BRAID_QUIET_HOURS: '0-0' }).muscle, governance: { ...DEFAULT_GOVERNANCE, approvals: true, samplePct: 0 } }, brain: { globalHoldoutPct: 0 },
  });
  const key = async (name: string, role: string) => (await s.api('POST', '/v1/api-keys', { name, role })).body.secret as string;
  marketer = await key('Mia (marketing)', 'marketer');
  approver = await key('Ann (approvals)', 'approver');
}, 60_000);
afterAll(async () => { await s?.close(); });

describe('governance settings over HTTP', () => {
  it('anyone signed in reads them; only admins change them; bad fields are named; each change is audited', async () => {
    const got = await s.api('GET', '/v1/governance/settings', undefined, as(marketer));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ settings: { approvals: true, maxAutoDiscountPct: 20, maxAutoAudience: 10_000, samplePct: 0 }, overridden: [], updatedBy: null });
    const denied = await s.api('PUT', '/v1/governance/settings', { samplePct: 50 }, as(marketer));
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'forbidden', permission: 'settings:write' });
    expect((await s.api('PUT', '/v1/governance/settings', { samplePct: 50 }, as(approver))).status).toBe(403);

    for (const [body, field] of [[{ samplePct: 150 }, 'samplePct'], [{ maxAutoAudience: 2.5 }, 'maxAutoAudience'], [{ approvals: 'no' }, 'approvals'], [{ sampling: 5 }, 'sampling'], [{}, 'body']] as const) {
      const r = await s.api('PUT', '/v1/governance/settings', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field, JSON.stringify(r.body)).toBe(field);
    }
    const changed = await settings({ maxAutoDiscountPct: 25, samplePct: 0 });
    expect(changed).toMatchObject({ settings: { maxAutoDiscountPct: 25 }, defaults: { maxAutoDiscountPct: 20 }, overridden: ['maxAutoDiscountPct', 'samplePct'], updatedBy: { id: 'key_admin' } });
    expect((await settings({ maxAutoDiscountPct: null })).settings.maxAutoDiscountPct).toBe(20);
    const [last, first] = (await s.api('GET', '/v1/audit?subject=governance_settings:global&action=config.change')).body.items;
    expect(first).toMatchObject({ actor: 'key:key_admin', data: { before: { maxAutoDiscountPct: 20 }, after: { maxAutoDiscountPct: 25 }, changes: { maxAutoDiscountPct: { from: 20, to: 25 } } } });
    expect(last.data.changes).toEqual({ maxAutoDiscountPct: { from: 25, to: 20 } });
  });
});

describe('the audience_size rule on real data', () => {
  it('holds a segment or event worker reaching more shoppers than the threshold; lets one under it go live', async () => {
    await settings({ maxAutoAudience: 2, samplePct: 0 });
    const users = [['a1', true], ['a2', true], ['a3', true], ['a4', false]] as const;
    await ingestAt(s, clock, users.flatMap(([u, vip]) => [
      { type: 'identify', userId: u, traits: { vip, plan: u === 'a1' ? 'gold' : 'basic' } },
      { type: 'track', userId: u, event: 'Promo Viewed', properties: {} },
    ]));
    await settleJourneys(s);

    const big = await s.api('POST', '/v1/workers', worker('wkr_vips', { type: 'segment', where: { path: 'profile.traits.vip', op: 'eq', value: true } }), as(marketer));
    expect(big.status, JSON.stringify(big.body)).toBe(201);
    expect(big.body).toMatchObject({ liveVersion: null, approval: { held: true, tier: 'medium', audience: { size: 3, atLeast: false }, reasons: [{ code: 'audience_size' }] } });
    expect(big.body.approval.reasons[0].message).toMatch(/^reaches 3 shoppers, more than 2 \(profiles in the segment now/);

    const small = await s.api('POST', '/v1/workers', worker('wkr_gold', { type: 'segment', where: { path: 'profile.traits.plan', op: 'eq', value: 'gold' } }), as(marketer));
    expect(small.body).toMatchObject({ liveVersion: 1, approval: { held: false, tier: 'low', audience: { size: 1, atLeast: false }, reasons: [] } });

    // Event triggers: distinct shoppers with the event in the last 30 days (and passing the entry rule).
    const promo = await s.api('POST', '/v1/workers', worker('wkr_promo_all', { type: 'event', event: 'Promo Viewed' }), as(marketer));
    expect(promo.body).toMatchObject({ liveVersion: null, approval: { held: true, audience: { size: 4, atLeast: false }, reasons: [{ code: 'audience_size' }] } });
    const entry = { all: [{ path: 'profile.traits.vip', op: 'eq', value: true }, { path: 'profile.traits.plan', op: 'eq', value: 'basic' }] };
    const under = await s.api('POST', '/v1/workers', worker('wkr_promo_vip', { type: 'event', event: 'Promo Viewed' }, { entry: { where: entry, reentry: 'never' } }), as(marketer));
    expect(under.body).toMatchObject({ liveVersion: 1, approval: { held: false, tier: 'low', audience: { size: 2, atLeast: false } } });
    expect(under.body.approval.audience.basis).toBe('distinct profiles with "Promo Viewed" in the last 30 days passing the entry rule');
  });

  it('counts only the last 30 days of trigger events, and follows a changed threshold', async () => {
    clock.advance(31 * DAY);
    const stale = await s.api('POST', '/v1/workers', worker('wkr_promo_late', { type: 'event', event: 'Promo Viewed' }), as(marketer));
    expect(stale.body).toMatchObject({ liveVersion: 1, approval: { held: false, audience: { size: 0 } } });
    await settings({ maxAutoAudience: 100 });
    const vips = await s.api('PUT', '/v1/workers/wkr_vips', { ...worker('wkr_vips', { type: 'segment', where: { path: 'profile.traits.vip', op: 'eq', value: true } }), name: 'VIPs' }, as(marketer));
    expect(vips.body).toMatchObject({ version: 2, liveVersion: 2, approval: { held: false, audience: { size: 3, atLeast: false } } });
  });
});

describe('rejecting a sampled, already-live version', () => {
  it('templates: back to the previous live version, then (none left) archived; a seeded template back to its default', async () => {
    await settings({ samplePct: 100, maxAutoAudience: null });
    const tpl = (body: string) => ({ id: 'tpl_news', name: 'News', sms: { body } });
    const v1 = await s.api('POST', '/v1/content/templates', tpl('New arrivals are in. Reply STOP to opt out'), as(marketer));
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    expect(v1.body.approval).toMatchObject({ held: false, tier: 'low', queue: 'sample', status: 'pending' });
    const v2 = await s.api('PUT', '/v1/content/templates/tpl_news', tpl('Fresh arrivals, hurry. Reply STOP to opt out'), as(marketer));
    expect(v2.body.approval).toMatchObject({ version: 2, queue: 'sample' });
    expect((await render('tpl_news')).body.content.body).toContain('Fresh arrivals');

    await reject(v2.body.approval.id);
    expect((await s.api('GET', '/v1/content/templates/tpl_news')).body.sms.body).toContain('New arrivals');
    expect((await render('tpl_news')).body.content.body).toContain('New arrivals'); // what a worker's send renders now
    await reject(v1.body.approval.id);
    expect((await s.api('GET', '/v1/content/templates/tpl_news')).body.status).toBe('archived');
    const off = await render('tpl_news');
    expect(off.status).toBe(400);
    expect(off.body.error.field).toBe('templateId');
    const trail = await unpublished('template:tpl_news');
    expect(trail.map((e) => [e.data.version, e.data.fallbackVersion, e.data.takenOff])).toEqual([[1, null, true], [2, 1, false]]);
    expect(trail[0]!.actor).toMatch(/^key:key_/);

    const seeded = (await s.api('GET', '/v1/content/templates/generic')).body;
    const { createdAt: _c, updatedAt: _u, ...doc } = seeded;
    const edit = await s.api('PUT', '/v1/content/templates/generic', { ...doc, name: 'Generic (edited)' }, as(marketer));
    expect(edit.body.approval).toMatchObject({ queue: 'sample', version: 1 });
    await reject(edit.body.approval.id);
    expect((await s.api('GET', '/v1/content/templates/generic')).body).toMatchObject({ name: seeded.name, status: 'active' });
  });

  it('blocks: back to the previous active version, then (none left) to draft, out of assembly', async () => {
    const blk = (text: string) => ({ id: 'blk_walks', kind: 'hook', text, status: 'active', tags: { themes: ['walking'] } });
    const v1 = await s.api('POST', '/v1/content/blocks', blk('Made for long walks.'), as(marketer));
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    const v2 = await s.api('PUT', '/v1/content/blocks/blk_walks', blk('Made for very long walks.'), as(marketer));
    expect(v2.body.approval).toMatchObject({ version: 2, queue: 'sample', held: false });
    await reject(v2.body.approval.id);
    expect((await s.api('GET', '/v1/content/blocks/blk_walks')).body).toMatchObject({ text: 'Made for long walks.', status: 'active' });
    await reject(v1.body.approval.id);
    expect((await s.api('GET', '/v1/content/blocks/blk_walks')).body).toMatchObject({ status: 'draft' });
    expect((await s.api('GET', '/v1/content/blocks?status=active')).body.items.map((b: { id: string }) => b.id)).not.toContain('blk_walks');
  });

  it('offers: back to the accepted version on the menu the decisions read', async () => {
    const offer = (value: number) => ({ id: 'spring', name: 'Spring', kind: 'percent_off', value });
    const created = await s.api('PUT', '/v1/offers/spring', offer(10), as(marketer)); // new: held
    expect(created.status).toBe(202);
    expect((await s.api('POST', `/v1/approvals/${created.body.approval.id}/approve`, {}, as(approver))).status).toBe(200);
    const changed = await s.api('PUT', '/v1/offers/spring', offer(15), as(marketer)); // low: live, sampled
    expect(changed.body.approval).toMatchObject({ tier: 'low', queue: 'sample', held: false });
    const menu = async () => (await s.api('GET', '/v1/offers')).body.items.find((o: { id: string }) => o.id === 'spring');
    expect(await menu()).toMatchObject({ value: 15, status: 'active' });
    await reject(changed.body.approval.id);
    expect(await menu()).toMatchObject({ value: 10, status: 'active' });
    expect(s.braid.offers.get('spring')).toMatchObject({ value: 10 }); // the decision engine's menu
    // A message carrying the offer records which version it was and who approved it.
    const msg = await s.api('POST', '/v1/content/render', { templateId: 'generic', channel: 'sms', offerId: 'spring', profile: { id: 'prf_x', traits: {}, preferences: {} } });
    expect(msg.body.provenance.offer).toMatchObject({ offerId: 'spring', version: 1, approvalId: created.body.approval.id, approvedBy: { name: 'Ann (approvals)' } });
    expect((await unpublished('offer:spring'))[0]).toMatchObject({ data: { version: 2, fallbackVersion: 1, takenOff: false } });
    // The offer's own trail: each change with its diff and actor, and every approval step.
    const trail = (await s.api('GET', '/v1/audit?subject=offer:spring')).body.items.reverse() as Array<{ action: string; actor: string; data: Record<string, any> }>;
    expect(trail.filter((e) => e.action !== 'config.change').map((e) => e.action)).toEqual([
      'approval.submit', 'offer.create', 'approval.accept', 'approval.publish', 'approval.submit', 'approval.publish', 'offer.update', 'approval.reject', 'approval.unpublish',
    ]);
    const mia = trail.find((e) => e.action === 'offer.create')!;
    expect(mia).toMatchObject({ actor: expect.stringMatching(/^key:key_/), data: { offer: { id: 'spring', value: 10 }, live: false, version: 1, by: { name: 'Mia (marketing)', role: 'marketer' } } });
    expect(trail.find((e) => e.action === 'offer.update')).toMatchObject({ actor: mia.actor, data: { changes: { value: { from: 10, to: 15 } }, live: true, version: 2 } });
    expect(trail.find((e) => e.action === 'approval.accept')).toMatchObject({ data: { decidedBy: { name: 'Ann (approvals)' }, submittedBy: { name: 'Mia (marketing)' } } });
  });

  it('workers: new journeys start on the previous live version; journeys on the rejected one end', async () => {
    const w = (name: string) => ({ ...worker('wkr_promo_sampled', { type: 'event', event: 'Promo Clicked' }), name });
    const v1 = await s.api('POST', '/v1/workers', w('Promo v1'), as(marketer));
    expect(v1.body).toMatchObject({ liveVersion: 1, approval: { queue: 'sample', held: false } });
    const v2 = await s.api('PUT', '/v1/workers/wkr_promo_sampled', w('Promo v2'), as(marketer));
    expect(v2.body).toMatchObject({ version: 2, liveVersion: 2, approval: { queue: 'sample' } });
    await ingestAt(s, clock, [{ type: 'track', userId: 'c1', event: 'Promo Clicked', properties: {} }]);
    await settleJourneys(s);
    const journeys = async () => (await s.api('GET', '/v1/workers/wkr_promo_sampled/instances?limit=100')).body.items as Array<{ version: number; state: string; exitReason: string | null }>;
    expect((await journeys()).map((j) => [j.version, j.state])).toEqual([[2, 'waiting']]);

    await reject(v2.body.approval.id);
    expect((await s.api('GET', '/v1/workers/wkr_promo_sampled')).body).toMatchObject({ version: 2, liveVersion: 1 });
    expect((await journeys()).map((j) => [j.version, j.state, j.exitReason])).toEqual([[2, 'exited', 'version_rejected']]);
    await ingestAt(s, clock, [{ type: 'track', userId: 'c2', event: 'Promo Clicked', properties: {} }]);
    await settleJourneys(s);
    expect((await journeys()).map((j) => [j.version, j.state]).sort()).toEqual([[1, 'waiting'], [2, 'exited']]);
    expect((await s.api('GET', '/v1/audit/verify')).body.ok).toBe(true);
  });
});
