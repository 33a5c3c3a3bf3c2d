import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { createHttpServer, createManualClock, createMetrics, parseConfig, type CoreDeps, type HttpServer } from '../../core/index.ts';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { createIdentity } from '../identity/index.ts';
import { createConsent, registerConsentRoutes, type ConsentService } from './index.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const clock = createManualClock(T0);
const auth = { authorization: 'Bearer ak_test_123456' };
let t: TestDb;
let app: HttpServer;
let consent: ConsentService;

/** Profiles are owned by the identity module; tests create them the way its tables lay them out. */
async function profile(id: string, identities: Array<[string, string]> = [], mergedInto?: string): Promise<void> {
  await t.db.query(`insert into profile_registry (id, created_at, merged_into) values ($1, $2, $3)`, [id, new Date(T0).toISOString(), mergedInto ?? null]);
  for (const [type, value] of identities) {
    await t.db.query(`insert into identities (type, value, profile_id, first_seen_at) values ($1, $2, $3, $4)`, [type, value, id, new Date(T0).toISOString()]);
  }
}

beforeAll(async () => {
  t = await openTestDb(clock);
  const log = pino({ level: 'silent' }) as FastifyBaseLogger;
  const metrics = createMetrics();
  const deps: CoreDeps = { db: t.db, clock, log, config: parseConfig({}, { demo: false, logLevel: 'silent' }), metrics };
  app = await createHttpServer({ logger: log, keys: { writeKey: 'wk_test_123456', adminKey: 'ak_test_123456' }, metrics, version: 'test' });
  consent = createConsent(deps);
  registerConsentRoutes(app, consent, createIdentity(deps));
  await app.ready();
  await profile('prf_us', [['user_id', 'u-us'], ['email', 'us@example.com']]);
  await profile('prf_eu', [['user_id', 'u-eu']]);
  await profile('prf_nowhere', [['user_id', 'u-nowhere']]);
  await profile('prf_alice', [['user_id', 'alice']]);
  await profile('prf_keep', [['user_id', 'keep']]);
  await profile('prf_gone', [['anonymous_id', 'anon-gone']], 'prf_keep');
  await profile('prf_pol', [['user_id', 'pol']]);
  await consent.setJurisdiction('prf_us', 'US');
  await consent.setJurisdiction('prf_eu', 'FR');
  await consent.setJurisdiction('prf_pol', 'US');
});
afterAll(async () => { await app.close(); await t.cleanup(); });

const inject = (method: 'GET' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = auth) =>
  app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as string }) });
const check = async (ref: string, purpose: string, extra = '') => {
  const res = await inject('GET', `/v1/consent/check?ref=${encodeURIComponent(ref)}&purpose=${purpose}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('auth and validation', () => {
  it('refuses every consent route without the admin key', async () => {
    const routes = [['GET', '/v1/consent/check?ref=userId:u-us&purpose=email_marketing'], ['GET', '/v1/consent/policy'], ['PUT', '/v1/consent/policy'],
      ['GET', '/v1/profiles/userId:u-us/consent'], ['GET', '/v1/profiles/userId:u-us/consent/history'], ['PUT', '/v1/profiles/userId:u-us/consent']] as const;
    for (const [method, url] of routes) {
      expect((await inject(method, url, method === 'PUT' ? {} : undefined, {})).statusCode, url).toBe(401);
      expect((await inject(method, url, method === 'PUT' ? {} : undefined, { authorization: 'Bearer wk_test_123456' })).statusCode, url).toBe(401);
    }
  });

  it('answers 404 for an unknown ref and 400 naming the field for bad input', async () => {
    for (const [method, url, body] of [
      ['GET', '/v1/consent/check?ref=userId:nobody&purpose=email_marketing'],
      ['GET', '/v1/profiles/userId:nobody/consent'],
      ['GET', '/v1/profiles/prf_unknown/consent/history'],
      ['PUT', '/v1/profiles/email:nobody@example.com/consent', { purposes: { email_marketing: true } }],
    ] as const) {
      const res = await inject(method, url, body);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const cases: Array<['GET' | 'PUT', string, unknown, string]> = [
      ['GET', '/v1/consent/check?ref=userId:u-us&purpose=Email-Marketing', undefined, 'purpose'],
      ['GET', '/v1/consent/check?ref=userId:nobody&purpose=x', undefined, 'purpose'],
      ['GET', '/v1/consent/check?ref=userId:u-us&purpose=email_marketing&jurisdiction=Mars', undefined, 'jurisdiction'],
      ['GET', '/v1/consent/check?ref=userId:u-us', undefined, 'purpose'],
      ['PUT', '/v1/profiles/userId:u-us/consent', { purposes: { 'Bad Purpose': true } }, 'purposes.Bad Purpose'],
      ['PUT', '/v1/profiles/userId:nobody/consent', { purposes: { email_marketing: 'maybe' } }, 'purposes.email_marketing'],
      ['PUT', '/v1/profiles/userId:u-us/consent', { purposes: {} }, 'purposes'],
      ['PUT', '/v1/profiles/userId:u-us/consent', { purposes: { email_marketing: true }, at: 'noon' }, 'at'],
      ['PUT', '/v1/profiles/userId:u-us/consent', { purposes: { email_marketing: true }, evidence: 'form' }, 'evidence'],
      ['PUT', '/v1/profiles/userId:u-us/consent', { purposes: { email_marketing: true }, extra: 1 }, 'extra'],
      ['PUT', '/v1/consent/policy', { rules: [{ jurisdiction: 'USA', purpose: 'email_marketing', mode: 'opt_in' }] }, 'rules[0].jurisdiction'],
      ['PUT', '/v1/consent/policy', { rules: [{ jurisdiction: 'US', purpose: 'email_marketing', mode: 'sometimes' }] }, 'rules[0].mode'],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await inject(method, url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error, url).toMatchObject({ code: 'invalid_request', field });
    }
    expect((await inject('GET', '/v1/profiles/userId:u-us/consent/history')).json().records).toEqual([]);
  });
});

describe('checks and defaults', () => {
  it('uses the jurisdiction default when nothing is recorded; an explicit jurisdiction wins', async () => {
    expect(await check('userId:u-us', 'email_marketing')).toEqual({
      allowed: true, purpose: 'email_marketing', status: null, basis: 'default', jurisdiction: 'US', reason: 'no record; US default is opt-out, so allowed',
    });
    expect(await check('email:US@example.com', 'sms_marketing')).toMatchObject({ allowed: false, jurisdiction: 'US' });
    expect(await check('userId:u-eu', 'email_marketing')).toMatchObject({ allowed: false, jurisdiction: 'FR', reason: 'no record; EU default (FR) is opt-in, so not allowed' });
    expect(await check('userId:u-eu', 'personalization')).toMatchObject({ allowed: false });
    expect(await check('userId:u-nowhere', 'email_marketing')).toMatchObject({ allowed: false, jurisdiction: '*' });
    expect(await check('userId:u-nowhere', 'personalization')).toMatchObject({ allowed: true, jurisdiction: '*' });
    expect(await check('userId:u-eu', 'email_marketing', '&jurisdiction=US')).toMatchObject({ allowed: true, jurisdiction: 'US' });
    expect(await check('userId:u-us', 'email_marketing', '&jurisdiction=EU')).toMatchObject({ allowed: false, reason: 'no record; EU default is opt-in, so not allowed' });
  });

  it('lists the standard purposes with their defaults', async () => {
    const res = await inject('GET', '/v1/profiles/userId:u-eu/consent');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.profileId).toBe('prf_eu');
    expect(Object.keys(body.purposes)).toHaveLength(6);
    expect(Object.values(body.purposes).every((d) => (d as { basis: string; allowed: boolean }).basis === 'default' && !(d as { allowed: boolean }).allowed)).toBe(true);
    const us = (await inject('GET', '/v1/profiles/userId:u-eu/consent?jurisdiction=us')).json();
    expect(us.purposes.ad_audience_sharing).toMatchObject({ allowed: true, jurisdiction: 'US' });
  });
});

describe('recording over HTTP', () => {
  it('grants, then false revokes; never granted then false denies; history is newest first with evidence', async () => {
    clock.advance(60_000);
    let res = await inject('PUT', '/v1/profiles/userId:alice/consent', {
      purposes: { email_marketing: 'granted', loyalty_news: true }, source: 'preference_center', evidence: { formId: 'f-7', messageId: 'm-1' },
      at: '2026-03-01T12:00:30Z',
    });
    expect(res.statusCode, res.body).toBe(200);
    let body = res.json();
    expect(body.profileId).toBe('prf_alice');
    expect(body.purposes.email_marketing).toMatchObject({
      allowed: true, status: 'granted', basis: 'recorded',
      reason: 'granted on 2026-03-01T12:00:30.000Z via preference_center (message m-1)',
      record: { source: 'preference_center', evidence: { formId: 'f-7', messageId: 'm-1' }, at: '2026-03-01T12:00:30.000Z' },
    });
    expect(body.purposes.loyalty_news).toMatchObject({ allowed: true, status: 'granted' });

    clock.advance(60_000);
    res = await inject('PUT', '/v1/profiles/prf_alice/consent', { purposes: { email_marketing: false, sms_marketing: false } });
    body = res.json();
    expect(body.purposes.email_marketing).toMatchObject({ allowed: false, status: 'revoked' });
    expect(body.purposes.sms_marketing).toMatchObject({ allowed: false, status: 'denied' });
    expect(body.purposes.sms_marketing.record).toMatchObject({ source: 'api', evidence: {}, at: new Date(clock.now()).toISOString() });

    const check1 = await check('userId:alice', 'email_marketing');
    expect(check1).toMatchObject({ allowed: false, status: 'revoked', basis: 'recorded' });
    expect(check1.reason).toMatch(/^revoked on .* via api$/);

    res = await inject('GET', '/v1/profiles/userId:alice/consent/history');
    const records = res.json().records as Array<{ purpose: string; status: string; evidence: Record<string, unknown>; at: string }>;
    expect(records).toHaveLength(4);
    expect(records.slice(0, 2).map((r) => r.status).sort()).toEqual(['denied', 'revoked']);
    expect(records.slice(2).every((r) => r.status === 'granted' && r.evidence.formId === 'f-7')).toBe(true);
    expect(records.map((r) => r.at)).toEqual([...records.map((r) => r.at)].sort().reverse());
  });

  it('keeps the latest `at`: a change of mind dated earlier does not override', async () => {
    clock.advance(60_000);
    await inject('PUT', '/v1/profiles/userId:alice/consent', { purposes: { push_marketing: 'granted' }, at: '2026-03-01T13:00:00Z' });
    clock.advance(60_000);
    const res = await inject('PUT', '/v1/profiles/userId:alice/consent', { purposes: { push_marketing: 'denied' }, at: '2026-03-01T12:30:00Z' });
    expect(res.json().purposes.push_marketing).toMatchObject({ allowed: true, status: 'granted', record: { at: '2026-03-01T13:00:00.000Z' } });
    const history = (await inject('GET', '/v1/profiles/userId:alice/consent/history')).json().records;
    expect(history[0]).toMatchObject({ purpose: 'push_marketing', status: 'granted' });
  });

  it('keeps both histories after a merge and lets the latest record win', async () => {
    clock.advance(60_000);
    await consent.record([{ profileId: 'prf_keep', purpose: 'email_marketing', status: 'granted', at: '2026-03-01T10:00:00Z', source: 'identify', evidence: { messageId: 'k-1' } }]);
    await consent.record([{ profileId: 'prf_gone', purpose: 'email_marketing', status: false, at: '2026-03-01T11:00:00Z', source: 'track', evidence: { messageId: 'g-1' } }]);
    await t.db.transaction((tx) => consent.reassign('prf_gone', 'prf_keep', tx));
    // the absorbed profile's refs resolve to the survivor
    const res = await inject('GET', '/v1/profiles/anonymousId:anon-gone/consent/history');
    expect(res.json()).toMatchObject({ profileId: 'prf_keep' });
    expect(res.json().records.map((r: { evidence: { messageId: string }; originalProfileId?: string }) => [r.evidence.messageId, r.originalProfileId]))
      .toEqual([['g-1', 'prf_gone'], ['k-1', undefined]]);
    expect(await check('prf_gone', 'email_marketing')).toMatchObject({ allowed: false, status: 'denied', reason: 'denied on 2026-03-01T11:00:00.000Z via track (message g-1)' });
  });
});

describe('policy', () => {
  it('shows the built-in defaults, stores overrides and applies them to checks', async () => {
    let res = await inject('GET', '/v1/consent/policy');
    expect(res.statusCode).toBe(200);
    expect(res.json().rules).toEqual([]);
    expect(res.json().builtin).toContainEqual({ jurisdiction: 'US', purpose: 'email_marketing', mode: 'opt_out' });
    expect(await check('userId:pol', 'email_marketing')).toMatchObject({ allowed: true });

    res = await inject('PUT', '/v1/consent/policy', { rules: [{ jurisdiction: 'us', purpose: 'email_marketing', mode: 'opt_in' }, { jurisdiction: 'EU', purpose: 'personalization', mode: 'opt_out' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rules).toEqual([{ jurisdiction: 'EU', purpose: 'personalization', mode: 'opt_out' }, { jurisdiction: 'US', purpose: 'email_marketing', mode: 'opt_in' }]);
    expect((await inject('GET', '/v1/consent/policy')).json().rules).toHaveLength(2);
    expect(await check('userId:pol', 'email_marketing')).toMatchObject({ allowed: false, reason: 'no record; US default (configured) is opt-in, so not allowed' });
    expect(await check('userId:u-eu', 'personalization')).toMatchObject({ allowed: true });
    // a recorded choice still beats any default
    expect(await check('userId:alice', 'loyalty_news', '&jurisdiction=US')).toMatchObject({ allowed: true, basis: 'recorded' });

    res = await inject('PUT', '/v1/consent/policy', { rules: [] });
    expect(res.json().rules).toEqual([]);
    expect(await check('userId:pol', 'email_marketing')).toMatchObject({ allowed: true });
  });
});
