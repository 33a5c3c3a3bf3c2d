/** The audit routes over a bare HTTP server, and `braid audit` (src/cli/audit.ts) against them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, createManualClock, type HttpServer } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { runAudit } from '../../cli/audit.ts';
import { parseArgs } from '../../cli/args.ts';
import type { BraidClient } from '../../cli/client.ts';
import type { CliIo } from '../../cli/io.ts';
import { createAudit, registerAuditRoutes, type AuditService } from './index.ts';

const clock = createManualClock(Date.parse('2026-03-01T12:00:00Z'));
const KEYS = { writeKey: 'wk_test_123456', adminKey: 'ak_test_123456' };
const auth = { authorization: `Bearer ${KEYS.adminKey}` };
let t: TestDb;
let http: HttpServer;
let audit: AuditService;

const get = async (url: string) => {
  const res = await http.inject({ method: 'GET', url, headers: auth });
  return { status: res.statusCode, body: res.json() };
};

beforeAll(async () => {
  t = await openTestDb(clock);
  const deps = testDeps(t.db, clock);
  audit = createAudit(deps);
  http = await createHttpServer({ logger: deps.log, keys: KEYS, metrics: deps.metrics, version: 'test' });
  registerAuditRoutes(http, audit, { resolveProfile: async (ref) => (ref === 'email:ada@example.com' ? 'prf_ada' : undefined) });
  await http.ready();
  await audit.append([
    { actor: 'operator:sam', action: 'worker.version', subjectType: 'worker', subjectId: 'wkr_winback', data: { version: 2 } },
    { actor: 'worker:wkr_winback', action: 'message.sent', subjectType: 'message', subjectId: 'msg_1', profileId: 'prf_ada', data: { channel: 'email', consent: { recordId: 'cns_1', basis: 'opt_in' } } },
    { actor: 'worker:wkr_winback', action: 'message.sent', subjectType: 'message', subjectId: 'msg_2', profileId: 'prf_bob', data: { channel: 'sms' } },
    { actor: 'api', action: 'offer.upsert', subjectType: 'offer', subjectId: 'spring-10', data: {} },
  ]);
});
afterAll(async () => { await http.close(); await t.cleanup(); });

describe('GET /v1/audit', () => {
  it('lists newest first, filtered by profile (id or ref), subject TYPE[:ID] and action, paged by seq', async () => {
    expect((await get('/v1/audit')).body.items.map((e: any) => e.seq)).toEqual([4, 3, 2, 1]);
    expect((await get('/v1/audit?profile=prf_ada')).body.items.map((e: any) => e.subjectId)).toEqual(['msg_1']);
    const byRef = await get('/v1/audit?profile=email:ada@example.com');
    expect(byRef.body.items).toHaveLength(1);
    expect(byRef.body.items[0]).toMatchObject({ seq: 2, action: 'message.sent', profileId: 'prf_ada', data: { consent: { recordId: 'cns_1' } } });
    expect(byRef.body.items[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await get('/v1/audit?subject=message')).body.items.map((e: any) => e.seq)).toEqual([3, 2]);
    expect((await get('/v1/audit?subject=worker:wkr_winback')).body.items.map((e: any) => e.seq)).toEqual([1]);
    expect((await get('/v1/audit?action=offer.upsert')).body.items.map((e: any) => e.seq)).toEqual([4]);
    expect((await get('/v1/audit?before=3&limit=1')).body.items.map((e: any) => e.seq)).toEqual([2]);
  });
  it('answers 404 for a profile ref that resolves to nobody', async () => {
    const r = await get('/v1/audit?profile=email:nobody@example.com');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
  it('answers 400 naming the bad query field', async () => {
    for (const [qs, field] of [['limit=0', 'limit'], ['limit=abc', 'limit'], ['limit=501', 'limit'], ['before=0', 'before'], ['before=x', 'before'], ['action=Not%20An%20Action', 'action'], ['profile=', 'profile'], ['subject=', 'subject']] as const) {
      const r = await get(`/v1/audit?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.body.error, qs).toMatchObject({ code: 'invalid_request', field });
      expect(r.body.error.message, qs).toMatch(new RegExp(`^${field}: `));
    }
    const v = await get('/v1/audit/verify?from=abc');
    expect(v.status).toBe(400);
    expect(v.body.error).toMatchObject({ code: 'invalid_request', field: 'from' });
  });
  it('requires the admin key', async () => {
    expect((await http.inject({ method: 'GET', url: '/v1/audit' })).statusCode).toBe(401);
    expect((await http.inject({ method: 'GET', url: '/v1/audit/verify', headers: { authorization: `Basic ${Buffer.from(KEYS.writeKey + ':').toString('base64')}` } })).statusCode).toBe(401);
  });
});

describe('GET /v1/audit/verify', () => {
  it('reports the chain intact with its head, and from a seq', async () => {
    const head = await audit.head();
    expect(await get('/v1/audit/verify')).toEqual({ status: 200, body: { ok: true, checked: 4, head } });
    expect((await get('/v1/audit/verify?from=3')).body).toMatchObject({ ok: true, checked: 2 });
  });
});

/** A BraidClient over the test server (what `braid` uses over HTTP or in-process). */
const client: BraidClient = {
  transport: 'in-process', where: 'test',
  async request(req) {
    const res = await http.inject({ method: req.method, url: req.path, headers: auth, ...(req.json !== undefined ? { payload: req.json as object } : {}) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  },
  settle: async () => undefined,
  close: async () => undefined,
};

async function braid(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => { stdout += s; return true; } } as CliIo['stdout'],
    stderr: { write: (s: string) => { stderr += s; return true; } } as CliIo['stderr'],
    clock, sleep: async () => undefined,
  };
  const code = await runAudit(client, parseArgs(argv), io);
  return { code, stdout, stderr };
}

describe('braid audit', () => {
  it('verify prints ok and the head, exit 0', async () => {
    const head = (await audit.head())!;
    const r = await braid('audit', 'verify');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ok: 4 entries checked\nhead: seq 4 hash ${head.hash}\n`);
  });
  it('verify names the first broken entry, exit 1', async () => {
    const [row] = await audit.list({ subjectId: 'msg_2', limit: 1 });
    await t.db.query(`update audit_log set data = '{"channel": "push"}' where seq = 3`);
    try {
      const r = await braid('audit', 'verify');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(`broken at seq 3 (${row!.id}): hash_mismatch\n`);
    } finally {
      await t.db.query(`update audit_log set data = '{"channel": "sms"}' where seq = 3`);
    }
    expect((await braid('audit', 'verify')).code).toBe(0);
  });
  it('list prints entries newest first, filtered by --profile REF', async () => {
    const all = await braid('audit', 'list');
    expect(all.code).toBe(0);
    expect(all.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['4', '3', '2', '1']);
    const mine = await braid('audit', 'list', '--profile', 'email:ada@example.com');
    expect(mine.stdout).toContain('message:msg_1');
    expect(mine.stdout).toContain('prf_ada');
    expect(mine.stdout).not.toContain('msg_2');
    const json = await braid('audit', 'list', '--action', 'offer.upsert', '--json');
    expect(JSON.parse(json.stdout).map((e: any) => e.subjectId)).toEqual(['spring-10']);
  });
  it('reports API errors and usage mistakes', async () => {
    const bad = await braid('audit', 'list', '--limit', '0');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid_request: limit:');
    expect((await braid('audit', 'list', '--profile')).code).toBe(2);
    const unknown = await braid('audit', 'explode');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown subcommand');
  });
});
