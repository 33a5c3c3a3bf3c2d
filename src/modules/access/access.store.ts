/** SQL for users, API keys and sessions. Timestamps are passed in; nothing here reads the clock. */
import type { Queryable } from '../../core/index.ts';
import type { KeyRole, UserRole } from './access.policy.ts';
import type { ApiKey, User } from './access.types.ts';

interface UserRow {
  id: string; email: string; name: string; role: string; password_hash: string | null; disabled: boolean;
  created_at: Date; created_by: string; updated_at: Date;
}
interface KeyRow {
  id: string; name: string; role: string; prefix: string; created_by: string; created_at: Date;
  last_used_at: Date | null; revoked_at: Date | null; revoked_by: string | null;
}

const USER_COLS = 'id, email, name, role, password_hash, disabled, created_at, created_by, updated_at';
const KEY_COLS = 'id, name, role, prefix, created_by, created_at, last_used_at, revoked_at, revoked_by';
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toUser = (r: UserRow): User => ({
  id: r.id, email: r.email, name: r.name, role: r.role as UserRole, disabled: r.disabled,
  createdAt: r.created_at.toISOString(), createdBy: r.created_by, updatedAt: r.updated_at.toISOString(),
});
const toKey = (r: KeyRow): ApiKey => ({
  id: r.id, name: r.name, role: r.role as KeyRole, prefix: r.prefix, createdBy: r.created_by, createdAt: r.created_at.toISOString(),
  lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at), revokedBy: r.revoked_by,
});

/** Inserts unless the email exists; returns undefined then. */
export async function insertUser(q: Queryable, u: { id: string; email: string; name: string; role: string; passwordHash: string | null; at: Date; createdBy: string }): Promise<User | undefined> {
  const r = await q.query<UserRow>(`insert into access_users (id, email, name, role, password_hash, disabled, created_at, created_by, updated_at)
    values ($1, $2, $3, $4, $5, false, $6, $7, $6) on conflict (email) do nothing returning ${USER_COLS}`,
  [u.id, u.email, u.name, u.role, u.passwordHash, u.at, u.createdBy]);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function listUsers(q: Queryable): Promise<User[]> {
  return (await q.query<UserRow>(`select ${USER_COLS} from access_users order by email`)).rows.map(toUser);
}

export async function userById(q: Queryable, id: string): Promise<User | undefined> {
  const r = await q.query<UserRow>(`select ${USER_COLS} from access_users where id = $1`, [id]);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function userByEmail(q: Queryable, email: string): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const r = await q.query<UserRow>(`select ${USER_COLS} from access_users where email = $1`, [email]);
  return r.rows[0] ? { user: toUser(r.rows[0]), passwordHash: r.rows[0].password_hash } : undefined;
}

export async function updateUser(q: Queryable, id: string, p: { name?: string; role?: string; passwordHash?: string; disabled?: boolean }, at: Date): Promise<User | undefined> {
  const r = await q.query<UserRow>(`update access_users set
      name = coalesce($2, name), role = coalesce($3, role), password_hash = coalesce($4, password_hash),
      disabled = coalesce($5, disabled), updated_at = $6
    where id = $1 returning ${USER_COLS}`, [id, p.name ?? null, p.role ?? null, p.passwordHash ?? null, p.disabled ?? null, at]);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function deleteUser(q: Queryable, id: string): Promise<User | undefined> {
  const r = await q.query<UserRow>(`delete from access_users where id = $1 returning ${USER_COLS}`, [id]);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function insertKey(q: Queryable, k: { id: string; name: string; role: string; hash: string; prefix: string; createdBy: string; at: Date }): Promise<ApiKey> {
  const r = await q.query<KeyRow>(`insert into access_api_keys (id, name, role, key_hash, prefix, created_by, created_at)
    values ($1, $2, $3, $4, $5, $6, $7) returning ${KEY_COLS}`, [k.id, k.name, k.role, k.hash, k.prefix, k.createdBy, k.at]);
  return toKey(r.rows[0]!);
}

export async function listKeys(q: Queryable): Promise<ApiKey[]> {
  return (await q.query<KeyRow>(`select ${KEY_COLS} from access_api_keys order by id`)).rows.map(toKey);
}

/** Revokes (idempotent: an already revoked key keeps its first revocation). */
export async function revokeKey(q: Queryable, id: string, by: string, at: Date): Promise<{ key: ApiKey; hash: string } | undefined> {
  const r = await q.query<KeyRow & { key_hash: string }>(`update access_api_keys set revoked_at = coalesce(revoked_at, $2), revoked_by = coalesce(revoked_by, $3)
    where id = $1 returning ${KEY_COLS}, key_hash`, [id, at, by]);
  return r.rows[0] ? { key: toKey(r.rows[0]), hash: r.rows[0].key_hash } : undefined;
}

/** The live key with this hash, recording its use in the same statement (one round trip). */
export async function useKey(q: Queryable, hash: string, at: Date): Promise<ApiKey | undefined> {
  const r = await q.query<KeyRow>(`update access_api_keys set last_used_at = $2 where key_hash = $1 and revoked_at is null returning ${KEY_COLS}`, [hash, at]);
  return r.rows[0] ? toKey(r.rows[0]) : undefined;
}

export async function insertSession(q: Queryable, s: { id: string; hash: string; userId: string; at: Date; expiresAt: Date }): Promise<void> {
  await q.query(`insert into access_sessions (id, token_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4, $5)`,
    [s.id, s.hash, s.userId, s.at, s.expiresAt]);
}

/** The enabled user behind a live session token hash, and when the session expires. */
export async function sessionUser(q: Queryable, hash: string, at: Date): Promise<{ user: User; expiresAt: number } | undefined> {
  const r = await q.query<UserRow & { expires_at: Date }>(`select ${USER_COLS.split(', ').map((c) => 'u.' + c).join(', ')}, s.expires_at
    from access_sessions s join access_users u on u.id = s.user_id
    where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2 and not u.disabled`, [hash, at]);
  const row = r.rows[0];
  return row ? { user: toUser(row), expiresAt: row.expires_at.getTime() } : undefined;
}

export async function revokeSession(q: Queryable, hash: string, at: Date): Promise<void> {
  await q.query(`update access_sessions set revoked_at = $2 where token_hash = $1 and revoked_at is null`, [hash, at]);
}

/** Ends every session of a user (disabled, password changed); returns their token hashes. */
export async function revokeUserSessions(q: Queryable, userId: string, at: Date): Promise<string[]> {
  const r = await q.query<{ token_hash: string }>(`update access_sessions set revoked_at = $2 where user_id = $1 and revoked_at is null returning token_hash`, [userId, at]);
  return r.rows.map((x) => x.token_hash);
}
