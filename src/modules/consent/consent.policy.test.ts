import { describe, expect, it } from 'vitest';
import {
  ANY, BUILTIN_RULES, compareRecords, decide, defaultReason, latestPerPurpose, lookupPolicy, normalizeCountry,
  normalizeJurisdiction, recordedReason, regionOf, resolveStatuses, statusFromValue,
} from './consent.policy.ts';
import { STANDARD_PURPOSES, isValidPurpose, type ConsentRecord, type PolicyRule } from './consent.types.ts';

const mode = (j: string, p: string, overrides: PolicyRule[] = []) => lookupPolicy(j, p, overrides).rule.mode;

const rec = (over: Partial<ConsentRecord>): ConsentRecord => ({
  id: 'cns_1', profileId: 'prf_1', purpose: 'email_marketing', status: 'granted',
  at: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', source: 'api', evidence: {}, ...over,
});

describe('purposes', () => {
  it('accepts the standard purposes and extensible snake_case names only', () => {
    for (const p of STANDARD_PURPOSES) expect(isValidPurpose(p)).toBe(true);
    expect(isValidPurpose('loyalty_emails2')).toBe(true);
    for (const p of ['', 'a', 'Email', '1abc', 'email-marketing', 'x'.repeat(65), 'has space', '*']) expect(isValidPurpose(p), p).toBe(false);
    expect(isValidPurpose('a' + 'b'.repeat(63))).toBe(true);
  });
});

describe('countries and regions', () => {
  it('normalizes codes and common spellings, rejects the rest', () => {
    expect(normalizeCountry(' de ')).toBe('DE');
    expect(normalizeCountry('USA')).toBe('US');
    expect(normalizeCountry('United  Kingdom')).toBe('GB');
    expect(normalizeCountry('uk')).toBe('GB');
    for (const v of ['Germany', 'D', '', 42, undefined, '*']) expect(normalizeCountry(v), String(v)).toBeUndefined();
    expect(normalizeJurisdiction('*')).toBe(ANY);
    expect(normalizeJurisdiction('eu')).toBe('EU');
  });

  it('maps every EU and EEA country to EU, and nothing else', () => {
    for (const c of ['DE', 'FR', 'IE', 'PL', 'GR', 'EL', 'NO', 'IS', 'LI']) expect(regionOf(c), c).toBe('EU');
    for (const c of ['GB', 'CH', 'US', 'JP', 'EU']) expect(regionOf(c), c).toBeUndefined();
  });
});

describe('default policy lookup', () => {
  it('ships the documented built-in defaults', () => {
    expect(STANDARD_PURPOSES.map((p) => mode(ANY, p))).toEqual(['opt_in', 'opt_in', 'opt_in', 'opt_out', 'opt_out', 'opt_in']);
    expect(mode(ANY, 'brand_new_purpose')).toBe('opt_in');
    expect(mode('US', 'email_marketing')).toBe('opt_out');
    expect(mode('US', 'ad_audience_sharing')).toBe('opt_out');
    expect(mode('US', 'sms_marketing')).toBe('opt_in');
    expect(mode('US', 'push_marketing')).toBe('opt_in');
    expect(mode('US', 'personalization')).toBe('opt_out'); // falls through to '*'
    for (const j of ['EU', 'DE', 'FR', 'GB']) for (const p of [...STANDARD_PURPOSES, 'other_purpose']) expect(mode(j, p), `${j} ${p}`).toBe('opt_in');
    expect(mode('JP', 'personalization')).toBe('opt_out');
    expect(mode('JP', 'email_marketing')).toBe('opt_in');
  });

  it('looks up the country, then its region, then *; the purpose before the jurisdiction wildcard', () => {
    const overrides: PolicyRule[] = [
      { jurisdiction: 'DE', purpose: 'personalization', mode: 'opt_out' },
      { jurisdiction: ANY, purpose: 'email_marketing', mode: 'opt_out' },
      { jurisdiction: 'JP', purpose: ANY, mode: 'opt_out' },
    ];
    expect(lookupPolicy('DE', 'personalization', overrides)).toEqual({ rule: overrides[0], source: 'override' });
    expect(lookupPolicy('FR', 'personalization', overrides)).toMatchObject({ rule: { jurisdiction: 'EU', purpose: ANY }, source: 'builtin' });
    // the * override does not beat the more specific EU built-in rule
    expect(mode('FR', 'email_marketing', overrides)).toBe('opt_in');
    expect(mode('BR', 'email_marketing', overrides)).toBe('opt_out');
    expect(mode('JP', 'sms_marketing', overrides)).toBe('opt_out');
    // an override replaces the built-in rule with the same key
    expect(mode('US', 'email_marketing', [{ jurisdiction: 'US', purpose: 'email_marketing', mode: 'opt_in' }])).toBe('opt_in');
    expect(BUILTIN_RULES.some((r) => r.jurisdiction === ANY && r.purpose === ANY)).toBe(true);
  });
});

describe('boolean consent', () => {
  it('false revokes a grant and otherwise denies; true grants; explicit statuses stay', () => {
    expect(statusFromValue(true, undefined)).toBe('granted');
    expect(statusFromValue(false, 'granted')).toBe('revoked');
    expect(statusFromValue(false, undefined)).toBe('denied');
    expect(statusFromValue(false, 'denied')).toBe('denied');
    expect(statusFromValue(false, 'revoked')).toBe('denied');
    expect(statusFromValue('revoked', undefined)).toBe('revoked');
  });

  it('resolves a batch against stored state and earlier inputs of the same batch', () => {
    const T = (s: number) => Date.parse('2026-01-01T00:00:00Z') + s * 1000;
    expect(resolveStatuses([
      { key: 'a', atMs: T(1), value: true },
      { key: 'a', atMs: T(2), value: false },
      { key: 'b', atMs: T(2), value: false },
      { key: 'c', atMs: T(5), value: false },
      // an earlier batch input at an older time than the stored record does not count
      { key: 'd', atMs: T(1), value: 'granted' },
      { key: 'd', atMs: T(9), value: false },
      // same `at`: the later input of the batch is the previous state
      { key: 'e', atMs: T(3), value: 'denied' },
      { key: 'e', atMs: T(3), value: 'granted' },
      { key: 'e', atMs: T(3), value: false },
    ], [undefined, undefined, undefined, { status: 'granted', atMs: T(4) }, undefined, { status: 'denied', atMs: T(5) }, undefined, undefined, undefined]))
      .toEqual(['granted', 'revoked', 'denied', 'revoked', 'granted', 'denied', 'denied', 'granted', 'revoked']);
  });
});

describe('latest wins', () => {
  it('orders by at, then recordedAt, then id', () => {
    const old = rec({ id: 'cns_9', at: '2026-01-01T00:00:00.000Z', recordedAt: '2026-02-01T00:00:00.000Z', status: 'denied' });
    const newer = rec({ id: 'cns_1', at: '2026-01-02T00:00:00.000Z', recordedAt: '2026-01-02T00:00:00.000Z' });
    expect(compareRecords(old, newer)).toBeLessThan(0);
    const tieLaterRecorded = rec({ id: 'cns_0', at: newer.at, recordedAt: '2026-01-03T00:00:00.000Z', status: 'revoked' });
    expect(compareRecords(tieLaterRecorded, newer)).toBeGreaterThan(0);
    const tieId = rec({ id: 'cns_2', at: newer.at, recordedAt: newer.recordedAt, status: 'denied' });
    expect(compareRecords(tieId, newer)).toBeGreaterThan(0);
    const other = rec({ id: 'cns_5', purpose: 'sms_marketing' });
    const latest = latestPerPurpose([newer, old, tieId, other, tieLaterRecorded]);
    expect(latest.get('email_marketing')).toBe(tieLaterRecorded);
    expect(latest.get('sms_marketing')).toBe(other);
  });
});

describe('decisions and reasons', () => {
  it('lets a record decide whatever the mode, and says why', () => {
    const r = rec({ at: '2026-03-01T10:00:00.000Z', source: 'identify', evidence: { messageId: 'm-1' } });
    expect(recordedReason(r)).toBe('granted on 2026-03-01T10:00:00.000Z via identify (message m-1)');
    expect(decide('email_marketing', 'DE', r, [])).toMatchObject({ allowed: true, status: 'granted', basis: 'recorded', jurisdiction: 'DE', record: r });
    const d = decide('email_marketing', 'US', rec({ status: 'revoked' }), []);
    expect(d).toMatchObject({ allowed: false, status: 'revoked', basis: 'recorded' });
    expect(d.reason).toBe('revoked on 2026-01-01T00:00:00.000Z via api');
  });

  it('explains defaults by the rule that matched', () => {
    expect(decide('email_marketing', 'EU', undefined, [])).toEqual({
      allowed: false, purpose: 'email_marketing', status: null, basis: 'default', jurisdiction: 'EU',
      reason: 'no record; EU default is opt-in, so not allowed',
    });
    expect(decide('email_marketing', 'US', undefined, []).reason).toBe('no record; US default is opt-out, so allowed');
    expect(decide('profiling', 'DE', undefined, []).reason).toBe('no record; EU default (DE) is opt-in, so not allowed');
    expect(decide('profiling', ANY, undefined, [])).toMatchObject({ allowed: true, reason: 'no record; default for an unknown jurisdiction is opt-out, so allowed' });
    expect(decide('sms_marketing', 'JP', undefined, []).reason).toBe('no record; no rule for JP; global default is opt-in, so not allowed');
    expect(defaultReason('US', { rule: { jurisdiction: 'US', purpose: 'sms_marketing', mode: 'opt_out' }, source: 'override' }))
      .toBe('no record; US default (configured) is opt-out, so allowed');
  });
});
