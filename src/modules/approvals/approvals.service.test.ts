/** The approval flow on a real database: holds, four eyes, decisions, sampling, supersession and the audit trail. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BraidError, createManualClock, DEFAULT_GOVERNANCE, type Principal } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createAudit, type AuditService } from '../audit/index.ts';
import { createApprovals, type ApprovalItem, type ApprovalsService } from './index.ts';

const clock = createManualClock(Date.parse('2026-04-01T09:00:00Z'));
const marketer: Principal = { id: 'key_mkt', kind: 'key', role: 'marketer', name: 'Mia (marketer)' };
const approver: Principal = { id: 'usr_ann', kind: 'user', role: 'approver', name: 'Ann (approver)' };
const analyst: Principal = { id: 'usr_al', kind: 'user', role: 'analyst', name: 'Al' };
let t: TestDb;
let audit: AuditService;
let approvals: ApprovalsService;
const published: Array<{ id: string; doc: unknown }> = [];

const fails = async (p: Promise<unknown>): Promise<BraidError> => {
  try { await p; } catch (e) { if (e instanceof BraidError) return e; throw e; }
  throw new Error('expected a BraidError');
};

beforeAll(async () => {
  t = await openTestDb(clock);
  const deps = testDeps(t.db, clock, { governance: { ...DEFAULT_GOVERNANCE, samplePct: 0 } });
  audit = createAudit(deps);
  approvals = createApprovals(deps, { audit });
  approvals.register('template', { publish: async (item, doc) => { published.push({ id: `${item.subjectId}@${item.version}`, doc }); }, preview: (_i, doc) => ({ echo: doc }) });
  await approvals.start();
});
afterAll(async () => { await t.cleanup(); });

describe('approval flow', () => {
  it('holds a high-risk version, refuses its submitter, then publishes it on an approver\'s accept', async () => {
    const doc = { id: 'promo', email: { subject: 'Boots now $49.99' } };
    const s = await approvals.submit({ kind: 'template', subjectId: 'promo', facts: { texts: ['Boots now $49.99'] }, qa: { ok: true, reasons: [] }, document: doc, by: marketer });
    expect(s.live).toBe(false);
    expect(s.item).toMatchObject({ version: 1, tier: 'high', queue: 'approval', status: 'pending', submittedBy: { id: 'key_mkt' }, reasons: [{ code: 'price_claim' }] });
    expect(approvals.live('template', 'promo')).toBeUndefined();
    expect((await approvals.held('template', 'promo'))?.id).toBe(s.item.id);

    const own = await fails(approvals.approve(s.item.id, { ...marketer, role: 'approver' }));
    expect(own).toMatchObject({ code: 'four_eyes', status: 403 });
    expect((await fails(approvals.approve(s.item.id, analyst))).code).toBe('forbidden');
    expect((await fails(approvals.reject(s.item.id, approver, '  '))).details.field).toBe('comment');
    expect(published).toHaveLength(0);

    const ok = await approvals.approve(s.item.id, approver, 'price checked against the feed');
    expect(ok).toMatchObject({ status: 'approved', decidedBy: { id: 'usr_ann', name: 'Ann (approver)' }, comment: 'price checked against the feed' });
    expect(published).toEqual([{ id: 'promo@1', doc }]);
    expect(approvals.live('template', 'promo')).toMatchObject({ version: 1, tier: 'high', approvedBy: { id: 'usr_ann' }, submittedBy: { id: 'key_mkt' } });
    expect((await fails(approvals.approve(s.item.id, approver))).code).toBe('conflict'); // decided once

    const detail = await approvals.get(s.item.id);
    expect(detail).toMatchObject({ document: doc, preview: { echo: doc }, qa: { ok: true } });

    const trail = (await audit.list({ subjectType: 'template', subjectId: 'promo', limit: 10 })).map((e) => [e.action, e.actor]);
    expect(trail).toEqual([['approval.publish', 'user:usr_ann'], ['approval.accept', 'user:usr_ann'], ['approval.submit', 'key:key_mkt']]);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('rejects with a comment: the version never goes live', async () => {
    const s = await approvals.submit({ kind: 'template', subjectId: 'deep', facts: { texts: ['50% off everything'] }, document: {}, by: marketer });
    expect(s.item).toMatchObject({ tier: 'high', reasons: [{ code: 'discount_over_depth' }] });
    const r = await approvals.reject(s.item.id, approver, 'too deep: 20% is the ceiling');
    expect(r).toMatchObject({ status: 'rejected', comment: 'too deep: 20% is the ceiling' });
    expect(approvals.live('template', 'deep')).toBeUndefined();
    expect(published.map((p) => p.id)).not.toContain('deep@1');
    expect((await audit.list({ action: 'approval.reject', limit: 5 }))[0]).toMatchObject({ subjectId: 'deep', data: { comment: 'too deep: 20% is the ceiling' } });
  });

  it('a newer version supersedes one still held; low versions publish at once; Braid itself is not queued', async () => {
    const v1 = await approvals.submit({ kind: 'template', subjectId: 'seq', facts: { texts: ['$10'] }, document: { v: 1 }, by: marketer });
    const v2 = await approvals.submit({ kind: 'template', subjectId: 'seq', facts: { texts: ['hello'] }, document: { v: 2 }, by: marketer });
    expect(v2).toMatchObject({ live: true, item: { version: 2, tier: 'low', status: 'published', queue: null } });
    expect((await fails(approvals.approve(v1.item.id, approver))).code).toBe('conflict');
    expect((await approvals.get(v1.item.id)).status).toBe('superseded');
    const sys = await approvals.submit({ kind: 'template', subjectId: 'seeded', facts: { texts: ['$10'] }, document: {} });
    expect(sys).toMatchObject({ live: true, item: { tier: 'high', status: 'published', submittedBy: { id: 'system' } } });
  });

  it('lists the queue by status and kind, newest first, paged', async () => {
    for (let i = 0; i < 3; i++) { clock.advance(1000); await approvals.submit({ kind: 'template', subjectId: `page${i}`, facts: { declared: 'medium' }, document: {}, by: marketer }); }
    const page1 = await approvals.list({ status: 'pending', kind: 'template', limit: 2 });
    expect(page1.map((i) => i.subjectId)).toEqual(['page2', 'page1']);
    const page2 = await approvals.list({ status: 'pending', kind: 'template', limit: 2, before: page1[1]!.id });
    expect(page2.map((i: ApprovalItem) => i.subjectId)).toEqual(['page0']);
    expect(await approvals.list({ status: 'pending', kind: 'offer', limit: 10 })).toEqual([]);
    expect((await fails(approvals.list({ limit: 0 }))).details.field).toBe('limit');
  });

  it('samples low versions for review after they publish; their review does not unpublish them', async () => {
    const deps = testDeps(t.db, clock, { governance: { ...DEFAULT_GOVERNANCE, samplePct: 100 } });
    const sampling = createApprovals(deps, { audit });
    const s = await sampling.submit({ kind: 'block', subjectId: 'blk_s', facts: { texts: ['hello'] }, document: {}, by: marketer });
    expect(s).toMatchObject({ live: true, item: { tier: 'low', queue: 'sample', status: 'pending' } });
    await sampling.reject(s.item.id, approver, 'tone is off');
    expect(sampling.live('block', 'blk_s')).toMatchObject({ version: 1 });
  });

  it('with approvals off, medium and high versions publish at once (tiers still recorded)', async () => {
    const off = createApprovals(testDeps(t.db, clock, { governance: { ...DEFAULT_GOVERNANCE, approvals: false } }), { audit });
    const s = await off.submit({ kind: 'offer', subjectId: 'o_off', facts: { newOffer: true, discountPct: 50 }, document: {}, by: marketer });
    expect(s).toMatchObject({ live: true, item: { tier: 'high', status: 'published', queue: null } });
  });
});
