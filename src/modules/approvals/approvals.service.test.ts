/** The approval flow on a real database: holds, four eyes, decisions, sampling, supersession and the audit trail. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BraidError, createManualClock, DEFAULT_GOVERNANCE, type Principal } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createAudit, type AuditService } from '../audit/index.ts';
import { createApprovals, type ApprovalItem, type ApprovalsService } from './index.ts';

const clock = createManualClock(Date.parse('2026-04-01T09:00:00Z'));
const marketer: Principal = { id: 'key_mkt', kind: 'key', role: 'marketer', name: 'Mia (marketer)' };
const approver: Principal = { id: 'usr_ann', kind: 'user', role: 'approver', name: 'Ann (approver)' };
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

  it('samples low versions for review after they publish; rejecting the live one falls back to the previous live version, or takes it off', async () => {
    const deps = testDeps(t.db, clock, { governance: { ...DEFAULT_GOVERNANCE, samplePct: 100 } });
    const sampling = createApprovals(deps, { audit });
    const calls: Array<{ subject: string; version: number; fallback: number | null; doc: unknown }> = [];
    sampling.register('block', {
      publish: async () => undefined,
      unpublish: async (item, fb) => { calls.push({ subject: item.subjectId, version: item.version, fallback: fb?.item.version ?? null, doc: fb?.document }); },
    });
    // A block served before Braid recorded it (seeded): its first recorded version keeps it as version 0.
    const v1 = await sampling.submit({ kind: 'block', subjectId: 'blk_s', facts: { texts: ['hello'] }, document: { text: 'v1' }, by: marketer, baseline: { text: 'seeded' } });
    expect(v1).toMatchObject({ live: true, item: { version: 1, tier: 'low', queue: 'sample', status: 'pending' } });
    const v2 = await sampling.submit({ kind: 'block', subjectId: 'blk_s', facts: { texts: ['hi'] }, document: { text: 'v2' }, by: marketer, baseline: { text: 'ignored' } });
    expect(v2.item.version).toBe(2);
    // Rejecting v1, no longer the live version (v2 is), unpublishes nothing.
    await sampling.reject(v1.item.id, approver, 'tone is off');
    expect(calls).toEqual([]);
    expect(sampling.live('block', 'blk_s')).toMatchObject({ version: 2 });
    // Rejecting v2, the live one: back to the newest earlier live version, skipping rejected v1: the baseline.
    await sampling.reject(v2.item.id, approver, 'still off');
    expect(calls).toEqual([{ subject: 'blk_s', version: 2, fallback: 0, doc: { text: 'seeded' } }]);
    expect(sampling.live('block', 'blk_s')).toMatchObject({ version: 0 });
    const [unpub] = await audit.list({ action: 'approval.unpublish', subjectType: 'block', subjectId: 'blk_s', limit: 5 });
    expect(unpub).toMatchObject({ actor: 'user:usr_ann', data: { version: 2, fallbackVersion: 0, takenOff: false, decidedBy: { id: 'usr_ann' } } });
    // A version with nothing before it is taken off.
    const only = await sampling.submit({ kind: 'block', subjectId: 'blk_new', facts: { texts: ['hey'] }, document: {}, by: marketer });
    await sampling.reject(only.item.id, approver, 'no');
    expect(calls.at(-1)).toEqual({ subject: 'blk_new', version: 1, fallback: null, doc: undefined });
    expect(sampling.live('block', 'blk_new')).toBeUndefined();
    // A fresh process agrees (rejected samples are not live on start).
    const other = createApprovals(deps, { audit });
    await other.start();
    expect(other.live('block', 'blk_s')).toMatchObject({ version: 0 });
    expect(other.live('block', 'blk_new')).toBeUndefined();
  });

  it('retires a deleted subject: never restored, its review and held versions closed', async () => {
    const sampling = createApprovals(testDeps(t.db, clock, { governance: { ...DEFAULT_GOVERNANCE, samplePct: 100 } }), { audit });
    const fallbacks: Array<number | null> = [];
    sampling.register('template', { publish: async () => undefined, unpublish: async (_i, fb) => { fallbacks.push(fb?.item.version ?? null); } });
    await sampling.submit({ kind: 'template', subjectId: 'gone', facts: { texts: ['v1'] }, document: {}, by: marketer });
    const held = await sampling.submit({ kind: 'template', subjectId: 'gone', facts: { texts: ['$5'] }, document: {}, by: marketer });
    expect(held.live).toBe(false);
    await sampling.retire('template', 'gone', marketer);
    expect((await approvals.get(held.item.id)).status).toBe('superseded');
    expect(sampling.live('template', 'gone')).toBeUndefined();
    // Re-created: a rejected sample of the new incarnation does not bring the deleted one back.
    const again = await sampling.submit({ kind: 'template', subjectId: 'gone', facts: { texts: ['v3'] }, document: {}, by: marketer });
    expect(again.item.version).toBe(3);
    await sampling.reject(again.item.id, approver, 'no');
    expect(fallbacks).toEqual([null]);
    expect((await audit.list({ action: 'approval.retire', limit: 1 }))[0]).toMatchObject({ subjectId: 'gone', data: { retired: 1, superseded: 1 } });
  });

  it('feeds the owner\'s audience count into the tier, with the threshold in force', async () => {
    const asked: number[] = [];
    const count = (size: number) => async (stopAbove: number) => { asked.push(stopAbove); return { size, atLeast: false, basis: 'segment members' }; };
    const big = await approvals.submit({ kind: 'worker', subjectId: 'wkr_big', version: 1, facts: {}, audience: count(10_001), document: {}, by: marketer });
    expect(big).toMatchObject({ live: false, audience: { size: 10_001 }, item: { tier: 'medium', reasons: [{ code: 'audience_size' }] } });
    const small = await approvals.submit({ kind: 'worker', subjectId: 'wkr_small', version: 1, facts: {}, audience: count(10_000), document: {}, by: marketer });
    expect(small).toMatchObject({ live: true, item: { tier: 'low', reasons: [] } });
    expect(asked).toEqual([10_000, 10_000]);
    expect((await audit.list({ action: 'approval.submit', subjectType: 'worker', subjectId: 'wkr_small', limit: 1 }))[0]!.data.audience).toEqual({ size: 10_000, atLeast: false, basis: 'segment members' });
  });

  it('with approvals off, medium and high versions publish at once (tiers still recorded)', async () => {
    const off = createApprovals(testDeps(t.db, clock, { governance: { ...DEFAULT_GOVERNANCE, approvals: false } }), { audit });
    const s = await off.submit({ kind: 'offer', subjectId: 'o_off', facts: { newOffer: true, discountPct: 50 }, document: {}, by: marketer });
    expect(s).toMatchObject({ live: true, item: { tier: 'high', status: 'published', queue: null } });
  });
});
