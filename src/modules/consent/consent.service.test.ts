import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { BraidError, createManualClock, createMetrics, parseConfig, type CoreDeps } from '../../core/index.ts';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { createConsent, type ConsentInput, type ConsentService } from './index.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const clock = createManualClock(T0);
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let t: TestDb;
let consent: ConsentService;
let deps: CoreDeps;

beforeAll(async () => {
  t = await openTestDb(clock);
  deps = { db: t.db, clock, log: pino({ level: 'silent' }) as FastifyBaseLogger, config: parseConfig({}, { demo: false, logLevel: 'silent' }), metrics: createMetrics() };
  consent = createConsent(deps);
});
afterAll(async () => { await t.cleanup(); });

const input = (profileId: string, purpose: string, status: ConsentInput['status'], atMinutes: number, extra: Partial<ConsentInput> = {}): ConsentInput =>
  ({ profileId, purpose, status, at: iso(atMinutes), source: 'identify', evidence: {}, ...extra });

describe('record and check', () => {
  it('answers from the default when nothing is recorded, by jurisdiction', async () => {
    expect(await consent.check('prf_none', 'email_marketing')).toMatchObject({ allowed: false, basis: 'default', status: null, jurisdiction: '*' });
    expect(await consent.check('prf_none', 'personalization')).toMatchObject({ allowed: true, basis: 'default' });
    await consent.setJurisdiction('prf_us', 'usa');
    expect(await consent.check('prf_us', 'email_marketing')).toMatchObject({ allowed: true, jurisdiction: 'US', reason: 'no record; US default is opt-out, so allowed' });
    expect((await consent.check('prf_us', 'sms_marketing')).allowed).toBe(false);
    await consent.setJurisdiction('prf_de', 'de');
    expect(await consent.check('prf_de', 'personalization')).toMatchObject({ allowed: false, jurisdiction: 'DE', reason: 'no record; EU default (DE) is opt-in, so not allowed' });
    // an explicit jurisdiction wins over the profile's
    expect(await consent.check('prf_de', 'email_marketing', { jurisdiction: 'us' })).toMatchObject({ allowed: true, jurisdiction: 'US' });
    // unreadable countries are ignored, the last readable one stays
    await consent.setJurisdiction('prf_de', 'Atlantis');
    expect((await consent.check('prf_de', 'personalization')).jurisdiction).toBe('DE');
  });

  it('rejects bad purposes and jurisdictions naming the field', async () => {
    await expect(consent.check('prf_x', 'Email')).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'purpose' } });
    await expect(consent.check('prf_x', 'email_marketing', { jurisdiction: 'Narnia' })).rejects.toMatchObject({ details: { field: 'jurisdiction' } });
    await expect(consent.record([input('prf_x', 'email_marketing', true, 0), input('prf_x', 'bad-purpose', true, 0)]))
      .rejects.toMatchObject({ details: { field: 'inputs[1].purpose' } });
    await expect(consent.record([input('prf_x', 'email_marketing', 'maybe' as never, 0)])).rejects.toBeInstanceOf(BraidError);
    await expect(consent.record([input('prf_x', 'email_marketing', true, 0, { at: 'yesterday' })])).rejects.toMatchObject({ details: { field: 'inputs[0].at' } });
    expect(await consent.history('prf_x')).toEqual([]);
  });

  it('turns false into revoked after a grant and denied otherwise, across and within calls', async () => {
    clock.advance(1000);
    const [g] = await consent.record([input('prf_b', 'email_marketing', true, 1, { evidence: { messageId: 'm-1' } })]);
    expect(g).toMatchObject({ status: 'granted', profileId: 'prf_b', at: iso(1), recordedAt: new Date(clock.now()).toISOString(), evidence: { messageId: 'm-1' } });
    expect(g!.id).toMatch(/^cns_/);
    clock.advance(1000);
    const out = await consent.record([
      input('prf_b', 'email_marketing', false, 2),
      input('prf_b', 'sms_marketing', false, 2),
      input('prf_b', 'push_marketing', true, 2),
      input('prf_b', 'push_marketing', false, 3),
    ]);
    expect(out.map((r) => r.status)).toEqual(['revoked', 'denied', 'granted', 'revoked']);
    const check = await consent.check('prf_b', 'email_marketing');
    expect(check).toMatchObject({ allowed: false, status: 'revoked', basis: 'recorded', record: { id: out[0]!.id } });
    expect(check.reason).toBe(`revoked on ${iso(2)} via identify`);
  });

  it('lets the latest `at` win: an older record arriving later does not override', async () => {
    clock.advance(1000);
    await consent.record([input('prf_l', 'email_marketing', 'granted', 10, { evidence: { messageId: 'new' } })]);
    clock.advance(1000);
    const [late] = await consent.record([input('prf_l', 'email_marketing', false, 5, { evidence: { messageId: 'old' } })]);
    // the state at minute 5 was "nothing recorded", so this false is a denial, not a revocation
    expect(late!.status).toBe('denied');
    const c = await consent.check('prf_l', 'email_marketing');
    expect(c).toMatchObject({ allowed: true, status: 'granted', reason: `granted on ${iso(10)} via identify (message new)` });
    // a false arriving late but after the grant's time revokes it
    clock.advance(1000);
    const [rev] = await consent.record([input('prf_l', 'email_marketing', false, 11)]);
    expect(rev!.status).toBe('revoked');
    expect((await consent.history('prf_l')).map((r) => r.evidence.messageId ?? r.status)).toEqual(['revoked', 'new', 'old']);
  });

  it('breaks a tie of `at` by recording time, then by input order within one call', async () => {
    clock.advance(1000);
    await consent.record([input('prf_t', 'profiling', 'denied', 20), input('prf_t', 'profiling', 'granted', 20)]);
    expect((await consent.check('prf_t', 'profiling')).status).toBe('granted');
    clock.advance(1000);
    await consent.record([input('prf_t', 'profiling', 'revoked', 20)]);
    expect((await consent.check('prf_t', 'profiling')).status).toBe('revoked');
  });

  it('writes inside a caller transaction and rolls back with it', async () => {
    clock.advance(1000);
    await expect(t.db.transaction(async (tx) => {
      await consent.record([input('prf_tx', 'email_marketing', true, 0)], tx);
      await consent.setJurisdiction('prf_tx', 'FR', tx);
      throw new Error('projection failed');
    })).rejects.toThrow('projection failed');
    expect(await consent.history('prf_tx')).toEqual([]);
    expect((await consent.check('prf_tx', 'email_marketing')).jurisdiction).toBe('*');
    await t.db.transaction(async (tx) => {
      await consent.record([input('prf_tx', 'email_marketing', true, 0, { jurisdiction: 'fr' })], tx);
      await consent.setJurisdiction('prf_tx', 'FR', tx);
    });
    expect(await consent.check('prf_tx', 'email_marketing')).toMatchObject({ allowed: true, jurisdiction: 'FR', record: { jurisdiction: 'FR' } });
  });
});

describe('current, history and merges', () => {
  it('reports the standard purposes plus recorded ones', async () => {
    clock.advance(1000);
    await consent.setJurisdiction('prf_c', 'GB');
    await consent.record([input('prf_c', 'loyalty_updates', true, 0), input('prf_c', 'email_marketing', 'granted', 0)]);
    const cur = await consent.current('prf_c');
    expect(Object.keys(cur)).toEqual(['email_marketing', 'sms_marketing', 'push_marketing', 'personalization', 'profiling', 'ad_audience_sharing', 'loyalty_updates']);
    expect(cur.email_marketing).toMatchObject({ allowed: true, basis: 'recorded' });
    expect(cur.personalization).toMatchObject({ allowed: false, basis: 'default', jurisdiction: 'GB' });
    expect(cur.loyalty_updates).toMatchObject({ allowed: true, basis: 'recorded' });
    expect((await consent.current('prf_c', { jurisdiction: 'US' })).ad_audience_sharing).toMatchObject({ allowed: true, jurisdiction: 'US' });
  });

  it('moves both histories to the survivor, keeps the original owner, and lets the latest win', async () => {
    clock.advance(1000);
    await consent.record([input('prf_keep', 'email_marketing', 'granted', 30), input('prf_keep', 'sms_marketing', 'denied', 30)]);
    await consent.record([input('prf_gone', 'email_marketing', 'revoked', 40), input('prf_gone', 'sms_marketing', 'granted', 20)]);
    await consent.setJurisdiction('prf_gone', 'US');
    await t.db.transaction((tx) => consent.reassign('prf_gone', 'prf_keep', tx));
    expect(await consent.history('prf_gone')).toEqual([]);
    const h = await consent.history('prf_keep');
    expect(h).toHaveLength(4);
    expect(h.map((r) => r.at)).toEqual([iso(40), iso(30), iso(30), iso(20)]);
    expect(h.every((r) => r.profileId === 'prf_keep')).toBe(true);
    expect(h.filter((r) => r.originalProfileId === 'prf_gone')).toHaveLength(2);
    const cur = await consent.current('prf_keep');
    expect(cur.email_marketing).toMatchObject({ status: 'revoked', allowed: false });
    expect(cur.sms_marketing).toMatchObject({ status: 'denied', allowed: false });
    expect(cur.personalization!.jurisdiction).toBe('US'); // the survivor had none; it takes the absorbed one's
    // a false after the merge looks at the merged ledger
    clock.advance(1000);
    const [r] = await consent.record([input('prf_keep', 'sms_marketing', false, 50)]);
    expect(r!.status).toBe('denied');
  });
});

describe('policy overrides', () => {
  it('stores, validates and applies overrides', async () => {
    expect((await consent.policy()).rules).toEqual([]);
    await consent.setJurisdiction('prf_p', 'US');
    expect((await consent.check('prf_p', 'sms_marketing')).allowed).toBe(false);
    const view = await consent.setPolicy([{ jurisdiction: 'us', purpose: 'sms_marketing', mode: 'opt_out' }, { jurisdiction: '*', purpose: '*', mode: 'opt_out' }]);
    expect(view.rules).toEqual([{ jurisdiction: '*', purpose: '*', mode: 'opt_out' }, { jurisdiction: 'US', purpose: 'sms_marketing', mode: 'opt_out' }]);
    expect(view.builtin.length).toBeGreaterThan(5);
    expect(await consent.check('prf_p', 'sms_marketing')).toMatchObject({ allowed: true, reason: 'no record; US default (configured) is opt-out, so allowed' });
    expect((await consent.check('prf_p', 'new_thing')).allowed).toBe(true);
    await expect(consent.setPolicy([{ jurisdiction: 'US', purpose: 'x', mode: 'opt_in' }])).rejects.toMatchObject({ details: { field: 'rules[0].purpose' } });
    await expect(consent.setPolicy([{ jurisdiction: 'US', purpose: 'sms', mode: 'opt_in' }, { jurisdiction: 'us', purpose: 'sms', mode: 'opt_out' }]))
      .rejects.toMatchObject({ details: { field: 'rules[1]' } });
    expect((await consent.policy()).rules).toHaveLength(2); // a rejected PUT changes nothing
    await consent.setPolicy([]);
    expect((await consent.check('prf_p', 'sms_marketing')).allowed).toBe(false);
  });
});
