/**
 * SQL for the consent tables; the only code that touches them. Every read of "the current state"
 * orders by (at desc, recorded_at desc, id desc) and so is served by consent_records_latest.
 */
import { decodeCursor, encodeCursor, type Page, type Queryable } from '../../core/index.ts';
import type { PriorState } from './consent.policy.ts';
import type { ConsentMode, ConsentRecord, ConsentStatus, PolicyRule } from './consent.types.ts';

interface RecordRow {
  id: string;
  profile_id: string;
  original_profile_id: string;
  purpose: string;
  status: ConsentStatus;
  at: Date;
  recorded_at: Date;
  source: string;
  jurisdiction: string | null;
  evidence: Record<string, unknown>;
}

const RECORD_COLUMNS = 'id, profile_id, original_profile_id, purpose, status, at, recorded_at, source, jurisdiction, evidence';
const LATEST_ORDER = 'at desc, recorded_at desc, id desc';

export function toRecord(r: RecordRow): ConsentRecord {
  const out: ConsentRecord = {
    id: r.id, profileId: r.profile_id, purpose: r.purpose, status: r.status,
    at: r.at.toISOString(), recordedAt: r.recorded_at.toISOString(), source: r.source, evidence: r.evidence ?? {},
  };
  if (r.jurisdiction) out.jurisdiction = r.jurisdiction;
  if (r.original_profile_id !== r.profile_id) out.originalProfileId = r.original_profile_id;
  return out;
}

/** Overrides come back from json_agg as [jurisdiction, purpose, mode] triples. */
function toRules(v: unknown): PolicyRule[] {
  if (!Array.isArray(v)) return [];
  return (v as Array<[string, string, ConsentMode]>).map(([jurisdiction, purpose, mode]) => ({ jurisdiction, purpose, mode }));
}

export interface PriorQuery { profileId: string; purpose: string; at: string }

/**
 * For each query, the latest stored record of its (profile, purpose) whose `at` is not after the
 * query's: what the state was when that choice was made. One statement for the whole batch.
 */
export async function priorStates(db: Queryable, qs: readonly PriorQuery[]): Promise<Array<PriorState | undefined>> {
  const out: Array<PriorState | undefined> = qs.map(() => undefined);
  if (qs.length === 0) return out;
  const r = await db.query<{ i: number; status: ConsentStatus; at: Date }>(
    `select x.i, c.status, c.at
       from unnest($1::text[], $2::text[], $3::timestamptz[]) with ordinality as x(profile_id, purpose, at, i)
       join lateral (
         select status, at from consent_records
          where profile_id = x.profile_id and purpose = x.purpose and at <= x.at
          order by ${LATEST_ORDER} limit 1
       ) c on true`,
    [qs.map((q) => q.profileId), qs.map((q) => q.purpose), qs.map((q) => q.at)]);
  for (const row of r.rows) out[Number(row.i) - 1] = { status: row.status, atMs: row.at.getTime() };
  return out;
}

/** Appends records in one statement. `original_profile_id` starts as `profile_id`. */
export async function insertRecords(db: Queryable, records: readonly ConsentRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.query(
    `insert into consent_records (${RECORD_COLUMNS})
     select id, profile_id, profile_id, purpose, status, at, recorded_at, source, jurisdiction, evidence::jsonb
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[], $9::text[])
         as x(id, profile_id, purpose, status, at, recorded_at, source, jurisdiction, evidence)`,
    [
      records.map((r) => r.id), records.map((r) => r.profileId), records.map((r) => r.purpose), records.map((r) => r.status),
      records.map((r) => r.at), records.map((r) => r.recordedAt), records.map((r) => r.source),
      records.map((r) => r.jurisdiction ?? null), records.map((r) => JSON.stringify(r.evidence)),
    ]);
}

export interface CheckInputs { record: ConsentRecord | undefined; subjectJurisdiction: string | undefined; overrides: PolicyRule[] }

/**
 * Everything check() needs in one statement: the latest record for the purpose (index range
 * scan, limit 1), the profile's jurisdiction (primary key) and the overrides that could apply to
 * the purpose (a tiny table; a cache can take this part over later).
 */
export async function loadCheck(db: Queryable, profileId: string, purpose: string): Promise<CheckInputs> {
  const r = await db.query<Partial<RecordRow> & { subject_jurisdiction: string | null; overrides: unknown }>(
    `select (select jurisdiction from consent_subjects where profile_id = $1) as subject_jurisdiction,
            (select coalesce(json_agg(json_build_array(jurisdiction, purpose, mode)), '[]'::json)
               from consent_policy where purpose = $2 or purpose = '*') as overrides,
            c.*
       from (select 1) as one
       left join lateral (
         select ${RECORD_COLUMNS} from consent_records
          where profile_id = $1 and purpose = $2 order by ${LATEST_ORDER} limit 1
       ) c on true`,
    [profileId, purpose]);
  const row = r.rows[0]!;
  return {
    record: row.id ? toRecord(row as RecordRow) : undefined,
    subjectJurisdiction: row.subject_jurisdiction ?? undefined,
    overrides: toRules(row.overrides),
  };
}

/**
 * loadCheck for many (profile, purpose) pairs in one statement: the senders of a batch of
 * messages ask at once. Overrides are returned once (all of them); callers filter by purpose.
 */
export async function loadChecks(db: Queryable, pairs: ReadonlyArray<{ profileId: string; purpose: string }>): Promise<{ inputs: Array<Omit<CheckInputs, 'overrides'>>; overrides: PolicyRule[] }> {
  if (pairs.length === 0) return { inputs: [], overrides: [] };
  const r = await db.query<Partial<RecordRow> & { i: number; subject_jurisdiction: string | null; overrides: unknown }>(
    `select x.i, (select jurisdiction from consent_subjects s where s.profile_id = x.p) as subject_jurisdiction,
            case when x.i = 1 then (select coalesce(json_agg(json_build_array(jurisdiction, purpose, mode)), '[]'::json) from consent_policy) end as overrides,
            c.*
       from unnest($1::text[], $2::text[]) with ordinality as x(p, pu, i)
       left join lateral (
         select ${RECORD_COLUMNS} from consent_records
          where profile_id = x.p and purpose = x.pu order by ${LATEST_ORDER} limit 1
       ) c on true
      order by x.i`,
    [pairs.map((p) => p.profileId), pairs.map((p) => p.purpose)]);
  const overrides = toRules(r.rows[0]?.overrides ?? []);
  return {
    overrides,
    inputs: r.rows.map((row) => ({ record: row.id ? toRecord(row as RecordRow) : undefined, subjectJurisdiction: row.subject_jurisdiction ?? undefined })),
  };
}

/** The latest record of every purpose the profile has any record for. */
export async function latestRecords(db: Queryable, profileId: string): Promise<ConsentRecord[]> {
  const r = await db.query<RecordRow>(
    `select distinct on (purpose) ${RECORD_COLUMNS} from consent_records
      where profile_id = $1 order by purpose, ${LATEST_ORDER}`, [profileId]);
  return r.rows.map(toRecord);
}

/** The profile's jurisdiction and every override, in one statement. */
export async function loadContext(db: Queryable, profileId: string): Promise<{ subjectJurisdiction: string | undefined; overrides: PolicyRule[] }> {
  const r = await db.query<{ subject_jurisdiction: string | null; overrides: unknown }>(
    `select (select jurisdiction from consent_subjects where profile_id = $1) as subject_jurisdiction,
            (select coalesce(json_agg(json_build_array(jurisdiction, purpose, mode)), '[]'::json) from consent_policy) as overrides`,
    [profileId]);
  const row = r.rows[0]!;
  return { subjectJurisdiction: row.subject_jurisdiction ?? undefined, overrides: toRules(row.overrides) };
}

export async function listHistory(db: Queryable, profileId: string): Promise<ConsentRecord[]> {
  const r = await db.query<RecordRow>(
    `select ${RECORD_COLUMNS} from consent_records where profile_id = $1 order by ${LATEST_ORDER}`, [profileId]);
  return r.rows.map(toRecord);
}

/** One keyset page of the ledger, newest first: the key is (at, recorded_at, id), the ledger's own order. */
export async function pageHistory(db: Queryable, profileId: string, q: { cursor?: string | undefined; limit: number }): Promise<Page<ConsentRecord>> {
  const [at, recordedAt, id] = q.cursor ? decodeCursor(q.cursor, ['s', 's', 's']) as string[] : [];
  const r = await db.query<RecordRow>(
    `select ${RECORD_COLUMNS} from consent_records where profile_id = $1
       and ($2::timestamptz is null or (at, recorded_at, id) < ($2::timestamptz, $3::timestamptz, $4::text))
     order by ${LATEST_ORDER} limit $5`, [profileId, at ?? null, recordedAt ?? null, id ?? null, q.limit + 1]);
  const items = r.rows.slice(0, q.limit).map(toRecord);
  const last = r.rows[Math.min(q.limit, r.rows.length) - 1];
  return { items, nextCursor: r.rows.length > q.limit && last ? encodeCursor([last.at.toISOString(), last.recorded_at.toISOString(), last.id]) : null };
}

/**
 * Merge: the survivor takes every record (original_profile_id keeps the audit trail) and the
 * absorbed profile's jurisdiction when it is the more recently learned one.
 */
export async function reassignRecords(db: Queryable, from: string, to: string): Promise<void> {
  await db.query(`update consent_records set profile_id = $2 where profile_id = $1`, [from, to]);
  await db.query(
    `insert into consent_subjects (profile_id, jurisdiction, updated_at)
     select $2, jurisdiction, updated_at from consent_subjects where profile_id = $1
     on conflict (profile_id) do update set jurisdiction = excluded.jurisdiction, updated_at = excluded.updated_at
      where consent_subjects.updated_at < excluded.updated_at`, [from, to]);
  await db.query(`delete from consent_subjects where profile_id = $1`, [from]);
}

export async function upsertSubject(db: Queryable, profileId: string, jurisdiction: string, at: string): Promise<void> {
  await db.query(
    `insert into consent_subjects (profile_id, jurisdiction, updated_at) values ($1, $2, $3)
     on conflict (profile_id) do update set jurisdiction = excluded.jurisdiction, updated_at = excluded.updated_at`,
    [profileId, jurisdiction, at]);
}

export async function listOverrides(db: Queryable): Promise<PolicyRule[]> {
  const r = await db.query<{ jurisdiction: string; purpose: string; mode: ConsentMode }>(
    `select jurisdiction, purpose, mode from consent_policy order by jurisdiction, purpose`);
  return r.rows.map((x) => ({ jurisdiction: x.jurisdiction, purpose: x.purpose, mode: x.mode }));
}

/** Replaces the whole override set; call inside a transaction. */
export async function replaceOverrides(db: Queryable, rules: readonly PolicyRule[], at: string): Promise<void> {
  await db.query(`delete from consent_policy`);
  if (rules.length === 0) return;
  await db.query(
    `insert into consent_policy (jurisdiction, purpose, mode, updated_at)
     select j, p, m, $4::timestamptz from unnest($1::text[], $2::text[], $3::text[]) as x(j, p, m)`,
    [rules.map((r) => r.jurisdiction), rules.map((r) => r.purpose), rules.map((r) => r.mode), at]);
}
