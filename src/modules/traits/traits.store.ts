/**
 * SQL of the traits module (tables in migrations/0010_traits.sql). Only this file touches them.
 */
import type { Queryable } from '../../core/index.ts';
import type { Activity } from './traits.activity.ts';
import type { HistoryOrder, ProfileSnapshot } from './traits.history.ts';
import type { DeclaredPreference } from './traits.preferences.ts';
import type { ComputedTraits, PreferenceValue, TraitModel } from './traits.types.ts';

export interface StoredProfile { history: HistoryOrder[]; activity: Activity; snapshot: ProfileSnapshot; traits: ComputedTraits }

export async function loadProfiles(db: Queryable, ids: readonly string[]): Promise<Map<string, StoredProfile>> {
  const out = new Map<string, StoredProfile>();
  if (ids.length === 0) return out;
  // One JSON text per row, parsed here: less work for the (embedded) database thread than four jsonb columns.
  const r = await db.query<{ j: string }>(
    `select json_build_object('profile_id', profile_id, 'history', history, 'activity', activity, 'snapshot', snapshot, 'traits', traits)::text as j
     from traits_profiles where profile_id = any($1::text[])`, [ids]);
  for (const { j } of r.rows) {
    const x = JSON.parse(j) as { profile_id: string } & StoredProfile;
    out.set(x.profile_id, { history: x.history, activity: x.activity, snapshot: x.snapshot, traits: x.traits });
  }
  return out;
}

/**
 * Upserts rows; a row never replaces one built from later events (activity.lastSeq), so a batch
 * recompute racing the live path cannot roll a profile back. Returns the ids whose rows were written.
 */
export async function saveProfiles(tx: Queryable, rows: ReadonlyArray<StoredProfile & { profileId: string }>, updatedAt: string): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  // One text array per column (sent in binary, see core/db/db.binary.ts):
  // ~40% less database time per row than one JSON document unpacked by json_to_recordset.
  // Only a count comes back; the rare pass that lost a row to a newer one reads which (below).
  const r = await tx.query<{ n: number }>(`with w as (insert into traits_profiles (profile_id, last_seq, history, activity, snapshot, traits, computed_at, updated_at)
    select profile_id, last_seq, history::json, activity::json, snapshot::json, traits::json, computed_at::timestamptz, $8::timestamptz
    from unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as x(profile_id, last_seq, history, activity, snapshot, traits, computed_at)
    on conflict (profile_id) do update set last_seq = excluded.last_seq, history = excluded.history, activity = excluded.activity, snapshot = excluded.snapshot,
      traits = excluded.traits, computed_at = excluded.computed_at, updated_at = excluded.updated_at
    where traits_profiles.last_seq <= excluded.last_seq
    returning 1) select count(*)::int as n from w`, [rows.map((x) => x.profileId), rows.map((x) => x.activity.lastSeq), rows.map((x) => JSON.stringify(x.history)),
    rows.map((x) => JSON.stringify(x.activity)), rows.map((x) => JSON.stringify(x.snapshot)), rows.map((x) => JSON.stringify(x.traits)),
    rows.map((x) => x.traits.computedAt), updatedAt]);
  const ids = rows.map((x) => x.profileId);
  if (r.rows[0]?.n === rows.length) return new Set(ids);
  // Kept rows are those built from later events than this pass's.
  const ours = new Map(rows.map((x) => [x.profileId, x.activity.lastSeq]));
  const newer = await tx.query<{ profile_id: string; last_seq: number }>(`select profile_id, last_seq from traits_profiles where profile_id = any($1::text[])`, [ids]);
  const written = new Set(ids);
  for (const x of newer.rows) if (x.last_seq > ours.get(x.profile_id)!) written.delete(x.profile_id);
  return written;
}

export async function deleteProfile(tx: Queryable, id: string): Promise<void> {
  await tx.query(`delete from traits_profiles where profile_id = $1`, [id]);
}

/** Profile ids with a stored row, in id order after `afterId` (for batch recompute). */
export async function pageProfileIds(db: Queryable, afterId: string, limit: number): Promise<string[]> {
  const r = await db.query<{ profile_id: string }>(`select profile_id from traits_profiles where profile_id > $1 order by profile_id limit $2`, [afterId, limit]);
  return r.rows.map((x) => x.profile_id);
}

export async function loadDeclared(db: Queryable, ids: readonly string[]): Promise<Map<string, DeclaredPreference[]>> {
  const out = new Map<string, DeclaredPreference[]>();
  if (ids.length === 0) return out;
  const r = await db.query<{ profile_id: string; variable: string; source: string; value: PreferenceValue; at: Date; evidence: Record<string, unknown> }>(
    `select profile_id, variable, source, value, at, evidence from traits_preferences where profile_id = any($1::text[])`, [ids]);
  for (const x of r.rows) {
    const list = out.get(x.profile_id) ?? [];
    list.push({ variable: x.variable, source: x.source, value: x.value, at: x.at.getTime(), evidence: x.evidence });
    out.set(x.profile_id, list);
  }
  return out;
}

/** Keeps, per (profile, variable, source), the value with the latest `at` (re-delivery is harmless). */
export async function upsertDeclared(tx: Queryable, rows: ReadonlyArray<DeclaredPreference & { profileId: string }>, recordedAt: string): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((r) => ({ profile_id: r.profileId, variable: r.variable, source: r.source, value: r.value, at: new Date(r.at).toISOString(), evidence: r.evidence }));
  await tx.query(`insert into traits_preferences (profile_id, variable, source, value, at, recorded_at, evidence)
    select distinct on (profile_id, variable, source) profile_id, variable, source, value, at, $2::timestamptz, evidence
    from jsonb_to_recordset($1::jsonb) as x(profile_id text, variable text, source text, value jsonb, at timestamptz, evidence jsonb)
    order by profile_id, variable, source, at desc
    on conflict (profile_id, variable, source) do update set value = excluded.value, at = excluded.at, recorded_at = excluded.recorded_at, evidence = excluded.evidence
    where excluded.at >= traits_preferences.at`, [JSON.stringify(data), recordedAt]);
}

/** Removes declared values of these variables (every source). */
export async function deleteDeclared(tx: Queryable, profileId: string, variables: readonly string[]): Promise<void> {
  if (variables.length === 0) return;
  await tx.query(`delete from traits_preferences where profile_id = $1 and variable = any($2::text[])`, [profileId, variables]);
}

/** Moves the absorbed profile's declared preferences to the survivor; on a clash the later one stays. */
export async function repointDeclared(tx: Queryable, from: string, into: string): Promise<void> {
  await tx.query(`insert into traits_preferences (profile_id, variable, source, value, at, recorded_at, evidence)
    select $2, variable, source, value, at, recorded_at, evidence from traits_preferences where profile_id = $1
    on conflict (profile_id, variable, source) do update set value = excluded.value, at = excluded.at, recorded_at = excluded.recorded_at, evidence = excluded.evidence
    where excluded.at > traits_preferences.at`, [from, into]);
  await tx.query(`delete from traits_preferences where profile_id = $1`, [from]);
}

export async function loadLatestModel(db: Queryable): Promise<TraitModel | undefined> {
  const r = await db.query<{ version: number; model: TraitModel }>(`select version, model from traits_models order by version desc limit 1`);
  const row = r.rows[0];
  return row ? { ...row.model, version: row.version } : undefined;
}

export async function latestModelVersion(db: Queryable): Promise<number> {
  const r = await db.query<{ v: number | null }>(`select max(version) as v from traits_models`);
  return r.rows[0]?.v ?? 0;
}

/** Stores the model as the next version (serialized across processes); returns it with that version. */
export async function insertModel(tx: Queryable, model: TraitModel): Promise<TraitModel> {
  await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || ':traits_models'))`);
  const version = (await latestModelVersion(tx)) + 1;
  const stored = { ...model, version };
  await tx.query(`insert into traits_models (version, fitted_at, model) values ($1, $2, $3::jsonb)`, [version, model.fittedAt, JSON.stringify(stored)]);
  return stored;
}

/** True when no profile has a stored row yet (first start on an existing database). */
export async function isEmpty(db: Queryable): Promise<boolean> {
  return (await db.query(`select 1 from traits_profiles limit 1`)).rows.length === 0;
}
