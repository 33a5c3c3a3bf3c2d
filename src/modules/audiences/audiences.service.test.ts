import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, createManualClock, type CoreDeps, type HttpServer } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createConsent, type ConsentService } from '../consent/index.ts';
import { createEventLog, type EventLog } from '../events/index.ts';
import { createIdentity, type IdentityService } from '../identity/index.ts';
import { createProfiles, type ProfileService } from '../profiles/index.ts';
import { createTraits, type TraitsService } from '../traits/index.ts';
import { createAudiences, hashIdentifier, registerAudienceRoutes, signPayload, type AudiencesService, type ExportPayload, type OwnedContact } from './index.ts';

const NOW = Date.UTC(2026, 5, 10, 12);
const H = 3_600_000;
const clock = createManualClock(NOW);
const KEYS = { writeKey: 'wk_test_123456', adminKey: 'ak_test_123456' };
let t: TestDb;
let deps: CoreDeps;
let events: EventLog;
let identity: IdentityService;
let consent: ConsentService;
let profiles: ProfileService;
let traits: TraitsService;
let audiences: AudiencesService;
let http: HttpServer;
let dataDir: string;
let n = 0;

/** The channels module's contact history, as a real object with data the test sets. */
const contactLog = new Map<string, OwnedContact[]>();
const contactSource = {
  async contacts(ids: string[], sinceMs: number): Promise<Map<string, OwnedContact[]>> {
    const out = new Map<string, OwnedContact[]>();
    for (const id of ids) {
      const list = (contactLog.get(id) ?? []).filter((c) => c.at >= sinceMs);
      if (list.length > 0) out.set(id, list);
    }
    return out;
  },
};

const iso = (ms: number) => new Date(ms).toISOString();
async function send(messages: Array<Record<string, unknown>>): Promise<void> {
  await events.ingest(messages.map((m) => ({ messageId: `aud-${++n}`, timestamp: iso(clock.now()), ...m })));
  await profiles.projector.drain();
  await traits.settle();
}
const shopper = (userId: string, traitsIn: Record<string, unknown>, share: boolean | undefined) => ({
  type: 'identify', userId, traits: { ...traitsIn, ...(share === undefined ? {} : { consent: { ad_audience_sharing: share } }) },
});
const idOf = async (ref: string) => (await identity.resolveRef(ref))!;
const api = async (method: string, url: string, body?: unknown) => {
  const r = await http.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${KEYS.adminKey}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
};
const gold = { path: 'profile.traits.tier', op: 'eq', value: 'gold' };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'braid-aud-'));
  t = await openTestDb(clock);
  deps = testDeps(t.db, clock, { dataDir });
  events = createEventLog(deps);
  identity = createIdentity(deps);
  consent = createConsent(deps);
  profiles = createProfiles(deps, { events, identity, consent });
  traits = createTraits(deps, { profiles, events, autoRefit: false });
  traits.start();
  audiences = createAudiences(deps, { profiles, identity, consent, traits, contacts: contactSource }, { tickMs: 50, pageSize: 2 });
  http = await createHttpServer({ logger: deps.log, keys: KEYS, metrics: deps.metrics, version: 'test' });
  registerAudienceRoutes(http, audiences);
  await http.ready();

  await send([
    shopper('ann', { email: ' Ann.Smith@Gmail.com', phone: '+1 650 555 1234', tier: 'gold' }, true),
    shopper('bob', { email: 'bob@example.com', tier: 'gold' }, false),
    shopper('cat', { email: 'cat@example.com', tier: 'silver' }, true),
    shopper('dan', { email: 'dan@example.com', tier: 'gold' }, true),
    shopper('eve', { email: 'eve@example.com', tier: 'gold' }, true),
    shopper('fay', { email: 'fay@example.com', tier: 'gold' }, true),
    shopper('gus', { tier: 'gold' }, true), // no email or phone: nothing to match on
    { type: 'track', userId: 'dan', event: 'Order Completed', timestamp: iso(NOW - 10 * H), properties: { order_id: 'o-dan', revenue: 30, products: [{ product_id: 'p1', price: 30, quantity: 1 }] } },
  ]);
  contactLog.set(await idOf('userId:eve'), [{ channel: 'email', at: NOW - 5 * H, status: 'delivered' }]);
  contactLog.set(await idOf('userId:fay'), [
    { channel: 'email', at: NOW - 5 * H, status: 'bounced' }, // never reached her
    { channel: 'sms', at: NOW - 1 * H, status: 'delivered' }, // not an email
  ]);
});
afterAll(async () => {
  await audiences.stop();
  await traits.stop();
  await http.close();
  await t.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

describe('audience membership and file export', () => {
  it('honours the condition, ad_audience_sharing consent and paid-media suppression', async () => {
    const created = await api('POST', '/v1/audiences', { id: 'gold_meta', name: 'Gold', where: gold, destination: { type: 'file' }, format: 'meta' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'gold_meta', refreshMinutes: 5, status: 'active', destination: { type: 'file', path: join(dataDir, 'audiences', 'gold_meta.meta.csv') } });

    const r = await api('POST', '/v1/audiences/gold_meta/refresh');
    expect(r.status).toBe(200);
    // ann (gold, consent) and fay (a bounced email and an SMS do not suppress); not bob (no consent),
    // cat (silver), dan (ordered 10 h ago), eve (emailed 5 h ago), gus (no identifiers)
    expect(r.body).toMatchObject({ ran: true, profiles: 2, adds: 3, removes: 0 });

    const csv = await readFile(join(dataDir, 'audiences', 'gold_meta.meta.csv'), 'utf8');
    const annEmail = hashIdentifier('meta', 'email', 'ann.smith@gmail.com')!;
    const annPhone = hashIdentifier('meta', 'phone', '16505551234')!;
    const fayEmail = hashIdentifier('meta', 'email', 'fay@example.com')!;
    expect(csv.split('\n')[0]).toBe('email,phone');
    expect(csv.trim().split('\n').slice(1).sort()).toEqual([`${annEmail},${annPhone}`, `${fayEmail},`].sort());
    expect(annPhone).toBe('6069d14bf122fdfd931dc7beb58e5dfbba395b1faf05bdcd42d12358d63d8599'); // sha256("16505551234")

    const status = await api('GET', '/v1/audiences/gold_meta/status');
    expect(status.body).toMatchObject({ lastRefreshAt: iso(NOW), lastError: null, profiles: 2, emails: 2, phones: 1, lastAdds: 3, lastRemoves: 0 });

    // hashed members, paged
    const p1 = await api('GET', '/v1/audiences/gold_meta/members?limit=2');
    expect(p1.body.items).toHaveLength(2);
    const p2 = await api('GET', `/v1/audiences/gold_meta/members?limit=2&after=${p1.body.nextCursor}`);
    expect(p2.body).toMatchObject({ nextCursor: null });
    const all = [...p1.body.items, ...p2.body.items];
    expect(all).toEqual(expect.arrayContaining([{ type: 'email', hash: annEmail }, { type: 'phone', hash: annPhone }, { type: 'email', hash: fayEmail }]));
    expect(JSON.stringify(all)).not.toMatch(/@/);
  });

  it('lets a suppressed shopper back once the window has passed', async () => {
    clock.advance(80 * H); // past the 72 h default: dan's order and eve's email are older now
    const r = await audiences.refresh('gold_meta');
    expect(r).toMatchObject({ profiles: 4, adds: 2, removes: 0 });
    clock.set(NOW);
  });
});

describe('webhook export', () => {
  let receiver: Server;
  let url = '';
  const received: Array<{ payload: ExportPayload; valid: boolean }> = [];
  let failNext = false;
  const body = (req: IncomingMessage) => new Promise<string>((resolve) => { let s = ''; req.on('data', (c) => { s += c; }); req.on('end', () => resolve(s)); });

  beforeAll(async () => {
    receiver = createServer(async (req, res) => {
      const raw = await body(req);
      const ts = String(req.headers['x-braid-timestamp']);
      const valid = req.headers['x-braid-signature'] === signPayload('s3cret-key', ts, raw) && Math.abs(Number(ts) * 1000 - clock.now()) < 300_000;
      if (failNext) { failNext = false; res.writeHead(500).end('boom'); return; }
      received.push({ payload: JSON.parse(raw) as ExportPayload, valid });
      res.writeHead(valid ? 204 : 401).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const addr = receiver.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;
  });
  afterAll(async () => { await new Promise((resolve) => receiver.close(resolve)); });

  it('sends signed adds, then only the difference, and retries a failed export whole', async () => {
    const c = await api('POST', '/v1/audiences', { id: 'gold_google', name: 'Gold G', where: gold, destination: { type: 'webhook', url, secret: 's3cret-key' }, format: 'google' });
    expect(c.status).toBe(201);
    expect(c.body.destination).toEqual({ type: 'webhook', url, secretSet: true });
    expect((await api('POST', '/v1/audiences/gold_google/refresh')).status).toBe(200);
    expect(received).toHaveLength(1);
    const first = received[0]!;
    expect(first.valid).toBe(true);
    const annEmail = hashIdentifier('google', 'email', 'annsmith@gmail.com')!; // Google drops gmail dots
    const annPhone = hashIdentifier('google', 'phone', '+16505551234')!;
    expect(annPhone).toBe('a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0'); // sha256("+16505551234")
    expect(first.payload).toMatchObject({ audience: { id: 'gold_google', name: 'Gold G' }, format: 'google', removes: [], at: iso(NOW) });
    expect(first.payload.adds.sort()).toEqual([annEmail, annPhone, hashIdentifier('google', 'email', 'fay@example.com')!].sort());
    expect(first.payload.byType.phone.adds).toEqual([annPhone]);

    // nothing changed: nothing sent
    await audiences.refresh('gold_google');
    expect(received).toHaveLength(1);

    // ann withdraws consent, cat moves to gold: one export with both
    // a minute after her grant: records at the same instant have no order the ledger can rely on
    await send([{ ...shopper('ann', {}, false), timestamp: iso(NOW + 60_000) }, shopper('cat', { tier: 'gold' }, undefined)]);
    failNext = true;
    await expect(audiences.refresh('gold_google')).rejects.toThrow(/answered 500/);
    const failed = await audiences.status('gold_google');
    expect(failed.lastError).toMatch(/answered 500/);
    const r = await audiences.refresh('gold_google');
    expect(r).toMatchObject({ adds: 1, removes: 2 });
    const second = received[1]!;
    expect(second.valid).toBe(true);
    expect(second.payload.adds).toEqual([hashIdentifier('google', 'email', 'cat@example.com')]);
    expect(second.payload.removes.sort()).toEqual([annEmail, annPhone].sort());
    expect((await audiences.status('gold_google')).lastError).toBeNull();
  });
});

describe('definitions', () => {
  it('refreshes due audiences on the timer', async () => {
    expect((await api('POST', '/v1/audiences', { id: 'timed', name: 'Timed', where: gold, destination: { type: 'file', path: 'timed.csv' }, format: 'google', refreshMinutes: 1 })).status).toBe(201);
    audiences.start();
    const deadline = performance.now() + 5000;
    while ((await audiences.status('timed')).lastRefreshAt === null && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await audiences.stop();
    expect((await audiences.status('timed')).lastRefreshAt).toBe(iso(NOW));
    expect((await readFile(join(dataDir, 'audiences', 'timed.csv'), 'utf8')).split('\n')[0]).toBe('Email,Phone');
  });

  it('names bad fields with 400s and unknown audiences with 404', async () => {
    const base = { name: 'x', destination: { type: 'file' }, format: 'meta' };
    const cases: Array<[unknown, string]> = [
      [{ ...base, where: { path: 'traits.lifecycle', op: 'nope', value: 1 } }, 'where.op'],
      [{ ...base, where: { all: [gold, { path: 'profile.traits.health', op: 'exists' }] } }, 'where.all[1].path'],
      [{ ...base, where: gold, destination: { type: 'file', path: '../../etc/passwd' } }, 'destination.path'],
      [{ ...base, where: gold, format: 'tiktok' }, 'format'],
      [{ ...base, where: gold, refreshMinutes: 0 }, 'refreshMinutes'],
      [{ ...base, where: gold, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const r = await api('POST', '/v1/audiences', body);
      expect(r.status, field).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await api('POST', '/v1/audiences', { ...base, id: 'gold_meta', where: gold })).status).toBe(409);
    expect((await api('GET', '/v1/audiences/nope')).status).toBe(404);
    expect((await api('POST', '/v1/audiences/nope/refresh')).status).toBe(404);
    expect((await api('GET', '/v1/audiences/gold_meta/members?after=zzz')).body.error.field).toBe('after');
  });

  it('lists, replaces and deletes (with the export file)', async () => {
    const list = await api('GET', '/v1/audiences');
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual(['gold_google', 'gold_meta', 'timed']);
    const put = await api('PUT', '/v1/audiences/gold_meta', { name: 'Gold (paused)', where: gold, destination: { type: 'file' }, format: 'meta', status: 'paused' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Gold (paused)', status: 'paused' });
    expect((await api('GET', '/v1/audiences/gold_meta')).body.refresh).toMatchObject({ nextRefreshAt: null });
    const file = join(dataDir, 'audiences', 'gold_meta.meta.csv');
    await stat(file);
    expect((await api('DELETE', '/v1/audiences/gold_meta')).status).toBe(204);
    await expect(stat(file)).rejects.toThrow();
    expect((await api('GET', '/v1/audiences/gold_meta')).status).toBe(404);
  });
});
