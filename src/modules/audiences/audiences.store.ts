/** SQL of the audiences module: definitions, refresh leases and status, exported membership. */
import type { Condition, Queryable } from '../../core/index.ts';
import type { Audience, AudienceFormat, AudienceStatus, Destination, HashedMember, IdentifierKind, RefreshStatus } from './audiences.types.ts';

interface AudienceRow {
  id: string; name: string; condition: Condition; destination: Destination; format: AudienceFormat; refresh_minutes: number; status: AudienceStatus;
  created_at: Date; updated_at: Date; last_refresh_at: Date | null; last_error: string | null; last_error_at: Date | null;
  profiles: number; emails: number; phones: number; last_adds: number; last_removes: number;
}

function fromRow(r: AudienceRow): Audience {
  return {
    id: r.id, name: r.name, where: r.condition, destination: r.destination, format: r.format, refreshMinutes: r.refresh_minutes, status: r.status,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

export function statusOf(r: AudienceRow): RefreshStatus {
  return {
    lastRefreshAt: r.last_refresh_at?.toISOString() ?? null, lastError: r.last_error, lastErrorAt: r.last_error_at?.toISOString() ?? null,
    profiles: r.profiles, emails: r.emails, phones: r.phones, lastAdds: r.last_adds, lastRemoves: r.last_removes,
    nextRefreshAt: r.status === 'active' ? new Date((r.last_refresh_at?.getTime() ?? r.created_at.getTime()) + r.refresh_minutes * 60_000).toISOString() : null,
  };
}

export async function listAudiences(db: Queryable): Promise<Audience[]> {
  const r = await db.query<AudienceRow>(`select * from audiences order by id`);
  return r.rows.map(fromRow);
}

export async function loadAudienceRow(db: Queryable, id: string): Promise<{ audience: Audience; status: RefreshStatus } | undefined> {
  const r = await db.query<AudienceRow>(`select * from audiences where id = $1`, [id]);
  const row = r.rows[0];
  return row ? { audience: fromRow(row), status: statusOf(row) } : undefined;
}

/** Inserts; false when the id is taken. */
export async function insertAudience(db: Queryable, a: Audience): Promise<boolean> {
  const r = await db.query(`insert into audiences (id, name, condition, destination, format, refresh_minutes, status, created_at, updated_at)
    values ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9) on conflict (id) do nothing`,
  [a.id, a.name, JSON.stringify(a.where), JSON.stringify(a.destination), a.format, a.refreshMinutes, a.status, a.createdAt, a.updatedAt]);
  return r.affectedRows === 1;
}

/** Replaces a definition; false when it does not exist. */
export async function updateAudience(db: Queryable, a: Audience): Promise<boolean> {
  const r = await db.query(`update audiences set name = $2, condition = $3::jsonb, destination = $4::jsonb, format = $5, refresh_minutes = $6, status = $7, updated_at = $8 where id = $1`,
    [a.id, a.name, JSON.stringify(a.where), JSON.stringify(a.destination), a.format, a.refreshMinutes, a.status, a.updatedAt]);
  return r.affectedRows === 1;
}

export async function deleteAudience(db: Queryable, id: string): Promise<boolean> {
  return (await db.query(`delete from audiences where id = $1`, [id])).affectedRows === 1;
}

/** Active audiences whose next refresh is due at `nowMs` and that nobody is refreshing. */
export async function dueAudiences(db: Queryable, nowMs: number): Promise<string[]> {
  const now = new Date(nowMs).toISOString();
  const r = await db.query<{ id: string }>(`select id from audiences where status = 'active'
    and (refreshing_until is null or refreshing_until < $1::timestamptz)
    and coalesce(last_refresh_at, '-infinity'::timestamptz) + make_interval(mins => refresh_minutes) <= $1::timestamptz order by id`, [now]);
  return r.rows.map((x) => x.id);
}

/** Takes the refresh lease until `untilMs`; false when another refresh holds it. */
export async function claimRefresh(db: Queryable, id: string, nowMs: number, untilMs: number): Promise<boolean> {
  const r = await db.query(`update audiences set refreshing_until = $3 where id = $1 and (refreshing_until is null or refreshing_until < $2)`,
    [id, new Date(nowMs).toISOString(), new Date(untilMs).toISOString()]);
  return r.affectedRows === 1;
}

export async function recordFailure(db: Queryable, id: string, message: string, atMs: number): Promise<void> {
  await db.query(`update audiences set last_error = $2, last_error_at = $3, refreshing_until = null where id = $1`, [id, message.slice(0, 1000), new Date(atMs).toISOString()]);
}

/** Every exported identifier of the audience: memberKey -> profile id. */
export async function loadMembership(db: Queryable, id: string): Promise<Map<string, string>> {
  const r = await db.query<{ kind: string; hash: string; profile_id: string }>(`select kind, hash, profile_id from audience_members where audience_id = $1`, [id]);
  return new Map(r.rows.map((x) => [`${x.kind}:${x.hash}`, x.profile_id]));
}

export interface AppliedRefresh {
  adds: Array<{ kind: IdentifierKind; hash: string; profileId: string }>;
  removes: Array<{ kind: IdentifierKind; hash: string }>;
  moved: Array<{ kind: IdentifierKind; hash: string; profileId: string }>;
  counts: { profiles: number; emails: number; phones: number };
}

/** After a successful export: the membership becomes what was exported, and the status says so. */
export async function applyRefresh(tx: Queryable, id: string, d: AppliedRefresh, atMs: number): Promise<void> {
  const at = new Date(atMs).toISOString();
  if (d.removes.length > 0) {
    await tx.query(`delete from audience_members m using unnest($2::text[], $3::text[]) as x(kind, hash)
      where m.audience_id = $1 and m.kind = x.kind and m.hash = x.hash`, [id, d.removes.map((x) => x.kind), d.removes.map((x) => x.hash)]);
  }
  const upserts = [...d.adds, ...d.moved];
  if (upserts.length > 0) {
    await tx.query(`insert into audience_members (audience_id, kind, hash, profile_id, added_at)
      select $1, kind, hash, profile_id, $5 from unnest($2::text[], $3::text[], $4::text[]) as x(kind, hash, profile_id)
      on conflict (audience_id, kind, hash) do update set profile_id = excluded.profile_id`,
    [id, upserts.map((x) => x.kind), upserts.map((x) => x.hash), upserts.map((x) => x.profileId), at]);
  }
  await tx.query(`update audiences set last_refresh_at = $2, last_error = null, last_error_at = null, refreshing_until = null,
    profiles = $3, emails = $4, phones = $5, last_adds = $6, last_removes = $7 where id = $1`,
  [id, at, d.counts.profiles, d.counts.emails, d.counts.phones, d.adds.length, d.removes.length]);
}

/** Members in (kind, hash) order after the cursor `kind:hash`. */
export async function pageMembers(db: Queryable, id: string, limit: number, after?: { kind: string; hash: string }): Promise<HashedMember[]> {
  const r = await db.query<{ kind: IdentifierKind; hash: string }>(`select kind, hash from audience_members where audience_id = $1
    and ($2::text is null or (kind, hash) > ($2::text collate "C", $3::text collate "C")) order by kind, hash limit $4`,
  [id, after?.kind ?? null, after?.hash ?? null, limit]);
  return r.rows.map((x) => ({ type: x.kind, hash: x.hash }));
}

