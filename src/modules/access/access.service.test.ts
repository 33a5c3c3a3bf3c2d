/**
 * The access service on a real database: revocation seen by another process within the cache
 * bound, session expiry, the failed-login burst (audited, then refused), the bootstrap admin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, type Principal } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { createAudit, type AuditService } from '../audit/index.ts';
import { CREDENTIAL_CACHE_MS, LOGIN_BURST, LOGIN_LOCKOUT, createAccess, type AccessService } from './index.ts';

const clock = createManualClock(Date.parse('2026-03-01T12:00:00Z'));
const ADMIN: Principal = { id: 'key_admin', kind: 'key', role: 'admin', name: 'admin key' };
let t: TestDb;
let audit: AuditService;
let a: AccessService;
let b: AccessService;

beforeAll(async () => {
  t = await openTestDb(clock);
  audit = createAudit(testDeps(t.db, clock));
  const access = { adminEmail: 'root@example.com', adminPassword: 'root-password', sessionHours: 1 };
  // Two processes sharing one database: two services, each with its own cache.
  a = createAccess(testDeps(t.db, clock, { access }), { audit });
  b = createAccess(testDeps(t.db, clock, { access }), { audit });
});
afterAll(async () => { await t.cleanup(); });

describe('bootstrap', () => {
  it('creates the configured admin once, however many processes start', async () => {
    await Promise.all([a.bootstrap(), b.bootstrap()]);
    await a.bootstrap();
    const users = await a.listUsers();
    expect(users.map((u) => [u.email, u.role, u.createdBy])).toEqual([['root@example.com', 'admin', 'system']]);
    expect((await a.login('Root@Example.com', 'root-password')).user.role).toBe('admin');
  });
});

describe('credentials across processes', () => {
  it('a key revoked on one process stops working on the other within CREDENTIAL_CACHE_MS', async () => {
    const key = await a.createApiKey({ name: 'shared', role: 'analyst' }, ADMIN);
    expect(await b.resolve(key.secret)).toMatchObject({ id: key.id, kind: 'key', role: 'analyst', name: 'shared' });
    await a.revokeApiKey(key.id, ADMIN);
    expect(await a.resolve(key.secret)).toBeUndefined(); // at once where it was revoked
    expect(await b.resolve(key.secret)).toBeDefined(); // cached elsewhere ...
    clock.advance(CREDENTIAL_CACHE_MS);
    expect(await b.resolve(key.secret)).toBeUndefined(); // ... for at most the cache bound
  });

  it('a session ends at its expiry, and a role change reaches other processes within the bound', async () => {
    const u = await a.createUser({ email: 'sam@example.com', role: 'viewer', password: 'sam-password' }, ADMIN);
    const { token, expiresAt } = await a.login('sam@example.com', 'sam-password');
    expect(Date.parse(expiresAt) - clock.now()).toBe(3_600_000);
    expect((await b.resolve(token))?.role).toBe('viewer');
    await a.updateUser(u.id, { role: 'marketer' }, ADMIN);
    expect((await a.resolve(token))?.role).toBe('marketer');
    clock.advance(CREDENTIAL_CACHE_MS);
    expect((await b.resolve(token))?.role).toBe('marketer');
    clock.advance(3_600_000);
    expect(await a.resolve(token)).toBeUndefined();
    expect(await b.resolve(token)).toBeUndefined();
  });
});

describe('failed logins', () => {
  it('audits a burst of failures for one email, then refuses it for the window', async () => {
    for (let i = 0; i < LOGIN_LOCKOUT; i++) await expect(a.login('root@example.com', `guess-${i}`)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(a.login('root@example.com', 'root-password')).rejects.toMatchObject({ code: 'rate_limited', details: { field: 'email' } });
    const entries = await audit.list({ action: 'auth.login_failures', limit: 10 });
    expect(entries.map((e) => e.data.failures)).toEqual([LOGIN_LOCKOUT, LOGIN_BURST]);
    expect(entries[0]).toMatchObject({ actor: 'system', subjectType: 'user', data: { email: 'root@example.com', knownUser: true, locked: true } });
    clock.advance(15 * 60_000);
    expect((await a.login('root@example.com', 'root-password')).user.email).toBe('root@example.com');
  });
});
