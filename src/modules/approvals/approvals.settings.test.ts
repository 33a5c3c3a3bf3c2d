/**
 * Governance settings: the environment's defaults, overridden through the service (the API's
 * PUT), stored in the database and so applied by every process from its next submission, each
 * change audited with before and after; bad input names the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BraidError, createManualClock, DEFAULT_GOVERNANCE, type Principal } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createAudit, type AuditService } from '../audit/index.ts';
import { createApprovals, type ApprovalsService } from './index.ts';
import { applyPatch, parseSettingsPatch } from './approvals.settings.ts';

const clock = createManualClock(Date.parse('2026-04-02T09:00:00Z'));
const admin: Principal = { id: 'usr_root', kind: 'user', role: 'admin', name: 'Root' };
const marketer: Principal = { id: 'key_mkt', kind: 'key', role: 'marketer', name: 'Mia' };
let t: TestDb;
let audit: AuditService;
let a: ApprovalsService;
let b: ApprovalsService;

const fieldOf = (f: () => unknown): string | undefined => {
  try { f(); } catch (e) { if (e instanceof BraidError) return `${e.status} ${String(e.details.field)}`; throw e; }
  return undefined;
};

beforeAll(async () => {
  t = await openTestDb(clock);
  const deps = testDeps(t.db, clock, { governance: { ...DEFAULT_GOVERNANCE, samplePct: 0 } });
  audit = createAudit(deps);
  // Two processes on one database: two services.
  a = createApprovals(deps, { audit });
  b = createApprovals(deps, { audit });
});
afterAll(async () => { await t.cleanup(); });

describe('parsing a change', () => {
  it('names the field of every problem', () => {
    expect(fieldOf(() => parseSettingsPatch({ samplePct: 101 }))).toBe('400 samplePct');
    expect(fieldOf(() => parseSettingsPatch({ maxAutoAudience: 10.5 }))).toBe('400 maxAutoAudience');
    expect(fieldOf(() => parseSettingsPatch({ maxAutoDiscountPct: '20' }))).toBe('400 maxAutoDiscountPct');
    expect(fieldOf(() => parseSettingsPatch({ approvals: 'off' }))).toBe('400 approvals');
    expect(fieldOf(() => parseSettingsPatch({ maxAudience: 5 }))).toBe('400 maxAudience');
    expect(fieldOf(() => parseSettingsPatch({}))).toBe('400 body');
    expect(fieldOf(() => parseSettingsPatch([]))).toBe('400 body');
  });

  it('null returns a field to the environment', () => {
    expect(applyPatch({ samplePct: 10, maxAutoAudience: 5 }, parseSettingsPatch({ samplePct: null, maxAutoDiscountPct: 30 }))).toEqual({ maxAutoAudience: 5, maxAutoDiscountPct: 30 });
  });
});

describe('settings across processes', () => {
  it('starts from the environment; a change on one process applies on the other from its next submission', async () => {
    expect(await b.settings()).toEqual({
      settings: { ...DEFAULT_GOVERNANCE, samplePct: 0 }, defaults: { ...DEFAULT_GOVERNANCE, samplePct: 0 }, overridden: [], updatedAt: null, updatedBy: null,
    });
    const offer = (id: string, by = marketer) => b.submit({ kind: 'offer', subjectId: id, facts: { discountPct: 25 }, document: {}, by });
    expect((await offer('o1')).item.tier).toBe('high'); // 25% > 20%

    const view = await a.updateSettings({ maxAutoDiscountPct: 30, maxAutoAudience: 500 }, admin);
    expect(view).toMatchObject({ settings: { maxAutoDiscountPct: 30, maxAutoAudience: 500, samplePct: 0 }, overridden: ['maxAutoDiscountPct', 'maxAutoAudience'], updatedBy: { id: 'usr_root', name: 'Root' } });
    expect((await b.settings()).settings.maxAutoDiscountPct).toBe(30);
    expect((await offer('o2')).item).toMatchObject({ tier: 'low', status: 'published' }); // the other process applies it at once

    // The switch and the sampling rate too.
    await a.updateSettings({ samplePct: 100 }, admin);
    expect((await offer('o3')).item).toMatchObject({ queue: 'sample', status: 'pending' });
    await a.updateSettings({ approvals: false, maxAutoDiscountPct: null }, admin);
    const off = await offer('o4');
    expect(off).toMatchObject({ live: true, item: { tier: 'high', queue: null } }); // 20% again, but approvals off
    expect((await b.settings())).toMatchObject({ settings: { approvals: false, maxAutoDiscountPct: 20 }, overridden: ['approvals', 'maxAutoAudience', 'samplePct'] });
  });

  it('audits every change as config.change with before and after', async () => {
    const entries = await audit.list({ action: 'config.change', subjectType: 'governance_settings', limit: 10 });
    expect(entries).toHaveLength(3);
    expect(entries.at(-1)).toMatchObject({
      actor: 'user:usr_root', subjectId: 'global',
      data: {
        before: { maxAutoDiscountPct: 20, maxAutoAudience: 10_000 }, after: { maxAutoDiscountPct: 30, maxAutoAudience: 500 },
        changes: { maxAutoDiscountPct: { from: 20, to: 30 }, maxAutoAudience: { from: 10_000, to: 500 } }, principal: { id: 'usr_root', role: 'admin' },
      },
    });
    expect(entries[0]!.data.changes).toEqual({ approvals: { from: true, to: false }, maxAutoDiscountPct: { from: 30, to: 20 } });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('refuses a bad change without storing or auditing it', async () => {
    const before = await a.settings();
    await expect(a.updateSettings({ samplePct: -1 }, admin)).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'samplePct' } });
    expect(await a.settings()).toEqual(before);
    expect(await audit.list({ action: 'config.change', subjectType: 'governance_settings', limit: 10 })).toHaveLength(3);
  });
});
