/**
 * Users, API keys and sessions, and the AccessControl the HTTP server's auth hook calls.
 *
 * Credentials resolved from the database are cached in memory for CREDENTIAL_CACHE_MS. A revoke,
 * disable, role change or logout in this process drops the affected entries at once; another
 * Braid process on the same database keeps trusting its cached entry for at most
 * CREDENTIAL_CACHE_MS (5 s), then asks the database again and refuses it. Unknown tokens are not
 * cached (a new key works everywhere at once).
 */
import { BraidError, MIN_PASSWORD_LENGTH, invalid, newId, notFound, type CoreDeps, type Principal } from '../../core/index.ts';
import { allows, isKeyRole, isUserRole, permissionFor, type KeyRole } from './access.policy.ts';
import { dummyPasswordHash, hashPassword, newApiKeySecret, newSessionToken, sha256Hex, verifyPassword } from './access.secrets.ts';
import * as store from './access.store.ts';
import { CREDENTIAL_CACHE_MS, type AccessService, type ApiKey, type NewUser, type User, type UserPatch } from './access.types.ts';

/** Audit services this module needs (src/modules/audit satisfies it). */
export interface AccessAudit {
  append(entries: Array<{ actor: string; action: string; subjectType: string; subjectId: string; data?: Record<string, unknown> }>): Promise<unknown>;
}

/** Failed logins for one email within this window: the 5th is audited, from the 10th logins are refused. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_BURST = 5;
export const LOGIN_LOCKOUT = 10;
const CACHE_MAX = 10_000;

const EMAIL = /^[^\s@]{1,200}@[^\s@]{1,200}$/;

/** The audit log's actor for a principal: `user:usr_…`, `key:key_…`, `key:key_admin`. */
export function actorOf(p: Principal): string {
  return `${p.kind}:${p.id}`;
}

export function userPrincipal(u: User): Principal {
  return { id: u.id, kind: 'user', role: u.role, name: u.name || u.email };
}

function keyPrincipal(k: ApiKey): Principal {
  return { id: k.id, kind: 'key', role: k.role, name: k.name };
}

function checkPassword(password: string | undefined, field = 'password'): void {
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) throw invalid(field, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

export function createAccess(deps: CoreDeps, opts: { audit: AccessAudit }): AccessService {
  const { db, clock } = deps;
  const now = () => new Date(clock.now());
  const cache = new Map<string, { principal: Principal; until: number }>();
  const failures = new Map<string, number[]>();

  const remember = (hash: string, principal: Principal, until: number) => {
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(hash, { principal, until });
  };
  const forgetPrincipal = (id: string) => { for (const [h, e] of cache) if (e.principal.id === id) cache.delete(h); };

  const audit = async (actor: Principal | 'system', action: string, subjectType: string, subjectId: string, data: Record<string, unknown>) => {
    const a = actor === 'system' ? 'system' : actorOf(actor);
    const by = actor === 'system' ? {} : { by: { id: actor.id, kind: actor.kind, role: actor.role, name: actor.name } };
    await opts.audit.append([{ actor: a, action, subjectType, subjectId, data: { ...data, ...by } }]);
  };

  async function resolve(token: string): Promise<Principal | undefined> {
    const hash = sha256Hex(token);
    const t = clock.now();
    const hit = cache.get(hash);
    if (hit && hit.until > t) return hit.principal;
    if (hit) cache.delete(hash);
    if (token.startsWith('ses_')) {
      const s = await store.sessionUser(db, hash, now());
      if (!s) return undefined;
      const p = userPrincipal(s.user);
      remember(hash, p, Math.min(t + CREDENTIAL_CACHE_MS, s.expiresAt));
      return p;
    }
    const key = await store.useKey(db, hash, now());
    if (!key) return undefined;
    const p = keyPrincipal(key);
    remember(hash, p, t + CREDENTIAL_CACHE_MS);
    return p;
  }

  async function getUser(id: string): Promise<User> {
    const u = await store.userById(db, id);
    if (!u) throw notFound(`User ${id}`);
    return u;
  }

  async function createUser(input: NewUser, actor: Principal | 'system'): Promise<User> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw invalid('email', 'must be an email address');
    if (!isUserRole(input.role)) throw invalid('role', 'must be one of admin, marketer, approver, analyst, viewer');
    checkPassword(input.password);
    const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
    const user = await store.insertUser(db, {
      id: newId('usr', clock), email, name: input.name?.trim() || email, role: input.role, passwordHash, at: now(),
      createdBy: actor === 'system' ? 'system' : actor.id,
    });
    if (!user) throw new BraidError('conflict', `email: a user with ${email} exists`, { field: 'email' });
    await audit(actor, 'user.create', 'user', user.id, { email, role: user.role, name: user.name, password: passwordHash !== null });
    return user;
  }

  const service: AccessService = {
    permissionFor,
    allows,
    resolve,

    async bootstrap() {
      const { adminEmail, adminPassword } = deps.config.access;
      if (adminEmail === undefined || adminPassword === undefined) return;
      if (await store.userByEmail(db, adminEmail)) return;
      try {
        await createUser({ email: adminEmail, role: 'admin', password: adminPassword, name: 'Administrator' }, 'system');
      } catch (e) {
        if (!(e instanceof BraidError && e.code === 'conflict')) throw e; // another process created it first
      }
    },

    createUser,
    listUsers: () => store.listUsers(db),
    getUser,

    async updateUser(id, patch: UserPatch, actor) {
      const before = await getUser(id);
      if (patch.role !== undefined && !isUserRole(patch.role)) throw invalid('role', 'must be one of admin, marketer, approver, analyst, viewer');
      if (patch.name !== undefined && patch.name.trim() === '') throw invalid('name', 'must not be empty');
      checkPassword(patch.password);
      const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
      const after = await store.updateUser(db, id, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}), ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}), ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      }, now());
      if (!after) throw notFound(`User ${id}`);
      // A new password or a disabled account ends every session; a role change applies to live ones.
      if (passwordHash !== undefined || after.disabled) await store.revokeUserSessions(db, id, now());
      forgetPrincipal(id);
      const changes: Record<string, unknown> = {};
      if (before.role !== after.role) changes.role = { from: before.role, to: after.role };
      if (before.name !== after.name) changes.name = { from: before.name, to: after.name };
      if (before.disabled !== after.disabled) changes.disabled = { from: before.disabled, to: after.disabled };
      if (passwordHash !== undefined) changes.password = 'changed';
      if (Object.keys(changes).length > 0) {
        await audit(actor, before.role !== after.role ? 'user.role' : 'user.update', 'user', id, { email: after.email, changes });
      }
      return after;
    },

    async deleteUser(id, actor) {
      const gone = await store.deleteUser(db, id); // sessions go with it (on delete cascade)
      if (!gone) throw notFound(`User ${id}`);
      forgetPrincipal(id);
      await audit(actor, 'user.delete', 'user', id, { email: gone.email, role: gone.role });
    },

    async createApiKey(input, actor) {
      const name = input.name.trim();
      if (name === '') throw invalid('name', 'must not be empty');
      if (!isKeyRole(input.role)) throw invalid('role', 'must be one of admin, marketer, approver, analyst, viewer, ingest, decide');
      const { secret, prefix } = newApiKeySecret();
      const key = await store.insertKey(db, {
        id: newId('key', clock), name, role: input.role as KeyRole, hash: sha256Hex(secret), prefix, createdBy: actor.id, at: now(),
      });
      await audit(actor, 'api_key.create', 'api_key', key.id, { name, role: key.role, prefix });
      return { ...key, secret };
    },

    listApiKeys: () => store.listKeys(db),

    async revokeApiKey(id, actor) {
      const r = await store.revokeKey(db, id, actor.id, now());
      if (!r) throw notFound(`API key ${id}`);
      cache.delete(r.hash);
      await audit(actor, 'api_key.revoke', 'api_key', id, { name: r.key.name, role: r.key.role, prefix: r.key.prefix });
      return r.key;
    },

    async login(rawEmail, password, from) {
      const email = rawEmail.trim().toLowerCase();
      const t = clock.now();
      const recent = (failures.get(email) ?? []).filter((x) => x > t - LOGIN_WINDOW_MS);
      if (recent.length >= LOGIN_LOCKOUT) {
        throw new BraidError('rate_limited', `email: too many failed logins for ${email}; try again in ${Math.ceil((recent[0]! + LOGIN_WINDOW_MS - t) / 60_000)} minutes`, { field: 'email' });
      }
      const found = await store.userByEmail(db, email);
      const ok = await verifyPassword(password, found?.passwordHash ?? await dummyPasswordHash());
      if (!found || !ok || found.passwordHash === null || found.user.disabled) {
        recent.push(t);
        failures.set(email, recent);
        if (recent.length === LOGIN_BURST || recent.length === LOGIN_LOCKOUT) {
          await audit('system', 'auth.login_failures', 'user', found?.user.id ?? email, {
            email, failures: recent.length, windowMinutes: LOGIN_WINDOW_MS / 60_000, knownUser: found !== undefined, from, locked: recent.length >= LOGIN_LOCKOUT,
          });
        }
        throw new BraidError('unauthorized', 'Wrong email or password');
      }
      failures.delete(email);
      const token = newSessionToken();
      const expiresAt = t + deps.config.access.sessionHours * 3_600_000;
      await store.insertSession(db, { id: newId('ses', clock), hash: sha256Hex(token), userId: found.user.id, at: now(), expiresAt: new Date(expiresAt) });
      return { token, expiresAt: new Date(expiresAt).toISOString(), user: found.user };
    },

    async logout(token) {
      const hash = sha256Hex(token);
      cache.delete(hash);
      await store.revokeSession(db, hash, now());
    },

    clearCache() { cache.clear(); },
  };
  return service;
}
