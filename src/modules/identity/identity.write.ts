import type { Queryable } from '../../core/index.ts';
import type { ConflictRecord, IdentityRow, MergeRecord } from './identity.store.ts';

/** What one projection batch changes in the identity graph, written in one transaction. */
export interface IdentityChanges {
  newProfiles: Array<{ id: string; createdAt: string }>;
  newIdentities: IdentityRow[];
  /** In the order they happened; `from` is absorbed by `into`. */
  merges: MergeRecord[];
  conflicts: ConflictRecord[];
}

/**
 * Applies a batch of identity changes. Merges re-point the absorbed profile's identities in the
 * database (rows loaded into memory were already re-pointed by the caller), then new identities
 * are inserted already pointing at their surviving profile.
 */
export async function applyIdentityChanges(tx: Queryable, c: IdentityChanges): Promise<void> {
  if (c.newProfiles.length > 0) {
    await tx.query(`insert into profile_registry (id, created_at) select * from unnest($1::text[], $2::timestamptz[])`,
      [c.newProfiles.map((p) => p.id), c.newProfiles.map((p) => p.createdAt)]);
  }
  for (const m of c.merges) {
    await tx.query(`update profile_registry set merged_into = $2 where id = $1`, [m.fromProfile, m.intoProfile]);
    await tx.query(`update identities set profile_id = $2 where profile_id = $1`, [m.fromProfile, m.intoProfile]);
  }
  if (c.merges.length > 0) {
    await tx.query(`insert into profile_merges (id, from_profile, into_profile, reason, linked_by, message_id, seq, at)
      select * from jsonb_to_recordset($1::jsonb) as x(id text, "fromProfile" text, "intoProfile" text, reason text, "linkedBy" jsonb, "messageId" text, seq bigint, at timestamptz)`,
      [JSON.stringify(c.merges)]);
  }
  if (c.newIdentities.length > 0) {
    await tx.query(`insert into identities (type, value, profile_id, first_seen_at, source_message_id)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) on conflict (type, value) do nothing`,
      [c.newIdentities.map((i) => i.type), c.newIdentities.map((i) => i.value), c.newIdentities.map((i) => i.profileId), c.newIdentities.map((i) => i.firstSeenAt), c.newIdentities.map((i) => i.sourceMessageId ?? null)]);
  }
  if (c.conflicts.length > 0) {
    await tx.query(`insert into identity_conflicts (id, profile_id, other_profile_id, identity_type, identity_value, reason, message_id, at)
      select * from jsonb_to_recordset($1::jsonb) as x(id text, "profileId" text, "otherProfileId" text, "identityType" text, "identityValue" text, reason text, "messageId" text, at timestamptz)`,
      [JSON.stringify(c.conflicts)]);
  }
}
