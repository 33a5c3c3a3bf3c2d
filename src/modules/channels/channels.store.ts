/**
 * SQL over the delivery log, the suppression list and the inbox. Writes that touch many messages
 * are single multi-row statements (unnest), so a batch of deliveries costs a constant number of
 * round trips. Status changes are conditional (`where status in (...)`): the row is the lock.
 */
import type { Queryable } from '../../core/index.ts';
import { WENT_OUT, type ChannelName, type Contact, type DeliveryQuery, type DeliveryRecord, type DeliveryStatus, type InboxItem, type OutboundContent, type Suppression } from './channels.types.ts';

export interface DeliveryRow {
  id: string; idempotency_key: string; profile_id: string; channel: string; purpose: string; transactional: boolean;
  status: string; reason: string | null; address: string | null; attempts: number; provider_id: string | null;
  consent_record_id: string | null; consent_basis: string | null; worker_id: string | null; worker_version: number | null;
  instance_id: string | null; step_id: string | null; decision_id: string | null; content: OutboundContent;
  provenance?: Record<string, unknown> | null; created_at: Date; sent_at: Date | null; updated_at: Date;
}

export function toRecord(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id, idempotencyKey: r.idempotency_key, profileId: r.profile_id, channel: r.channel as ChannelName, purpose: r.purpose,
    status: r.status as DeliveryStatus, reason: r.reason, address: r.address, attempts: r.attempts, providerId: r.provider_id,
    consentRecordId: r.consent_record_id, consentBasis: r.consent_basis, workerId: r.worker_id, workerVersion: r.worker_version,
    instanceId: r.instance_id, stepId: r.step_id, decisionId: r.decision_id, content: r.content, provenance: r.provenance ?? null,
    createdAt: r.created_at.toISOString(), sentAt: r.sent_at ? r.sent_at.toISOString() : null, updatedAt: r.updated_at.toISOString(),
  };
}

/** A new delivery row, as `send` builds it. */
export interface NewDelivery {
  id: string; key: string; profileId: string; channel: string; purpose: string; transactional: boolean;
  workerId: string | null; workerVersion: number | null; instanceId: string | null; stepId: string | null; decisionId: string | null;
  content: string;
  /** JSON text, or null. */
  provenance: string | null;
}

/**
 * One multi-row insert of the rows and their contents (delivery_contents); returns the ids of the
 * rows inserted (keys already present are skipped, with their contents). The rows go in as one
 * JSON document with each content and provenance embedded as the JSON text the caller built
 * (cheaper for the embedded database than arrays of quoted text).
 */
export async function insertDeliveries(tx: Queryable, rows: NewDelivery[], at: string): Promise<Set<string>> {
  const q = JSON.stringify;
  const doc = '[' + rows.map((r) => `{"id":${q(r.id)},"k":${q(r.key)},"p":${q(r.profileId)},"ch":${q(r.channel)},"pu":${q(r.purpose)},"tr":${r.transactional},`
    + `"w":${q(r.workerId)},"wv":${q(r.workerVersion)},"i":${q(r.instanceId)},"s":${q(r.stepId)},"d":${q(r.decisionId)},"c":${r.content},"pv":${r.provenance ?? 'null'}}`).join(',') + ']';
  const r = await tx.query<{ id: string }>(
    `with x as materialized (
       select * from json_to_recordset($1::json) as x(id text, k text, p text, ch text, pu text, tr boolean, w text, wv int, i text, s text, d text, c json, pv jsonb)),
     ins as (
       insert into deliveries (id, idempotency_key, profile_id, channel, purpose, transactional, status, worker_id, worker_version,
         instance_id, step_id, decision_id, provenance, created_at, updated_at)
       select id, k, p, ch, pu, tr, 'queued', w, wv, i, s, d, pv, $2, $2 from x
       on conflict (idempotency_key) do nothing
       returning id),
     body as (insert into delivery_contents (id, content) select x.id, x.c from x join ins on ins.id = x.id)
     select id from ins`, [doc, at]);
  return new Set(r.rows.map((x) => x.id));
}

export async function idsByKey(db: Queryable, keys: string[]): Promise<Map<string, string>> {
  const r = await db.query<{ id: string; idempotency_key: string }>(`select id, idempotency_key from deliveries where idempotency_key = any($1::text[])`, [keys]);
  return new Map(r.rows.map((x) => [x.idempotency_key, x.id]));
}

export async function statusesByKey(db: Queryable, keys: string[]): Promise<Map<string, DeliveryStatus>> {
  if (keys.length === 0) return new Map();
  const r = await db.query<{ idempotency_key: string; status: DeliveryStatus }>(`select idempotency_key, status from deliveries where idempotency_key = any($1::text[])`, [keys]);
  return new Map(r.rows.map((x) => [x.idempotency_key, x.status]));
}

/** A whole row: the delivery and its content. */
const ROW = `d.*, c.content from deliveries d left join delivery_contents c on c.id = d.id`;
/** The rows an update returned (`u`), with their contents. */
const WITH_CONTENT = `select u.*, c.content from u left join delivery_contents c on c.id = u.id`;

/**
 * Takes the rows still waiting for delivery: status 'sending', attempts + 1. Their contents come
 * from `cached` (the JSON text kept by the process that queued them) or else from the table.
 */
export async function claim(db: Queryable, ids: string[], at: string, cached: (id: string) => string | undefined = () => undefined): Promise<DeliveryRow[]> {
  const r = await db.query<Omit<DeliveryRow, 'content'>>(
    `update deliveries set status = 'sending', attempts = attempts + 1, updated_at = $2
     where id = any($1::text[]) and status in ('queued', 'retrying') returning *`, [ids, at]);
  const out: DeliveryRow[] = [];
  const missing: Array<Omit<DeliveryRow, 'content'>> = [];
  for (const row of r.rows) {
    const text = cached(row.id);
    if (text === undefined) missing.push(row);
    else out.push({ ...row, content: JSON.parse(text) as OutboundContent });
  }
  if (missing.length > 0) {
    const c = await db.query<{ id: string; content: OutboundContent }>(`select id, content from delivery_contents where id = any($1::text[])`, [missing.map((m) => m.id)]);
    const byId = new Map(c.rows.map((x) => [x.id, x.content]));
    for (const row of missing) out.push({ ...row, content: byId.get(row.id) ?? {} });
  }
  return out;
}

/**
 * Rows a job found still 'sending': the process that claimed them died during the provider call.
 * Whether the message left is unknown, so it is never sent again.
 */
export async function markUnknown(db: Queryable, ids: string[], at: string): Promise<DeliveryRow[]> {
  if (ids.length === 0) return [];
  const r = await db.query<DeliveryRow>(
    `with u as (update deliveries set status = 'unknown', reason = 'interrupted during delivery', updated_at = $2
     where id = any($1::text[]) and status = 'sending' returning *) ${WITH_CONTENT}`, [ids, at]);
  return r.rows;
}

/** The outcome of one delivery attempt. */
export interface AttemptResult {
  id: string; status: DeliveryStatus; reason: string | null; address: string | null; providerId: string | null;
  consentRecordId: string | null; consentBasis: string | null; sent: boolean;
}

/**
 * Records a whole batch of outcomes in one statement. A row marked 'unknown' meanwhile still takes
 * the truth. The rows come back with the content the caller claimed them with (`content` of
 * `claimed`), not read again. Provider ids are indexed in delivery_provider_ids (for receipts), so
 * the update itself changes no indexed column.
 */
export async function finishAttempts(db: Queryable, results: AttemptResult[], at: string, claimed: ReadonlyMap<string, OutboundContent>): Promise<DeliveryRow[]> {
  if (results.length === 0) return [];
  const col = <K extends keyof AttemptResult>(k: K) => results.map((r) => r[k]);
  const r = await db.query<Omit<DeliveryRow, 'content'>>(
    `with u as (update deliveries d set status = v.st, reason = v.re, address = coalesce(v.ad, d.address), provider_id = coalesce(v.pid, d.provider_id),
       consent_record_id = v.cr, consent_basis = v.cb, sent_at = case when v.sent then $9::timestamptz else d.sent_at end, updated_at = $9
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[]) as v(id, st, re, ad, pid, cr, cb, sent)
     where d.id = v.id and d.status in ('sending', 'unknown')
     returning d.*),
     refs as (insert into delivery_provider_ids (provider_id, delivery_id) select provider_id, id from u where provider_id is not null on conflict do nothing)
     select * from u`,
    [col('id'), col('status'), col('reason'), col('address'), col('providerId'), col('consentRecordId'), col('consentBasis'), col('sent'), at]);
  return r.rows.map((row) => ({ ...row, content: claimed.get(row.id) ?? {} }));
}

/** Dead letters: retries exhausted. A row still 'sending' died mid-call instead: 'unknown'. */
export async function markDead(db: Queryable, ids: string[], at: string): Promise<DeliveryRow[]> {
  const r = await db.query<DeliveryRow>(
    `with u as (update deliveries set
       status = case when status = 'sending' then 'unknown' else 'dead' end,
       reason = case when status = 'sending' then 'interrupted during delivery' else coalesce(reason, 'retries exhausted') end,
       updated_at = $2
     where id = any($1::text[]) and status in ('queued', 'retrying', 'sending') returning *) ${WITH_CONTENT}`, [ids, at]);
  return r.rows;
}

/** The message a receipt names, by Braid id or by the provider's id (on `channel`, when given). */
export async function findByRef(db: Queryable, ref: { messageId?: string | undefined; providerId?: string | undefined }, channel?: string): Promise<DeliveryRow | undefined> {
  if (ref.messageId !== undefined) {
    return (await db.query<DeliveryRow>(`select ${ROW} where d.id = $1 and ($2::text is null or d.channel = $2)`, [ref.messageId, channel ?? null])).rows[0];
  }
  if (ref.providerId === undefined) return undefined;
  const r = await db.query<DeliveryRow>(
    `select ${ROW} where d.id in (select delivery_id from delivery_provider_ids where provider_id = $1) and ($2::text is null or d.channel = $2)
     order by d.id desc limit 1`, [ref.providerId, channel ?? null]);
  return r.rows[0];
}

/** Moves a message to `status` when its current status is one of `from` (receipts never regress it). */
export async function moveStatus(db: Queryable, id: string, status: string, from: readonly string[], reason: string | null, at: string): Promise<DeliveryRow | undefined> {
  const r = await db.query<DeliveryRow>(
    `with u as (update deliveries set status = $2, reason = coalesce($4, reason), updated_at = $5
     where id = $1 and status = any($3::text[]) returning *) ${WITH_CONTENT}`, [id, status, from, reason, at]);
  return r.rows[0];
}

export async function getDelivery(db: Queryable, id: string): Promise<DeliveryRow | undefined> {
  return (await db.query<DeliveryRow>(`select ${ROW} where d.id = $1`, [id])).rows[0];
}

export async function listDeliveries(db: Queryable, q: DeliveryQuery): Promise<DeliveryRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (q.profileId !== undefined) add('d.profile_id = ?', q.profileId);
  if (q.workerId !== undefined) add('d.worker_id = ?', q.workerId);
  if (q.instanceId !== undefined) add('d.instance_id = ?', q.instanceId);
  if (q.channel !== undefined) add('d.channel = ?', q.channel);
  if (q.status !== undefined) add('d.status = ?', q.status);
  if (q.before !== undefined) add('d.id < ?', q.before);
  params.push(Math.min(Math.max(q.limit ?? 50, 1), 1000));
  const r = await db.query<DeliveryRow>(
    `select ${ROW} ${where.length ? 'where ' + where.join(' and ') : ''} order by d.id desc limit $${params.length}`, params);
  return r.rows;
}

/** Statuses that did not reach (or try to reach) the shopper, so they are no contact. */
export const NOT_CONTACTS = ['suppressed', 'failed', 'dead'] as const;

export async function loadContacts(db: Queryable, profileIds: string[], sinceIso: string): Promise<Map<string, Contact[]>> {
  const out = new Map<string, Contact[]>();
  if (profileIds.length === 0) return out;
  const r = await db.query<{ profile_id: string; channel: string; created_at: Date; worker_id: string | null; status: string }>(
    `select profile_id, channel, created_at, worker_id, status from deliveries
     where profile_id = any($1::text[]) and created_at >= $2 and status <> all($3::text[])
     order by created_at desc, id desc`, [profileIds, sinceIso, NOT_CONTACTS]);
  for (const x of r.rows) {
    let list = out.get(x.profile_id);
    if (!list) out.set(x.profile_id, list = []);
    list.push({ channel: x.channel as ChannelName, at: x.created_at.getTime(), workerId: x.worker_id, status: x.status as DeliveryStatus });
  }
  return out;
}

/**
 * Per profile and channel, how many of Braid's own messages went out, ever. A probe per profile
 * (`lateral … offset 0`): the embedded store keeps no column statistics, and `= any` would be
 * planned as a scan of every delivery.
 */
export async function countSent(db: Queryable, profileIds: string[]): Promise<Map<string, Partial<Record<ChannelName, number>>>> {
  const out = new Map<string, Partial<Record<ChannelName, number>>>();
  if (profileIds.length === 0) return out;
  const r = await db.query<{ profile_id: string; channel: string; n: number }>(
    `select u.p as profile_id, d.channel, count(*)::int as n
     from unnest($1::text[]) as u(p) cross join lateral (select channel from deliveries where profile_id = u.p and status = any($2::text[]) offset 0) d
     group by 1, 2`, [[...new Set(profileIds)], WENT_OUT]);
  for (const x of r.rows) {
    let m = out.get(x.profile_id);
    if (!m) out.set(x.profile_id, m = {});
    m[x.channel as ChannelName] = x.n;
  }
  return out;
}

// ---- suppressions ----

interface SuppressionRow { id: string; channel: string; address: string; reason: string; source: string; message_id: string | null; created_at: Date }
const toSuppression = (r: SuppressionRow): Suppression => ({
  id: r.id, channel: r.channel as Suppression['channel'], address: r.address, reason: r.reason, source: r.source, messageId: r.message_id, createdAt: r.created_at.toISOString(),
});

export async function insertSuppression(db: Queryable, s: Omit<Suppression, 'createdAt'>, at: string): Promise<Suppression> {
  await db.query(
    `insert into suppressions (id, channel, address, reason, source, message_id, created_at) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (channel, address) do nothing`, [s.id, s.channel, s.address, s.reason, s.source, s.messageId, at]);
  const r = await db.query<SuppressionRow>(`select * from suppressions where channel = $1 and address = $2`, [s.channel, s.address]);
  return toSuppression(r.rows[0]!);
}

export async function listSuppressions(db: Queryable, q: { channel?: string; address?: string; limit?: number; before?: string }): Promise<Suppression[]> {
  const r = await db.query<SuppressionRow>(
    `select * from suppressions where ($1::text is null or channel = $1) and ($2::text is null or address = $2) and ($3::text is null or id < $3)
     order by id desc limit $4`, [q.channel ?? null, q.address ?? null, q.before ?? null, Math.min(Math.max(q.limit ?? 100, 1), 1000)]);
  return r.rows.map(toSuppression);
}

export async function deleteSuppression(db: Queryable, id: string): Promise<boolean> {
  return (await db.query(`delete from suppressions where id = $1`, [id])).affectedRows > 0;
}

/** Which of these (channel, address) pairs are suppressed, on their channel or on 'all': keys `channel\0address`. */
export async function suppressedPairs(db: Queryable, pairs: Array<{ channel: string; address: string }>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (pairs.length === 0) return out;
  const r = await db.query<{ channel: string; address: string; reason: string }>(
    `select channel, address, reason from suppressions where address = any($1::text[])`, [[...new Set(pairs.map((p) => p.address))]]);
  const byAddress = new Map<string, Array<{ channel: string; reason: string }>>();
  for (const x of r.rows) { const l = byAddress.get(x.address) ?? []; l.push(x); byAddress.set(x.address, l); }
  for (const p of pairs) {
    const hit = byAddress.get(p.address)?.find((s) => s.channel === p.channel || s.channel === 'all');
    if (hit) out.set(`${p.channel}\u0000${p.address}`, hit.reason);
  }
  return out;
}

// ---- inbox ----

interface InboxRow { id: string; profile_id: string; title: string | null; body: string | null; url: string | null; data: Record<string, unknown> | null; created_at: Date; read_at: Date | null }
const toInbox = (r: InboxRow): InboxItem => ({
  id: r.id, profileId: r.profile_id, title: r.title, body: r.body, url: r.url, data: r.data, createdAt: r.created_at.toISOString(), readAt: r.read_at ? r.read_at.toISOString() : null,
});

export async function insertInbox(db: Queryable, item: { id: string; profileId: string; content: OutboundContent }, at: string): Promise<void> {
  const c = item.content;
  await db.query(
    `insert into inbox_items (id, profile_id, title, body, url, data, created_at) values ($1, $2, $3, $4, $5, $6::jsonb, $7) on conflict (id) do nothing`,
    [item.id, item.profileId, c.title ?? c.subject ?? null, c.body ?? c.text ?? null, c.url ?? null, c.data ? JSON.stringify(c.data) : null, at]);
}

export async function listInbox(db: Queryable, profileId: string, unreadOnly: boolean, limit: number): Promise<InboxItem[]> {
  const r = await db.query<InboxRow>(
    `select * from inbox_items where profile_id = $1 ${unreadOnly ? 'and read_at is null' : ''} order by created_at desc, id desc limit $2`, [profileId, limit]);
  return r.rows.map(toInbox);
}

export async function markInboxRead(db: Queryable, id: string, profileId: string | undefined, at: string): Promise<boolean> {
  const r = await db.query(
    `update inbox_items set read_at = coalesce(read_at, $2) where id = $1 and ($3::text is null or profile_id = $3)`, [id, at, profileId ?? null]);
  return r.affectedRows > 0;
}
