/** `braid users` and `braid keys` against a real Braid over HTTP, and the demo users they can sign in as. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/server.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from '../app/demo-seed.ts';
import { parseArgs } from './args.ts';
import { runKeys, runUsers } from './access.ts';
import type { BraidClient } from './client.ts';
import type { CliIo } from './io.ts';

let s: TestServer;
let client: BraidClient;

function io(): CliIo & { out: () => string; err: () => string } {
  let out = '', err = '';
  return {
    stdout: { write: (x: string) => { out += x; return true; } }, stderr: { write: (x: string) => { err += x; return true; } },
    out: () => out, err: () => err,
  } as unknown as CliIo & { out: () => string; err: () => string };
}

beforeAll(async () => {
  s = await startTestServer({ background: false });
  client = {
    transport: 'http', where: s.url, settle: async () => {}, close: async () => {},
    request: async (req) => s.api(req.method, req.path, req.json),
  };
});
afterAll(async () => { await s?.close(); });

describe('braid users / keys', () => {
  it('adds a user with a generated password that signs in', async () => {
    const o = io();
    expect(await runUsers(client, parseArgs(['users', 'add', 'ops@example.com', '--role', 'approver']), o)).toBe(0);
    const password = /password: (\S+)/.exec(o.out())![1]!;
    const login = await s.api('POST', '/v1/auth/login', { email: 'ops@example.com', password }, '');
    expect(login.body.user.role).toBe('approver');
    const bad = io();
    expect(await runUsers(client, parseArgs(['users', 'add', 'x@example.com', '--role', 'owner']), bad)).toBe(1);
    expect(bad.err()).toContain('role');
    expect(await runUsers(client, parseArgs(['users', 'add', 'x@example.com']), io())).toBe(2);
    const list = io();
    expect(await runUsers(client, parseArgs(['users', 'list']), list)).toBe(0);
    expect(list.out()).toContain('ops@example.com');
  });

  it('creates a key whose printed secret works, lists and revokes it', async () => {
    const o = io();
    expect(await runKeys(client, parseArgs(['keys', 'create', 'storefront', '--role', 'decide']), o)).toBe(0);
    const [, id, secret] = /created (key_\S+)[\s\S]*key: (\S+)/.exec(o.out())!;
    expect((await s.api('GET', '/v1/auth/me', undefined, `Bearer ${secret}`)).body).toMatchObject({ id, role: 'decide' });
    const list = io();
    await runKeys(client, parseArgs(['keys', 'list']), list);
    expect(list.out()).toContain(id!);
    expect(list.out()).not.toContain(secret!);
    expect(await runKeys(client, parseArgs(['keys', 'revoke', id!]), io())).toBe(0);
    expect((await s.api('GET', '/v1/auth/me', undefined, `Bearer ${secret}`)).status).toBe(401);
  });
});

describe('demo users', () => {
  it('are created only on an instance without users', async () => {
    expect(await seedDemoUsers(s.braid)).toBe(0); // the CLI test above made users
    await s.db.db.query('delete from access_users');
    expect(await seedDemoUsers(s.braid)).toBe(DEMO_USERS.length);
    for (const u of DEMO_USERS) {
      const res = await s.api('POST', '/v1/auth/login', { email: u.email, password: DEMO_PASSWORD }, '');
      expect(res.body.user.role).toBe(u.role);
    }
    expect(await seedDemoUsers(s.braid)).toBe(0);
  });
});
