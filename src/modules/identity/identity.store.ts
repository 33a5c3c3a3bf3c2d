import { BraidError, decodeCursor, encodeCursor, type CoreDeps, type Page, type Queryable } from '../../core/index.ts';
import { identityKey, parseRef, type Identifier } from './identity.normalize.ts';

export interface MergeRecord { id: string; fromProfile: string; intoProfile: string; reason: string; linkedBy: Identifier[]; messageId?: string | undefined; seq?: number | undefined; at: string }
export interface ConflictRecord { id: string; profileId: string; otherProfileId: string; identityType: string; identityValue: string; reason: string; messageId?: string | undefined; at: string }
export interface IdentityRow { type: string; value: string; profileId: string; firstSeenAt: string; sourceMessageId?: string | undefined }

/** Follows merged_into links to the surviving profile (bounded: merge chains are short). */
export async function canonicalProfile(db: Queryable, profileId: string): Promise<string | undefined> {
  let id = profileId;
  for (let i = 0; i < 32; i++) {
    const r = await db.query<{ merged_into: string | null }>(`select merged_into from profile_registry where id = $1`, [id]);
    const row = r.rows[0];
    if (!row) return undefined;
    if (!row.merged_into) return id;
    id = row.merged_into;
  }
  throw new BraidError('internal', `merge chain too long from ${profileId}`);
}

export async function resolveRef(deps: Pick<CoreDeps, 'db' | 'config'>, ref: string): Promise<string | undefined> {
  const parsed = parseRef(ref, deps.config.defaultPhoneRegion);
  if (!parsed) return undefined;
  if ('profileId' in parsed) return canonicalProfile(deps.db, parsed.profileId);
  const r = await deps.db.query<{ profile_id: string }>(`select profile_id from identities where type = $1 and value = $2`, [parsed.type, parsed.value]);
  const pid = r.rows[0]?.profile_id;
  return pid ? canonicalProfile(deps.db, pid) : undefined;
}

/** Owners of the given identifiers, keyed by identityKey. */
export async function loadOwners(db: Queryable, ids: Identifier[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const r = await db.query<{ type: string; value: string; profile_id: string }>(
    `select i.type, i.value, i.profile_id from identities i join unnest($1::text[], $2::text[]) as x(t, v) on i.type = x.t and i.value = x.v`,
    [ids.map((i) => i.type), ids.map((i) => i.value)]);
  for (const row of r.rows) out.set(identityKey(row), row.profile_id);
  return out;
}

export async function listIdentities(db: Queryable, profileId: string): Promise<IdentityRow[]> {
  const r = await db.query<{ type: string; value: string; profile_id: string; first_seen_at: Date; source_message_id: string | null }>(
    `select type, value, profile_id, first_seen_at, source_message_id from identities where profile_id = $1 order by first_seen_at, type, value`, [profileId]);
  return r.rows.map((x) => ({ type: x.type, value: x.value, profileId: x.profile_id, firstSeenAt: x.first_seen_at.toISOString(), sourceMessageId: x.source_message_id ?? undefined }));
}

/**
 * One keyset page of a profile's identities in listIdentities' order (first seen, type, value):
 * a profile can collect thousands of anonymous ids, and the console pages through them.
 */
export async function pageIdentities(db: Queryable, profileId: string, q: { cursor?: string | undefined; limit: number }): Promise<Page<IdentityRow>> {
  const [at, type, value] = q.cursor ? decodeCursor(q.cursor, ['s', 's', 's']) as string[] : [];
  const r = await db.query<{ type: string; value: string; profile_id: string; first_seen_at: Date; source_message_id: string | null }>(
    `select type, value, profile_id, first_seen_at, source_message_id from identities
     where profile_id = $1 and ($2::timestamptz is null or (first_seen_at, type, value) > ($2::timestamptz, $3::text, $4::text))
     order by first_seen_at, type, value limit $5`, [profileId, at ?? null, type ?? null, value ?? null, q.limit + 1]);
  const items = r.rows.slice(0, q.limit).map((x) => ({ type: x.type, value: x.value, profileId: x.profile_id, firstSeenAt: x.first_seen_at.toISOString(), sourceMessageId: x.source_message_id ?? undefined }));
  const last = items[items.length - 1];
  return { items, nextCursor: r.rows.length > q.limit && last ? encodeCursor([last.firstSeenAt, last.type, last.value]) : null };
}

/**
 * listIdentities for many profiles in one statement. A probe per id rather than
 * `= any(...)`: without column statistics (the embedded store never analyzes) the planner expects
 * `= any` to match a third of the table and scans all of it; a lateral probe per id uses the profile index.
 */
export async function listIdentitiesOf(db: Queryable, profileIds: string[]): Promise<Map<string, IdentityRow[]>> {
  const out = new Map<string, IdentityRow[]>(profileIds.map((id) => [id, []]));
  if (profileIds.length === 0) return out;
  const r = await db.query<{ type: string; value: string; profile_id: string; first_seen_at: Date; source_message_id: string | null }>(
    `select i.type, i.value, i.profile_id, i.first_seen_at, i.source_message_id
     from unnest($1::text[]) as u(p) cross join lateral (select * from identities where profile_id = u.p offset 0) i order by i.first_seen_at, i.type, i.value`, [[...new Set(profileIds)]]);
  for (const x of r.rows) out.get(x.profile_id)?.push({ type: x.type, value: x.value, profileId: x.profile_id, firstSeenAt: x.first_seen_at.toISOString(), sourceMessageId: x.source_message_id ?? undefined });
  return out;
}

/** Every profile id that now resolves to `profileId` (itself and all it absorbed, transitively). */
export async function mergedIds(db: Queryable, profileId: string): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `with recursive absorbed(id) as (select $1::text union select p.id from profile_registry p join absorbed a on p.merged_into = a.id) select id from absorbed`, [profileId]);
  return r.rows.map((x) => x.id);
}

export async function listMerges(db: Queryable, profileId: string): Promise<MergeRecord[]> {
  const ids = await mergedIds(db, profileId);
  const r = await db.query<{ id: string; from_profile: string; into_profile: string; reason: string; linked_by: Identifier[]; message_id: string | null; seq: number | null; at: Date }>(
    `select * from profile_merges where into_profile = any($1::text[]) or from_profile = any($1::text[]) order by at, id`, [ids]);
  return r.rows.map((x) => ({ id: x.id, fromProfile: x.from_profile, intoProfile: x.into_profile, reason: x.reason, linkedBy: x.linked_by, messageId: x.message_id ?? undefined, seq: x.seq ?? undefined, at: x.at.toISOString() }));
}

export async function listConflicts(db: Queryable, profileId: string): Promise<ConflictRecord[]> {
  const ids = await mergedIds(db, profileId);
  const r = await db.query<{ id: string; profile_id: string; other_profile_id: string; identity_type: string; identity_value: string; reason: string; message_id: string | null; at: Date }>(
    `select * from identity_conflicts where profile_id = any($1::text[]) or other_profile_id = any($1::text[]) order by at, id`, [ids]);
  return r.rows.map((x) => ({ id: x.id, profileId: x.profile_id, otherProfileId: x.other_profile_id, identityType: x.identity_type, identityValue: x.identity_value, reason: x.reason, messageId: x.message_id ?? undefined, at: x.at.toISOString() }));
}
