/**
 * Access over a real Braid: every registered route has a policy entry; users sign in and walk the
 * permission matrix; API keys with roles and scopes work until revoked; all of it is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../core/index.ts';
import { startTestServer, TEST_KEYS, type TestServer } from '../../testing/server.ts';
import { permissionFor, USER_ROLES, type UserRole } from './index.ts';

let s: TestServer;
const PASSWORD = 'correct horse battery';
const tokens = {} as Record<UserRole, string>;
const ids = {} as Record<UserRole, string>;
const bearer = (t: string) => `Bearer ${t}`;

beforeAll(async () => {
  s = await startTestServer({ background: false });
  for (const role of USER_ROLES) {
    const res = await s.api('POST', '/v1/users', { email: `${role}@Example.com`, name: `The ${role}`, role, password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[role] = res.body.id;
    const login = await s.api('POST', '/v1/auth/login', { email: `${role}@example.com`, password: PASSWORD }, '');
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(login.body.token).toMatch(/^ses_/);
    expect(login.body.user).toMatchObject({ id: ids[role], role, email: `${role}@example.com` });
    tokens[role] = login.body.token;
  }
});
afterAll(async () => { await s?.close(); });

describe('the route table', () => {
  it('has an entry for every registered route, and marks public exactly the routes the modules declare public', () => {
    const routes = registeredRoutes(s.braid.http);
    expect(routes.length).toBeGreaterThan(150);
    const missing = routes.filter((r) => permissionFor(r.method, r.url) === undefined).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    const mismatched = routes.filter((r) => r.url !== '/v1/auth/login' && (r.scope === 'public') !== (permissionFor(r.method, r.url) === 'public'));
    expect(mismatched.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });
});

/** Representative routes of each area, with the statuses each role gets. */
const MATRIX: Array<{ method: string; path: string; body?: unknown; allowed: Array<UserRole | 'ingest' | 'decide'> }> = [
  { method: 'GET', path: '/v1/catalog/products', allowed: ['admin', 'marketer', 'approver', 'analyst', 'viewer'] },
  { method: 'GET', path: '/v1/workers', allowed: ['admin', 'marketer', 'approver', 'analyst', 'viewer'] },
  { method: 'GET', path: '/v1/profiles/userId:nobody', allowed: ['admin', 'marketer', 'approver', 'analyst'] },
  { method: 'GET', path: '/v1/events', allowed: ['admin', 'marketer', 'approver', 'analyst'] },
  { method: 'GET', path: '/v1/audit', allowed: ['admin', 'approver', 'analyst'] },
  { method: 'PUT', path: '/v1/offers/matrix-test', body: { name: 'Test', kind: 'percent_off', value: 5 }, allowed: ['admin', 'marketer'] },
  { method: 'POST', path: '/v1/content/blocks', body: {}, allowed: ['admin', 'marketer'] },
  { method: 'PUT', path: '/v1/guardrails', body: {}, allowed: ['admin'] },
  { method: 'GET', path: '/v1/governance/settings', allowed: ['admin', 'marketer', 'approver', 'analyst', 'viewer'] },
  { method: 'PUT', path: '/v1/governance/settings', body: {}, allowed: ['admin'] },
  { method: 'POST', path: '/v1/reports/ope', body: {}, allowed: ['admin', 'analyst'] },
  { method: 'GET', path: '/v1/reports/experiments', allowed: ['admin', 'marketer', 'approver', 'analyst', 'viewer'] },
  { method: 'GET', path: '/v1/users', allowed: ['admin'] },
  { method: 'POST', path: '/v1/api-keys', body: {}, allowed: ['admin'] },
  { method: 'POST', path: '/v1/track', body: { userId: 'm', event: 'Matrix' }, allowed: ['admin', 'ingest'] },
  { method: 'POST', path: '/v1/decide', body: {}, allowed: ['admin', 'decide'] },
  { method: 'GET', path: '/v1/inbox?ref=userId:nobody', allowed: ['admin', 'decide'] },
  { method: 'GET', path: '/v1/auth/me', allowed: ['admin', 'marketer', 'approver', 'analyst', 'viewer', 'ingest', 'decide'] },
];

describe('the permission matrix', () => {
  it('answers each role 403 naming the permission, or passes the request on (any status but 401/403)', async () => {
    const keys: Record<string, string> = {};
    for (const role of ['ingest', 'decide'] as const) {
      const res = await s.api('POST', '/v1/api-keys', { name: `${role} key`, role });
      expect(res.status).toBe(201);
      keys[role] = res.body.secret;
    }
    const creds: Array<[UserRole | 'ingest' | 'decide', string]> = [...USER_ROLES.map((r) => [r, tokens[r]] as [UserRole, string]), ['ingest', keys.ingest!], ['decide', keys.decide!]];
    const failures: string[] = [];
    for (const row of MATRIX) {
      const url = row.path.split('?')[0]!;
      const routeUrl = registeredRoutes(s.braid.http).find((r) => r.method === row.method && new RegExp('^' + r.url.replace(/:[^/]+/g, '[^/]+') + '$').test(url))!.url;
      for (const [role, cred] of creds) {
        const res = await s.api(row.method, row.path, row.body, bearer(cred));
        const allowed = row.allowed.includes(role);
        if (allowed && (res.status === 401 || res.status === 403)) failures.push(`${role} ${row.method} ${row.path}: ${res.status} ${JSON.stringify(res.body)}`);
        if (!allowed) {
          if (res.status !== 403) failures.push(`${role} ${row.method} ${row.path}: expected 403, got ${res.status}`);
          else if (res.body.error.code !== 'forbidden' || res.body.error.permission !== permissionFor(row.method, routeUrl)) failures.push(`${role} ${row.method} ${row.path}: ${JSON.stringify(res.body)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 401 without credentials or with unknown ones, and keeps the config keys as they were', async () => {
    expect((await s.api('GET', '/v1/workers', undefined, '')).status).toBe(401);
    expect((await s.api('GET', '/v1/workers', undefined, bearer('ses_not-a-session'))).body.error.code).toBe('unauthorized');
    expect((await s.api('GET', '/v1/workers', undefined, bearer('bk_not-a-key'))).status).toBe(401);
    // config keys: the admin key everywhere, the write and decide keys 401 outside their routes (as before)
    expect((await s.api('GET', '/v1/users')).status).toBe(200);
    expect((await s.api('GET', '/v1/workers', undefined, s.basic)).status).toBe(401);
    expect((await s.api('GET', '/v1/workers', undefined, bearer(TEST_KEYS.decideKey))).status).toBe(401);
    expect((await s.api('POST', '/v1/track', { userId: 'k', event: 'E' }, s.basic)).status).toBe(200);
    expect((await s.api('GET', '/v1/auth/me', undefined, s.basic)).body).toMatchObject({ id: 'key_write', kind: 'key', role: 'ingest' });
    expect((await s.api('GET', '/healthz', undefined, '')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('/v1/auth/me names the user; a wrong password is 401; logout ends the session', async () => {
    const me = await s.api('GET', '/v1/auth/me', undefined, bearer(tokens.viewer));
    expect(me.body).toMatchObject({ id: ids.viewer, kind: 'user', role: 'viewer', name: 'The viewer' });
    expect(me.body.permissions).toContain('catalog:read');
    expect(me.body.permissions).not.toContain('profiles:read');
    expect((await s.api('POST', '/v1/auth/login', { email: 'viewer@example.com', password: 'wrong password' }, '')).status).toBe(401);
    expect((await s.api('POST', '/v1/auth/login', { email: 'nobody@example.com', password: PASSWORD }, '')).status).toBe(401);
    const second = (await s.api('POST', '/v1/auth/login', { email: 'viewer@example.com', password: PASSWORD }, '')).body.token as string;
    expect((await s.api('POST', '/v1/auth/logout', undefined, bearer(second))).status).toBe(204);
    expect((await s.api('GET', '/v1/auth/me', undefined, bearer(second))).status).toBe(401);
    expect((await s.api('GET', '/v1/auth/me', undefined, bearer(tokens.viewer))).status).toBe(200); // the other session lives
  });

  it('a role change applies to live sessions; disabling a user ends them', async () => {
    const email = 'temp@example.com';
    const u = (await s.api('POST', '/v1/users', { email, role: 'viewer', password: PASSWORD })).body;
    const token = (await s.api('POST', '/v1/auth/login', { email, password: PASSWORD }, '')).body.token as string;
    expect((await s.api('GET', '/v1/events', undefined, bearer(token))).status).toBe(403);
    expect((await s.api('PATCH', `/v1/users/${u.id}`, { role: 'analyst' })).body.role).toBe('analyst');
    expect((await s.api('GET', '/v1/events', undefined, bearer(token))).status).toBe(200);
    expect((await s.api('PATCH', `/v1/users/${u.id}`, { disabled: true })).body.disabled).toBe(true);
    expect((await s.api('GET', '/v1/auth/me', undefined, bearer(token))).status).toBe(401);
    expect((await s.api('POST', '/v1/auth/login', { email, password: PASSWORD }, '')).status).toBe(401);
    expect((await s.api('DELETE', `/v1/users/${u.id}`)).status).toBe(204);
    expect((await s.api('GET', `/v1/users/${u.id}`)).status).toBe(404);
  });

  it('refuses bad input naming the field, and a second user with one email', async () => {
    const bad = await s.api('POST', '/v1/users', { email: 'x@example.com', role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('role');
    const short = await s.api('POST', '/v1/users', { email: 'x@example.com', role: 'viewer', password: 'short' });
    expect(short.body.error.field).toBe('password');
    const dup = await s.api('POST', '/v1/users', { email: 'ADMIN@example.com', role: 'viewer' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.field).toBe('email');
  });
});

describe('API keys', () => {
  it('shows the secret once, works as Basic, Bearer or body writeKey, and stops at revoke', async () => {
    const created = await s.api('POST', '/v1/api-keys', { name: 'POS feed', role: 'ingest' });
    expect(created.status).toBe(201);
    const { id, secret, prefix } = created.body as { id: string; secret: string; prefix: string };
    expect(id).toMatch(/^key_/);
    expect(secret.startsWith(prefix)).toBe(true);
    const listed = (await s.api('GET', '/v1/api-keys')).body.items.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ name: 'POS feed', role: 'ingest', prefix, createdBy: 'key_admin', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(secret);

    const basic = 'Basic ' + Buffer.from(secret + ':').toString('base64');
    expect((await s.api('POST', '/v1/track', { userId: 'k1', event: 'E' }, basic)).status).toBe(200);
    expect((await s.api('POST', '/v1/batch', { batch: [{ type: 'track', userId: 'k1', event: 'E' }], writeKey: secret }, '')).status).toBe(200);
    expect((await s.api('POST', '/v1/track', { userId: 'k1', event: 'E', writeKey: 'bk_wrong' }, '')).status).toBe(401);
    const denied = await s.api('GET', '/v1/profiles/userId:k1', undefined, bearer(secret));
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'forbidden', permission: 'profiles:read' });

    expect((await s.api('DELETE', `/v1/api-keys/${id}`)).body.revokedAt).not.toBeNull();
    expect((await s.api('POST', '/v1/track', { userId: 'k1', event: 'E' }, basic)).status).toBe(401);
    expect((await s.api('GET', '/v1/api-keys')).body.items.find((k: { id: string }) => k.id === id).lastUsedAt).not.toBeNull();
    expect((await s.api('DELETE', '/v1/api-keys/key_nope')).status).toBe(404);
  });

  it('a marketer key writes workers but cannot manage keys', async () => {
    const secret = (await s.api('POST', '/v1/api-keys', { name: 'ci', role: 'marketer' })).body.secret as string;
    expect((await s.api('GET', '/v1/workers', undefined, bearer(secret))).status).toBe(200);
    const res = await s.api('POST', '/v1/api-keys', { name: 'escalate', role: 'admin' }, bearer(secret));
    expect(res.status).toBe(403);
    expect(res.body.error.permission).toBe('access:admin');
  });
});

describe('audit', () => {
  it('records user and key changes with the acting principal', async () => {
    const items = (await s.api('GET', '/v1/audit?limit=500')).body.items as Array<{ action: string; actor: string; subjectId: string; data: Record<string, any> }>;
    const creates = items.filter((e) => e.action === 'user.create');
    expect(creates.length).toBeGreaterThanOrEqual(USER_ROLES.length);
    expect(creates.find((e) => e.subjectId === ids.marketer)).toMatchObject({ actor: 'key:key_admin', data: { email: 'marketer@example.com', role: 'marketer' } });
    expect(items.some((e) => e.action === 'user.role' && e.data.changes.role.from === 'viewer' && e.data.changes.role.to === 'analyst')).toBe(true);
    expect(items.some((e) => e.action === 'user.delete')).toBe(true);
    expect(items.some((e) => e.action === 'api_key.create' && e.data.role === 'ingest')).toBe(true);
    expect(items.some((e) => e.action === 'api_key.revoke')).toBe(true);
    expect(JSON.stringify(items)).not.toContain(PASSWORD);
    expect((await s.api('GET', '/v1/audit/verify')).body.ok).toBe(true);
  });
});
