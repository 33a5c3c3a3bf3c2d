/** SQL of the approvals module (tables approval_versions, migration 0065, and governance_settings, 0090). */
import type { Queryable } from '../../core/index.ts';
import type { ApprovalItem, ApprovalListQuery, LiveVersion } from './approvals.types.ts';

interface Row {
  id: string; kind: ApprovalItem['kind']; subject_id: string; version: number; tier: ApprovalItem['tier']; declared_tier: ApprovalItem['tier'];
  reasons: ApprovalItem['reasons']; qa: ApprovalItem['qa']; document?: unknown; queue: ApprovalItem['queue']; status: ApprovalItem['status'];
  submitted_by: string; submitted_by_name: string; submitted_at: Date; decided_by: string | null; decided_by_name: string | null; decided_at: Date | null; comment: string | null;
}
const COLS = 'id, kind, subject_id, version, tier, declared_tier, reasons, qa, queue, status, submitted_by, submitted_by_name, submitted_at, decided_by, decided_by_name, decided_at, comment';

export const toItem = (r: Row): ApprovalItem => ({
  id: r.id, kind: r.kind, subjectId: r.subject_id, version: Number(r.version), tier: r.tier, declaredTier: r.declared_tier, reasons: r.reasons, qa: r.qa,
  queue: r.queue, status: r.status, submittedBy: { id: r.submitted_by, name: r.submitted_by_name }, submittedAt: r.submitted_at.toISOString(),
  decidedBy: r.decided_by ? { id: r.decided_by, name: r.decided_by_name ?? r.decided_by } : null, decidedAt: r.decided_at?.toISOString() ?? null, comment: r.comment,
});

/** Serializes version numbering per subject (several processes may submit at once). */
export async function lockSubject(tx: Queryable, kind: string, subjectId: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || ':approvals:' || $1 || ':' || $2))`, [kind, subjectId]);
}

export async function lastVersion(tx: Queryable, kind: string, subjectId: string): Promise<number> {
  const r = await tx.query<{ v: number | null }>(`select max(version) as v from approval_versions where kind = $1 and subject_id = $2`, [kind, subjectId]);
  return Number(r.rows[0]?.v ?? 0);
}

/** Older versions still waiting for an approver are superseded: approving one would publish a stale version. */
export async function supersede(tx: Queryable, kind: string, subjectId: string, below: number): Promise<number> {
  const r = await tx.query(`update approval_versions set status = 'superseded' where kind = $1 and subject_id = $2 and version < $3 and status = 'pending' and queue = 'approval'`, [kind, subjectId, below]);
  return r.affectedRows;
}

export async function insert(tx: Queryable, i: ApprovalItem, document: unknown): Promise<void> {
  await tx.query(`insert into approval_versions (${COLS}, document) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, null, null, null, null, $14)`, [
    i.id, i.kind, i.subjectId, i.version, i.tier, i.declaredTier, JSON.stringify(i.reasons), i.qa === null ? null : JSON.stringify(i.qa), i.queue, i.status,
    i.submittedBy.id, i.submittedBy.name, i.submittedAt, JSON.stringify(document ?? null),
  ]);
}

export async function getItem(db: Queryable, id: string): Promise<(ApprovalItem & { document: unknown }) | undefined> {
  const r = await db.query<Row>(`select ${COLS}, document from approval_versions where id = $1`, [id]);
  const row = r.rows[0];
  return row && { ...toItem(row), document: row.document };
}

/** Records a decision if the item is still pending (false: someone else decided first, or it was superseded). */
export async function decide(db: Queryable, id: string, d: { status: 'approved' | 'rejected'; by: { id: string; name: string }; at: string; comment: string | null }): Promise<ApprovalItem | undefined> {
  const r = await db.query<Row>(`update approval_versions set status = $2, decided_by = $3, decided_by_name = $4, decided_at = $5, comment = $6
    where id = $1 and status = 'pending' returning ${COLS}`, [id, d.status, d.by.id, d.by.name, d.at, d.comment]);
  return r.rows[0] && toItem(r.rows[0]);
}

export async function listItems(db: Queryable, q: ApprovalListQuery): Promise<ApprovalItem[]> {
  const where = ['queue is not null'];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => { args.push(v); where.push(sql.replace('?', `$${args.length}`)); };
  if (q.status) add('status = ?', q.status);
  if (q.kind) add('kind = ?', q.kind);
  if (q.subjectId) add('subject_id = ?', q.subjectId);
  if (q.before) add('id < ?', q.before);
  args.push(q.limit);
  const r = await db.query<Row>(`select ${COLS} from approval_versions where ${where.join(' and ')} order by id desc limit $${args.length}`, args);
  return r.rows.map(toItem);
}

export async function newestHeld(db: Queryable, kind: string, subjectId: string): Promise<ApprovalItem | undefined> {
  const r = await db.query<Row>(`select ${COLS} from approval_versions where kind = $1 and subject_id = $2 and status = 'pending' and queue = 'approval' order by version desc limit 1`, [kind, subjectId]);
  return r.rows[0] && toItem(r.rows[0]);
}

/**
 * Versions that are (or were, until a newer one) live: accepted, published without review, or
 * sampled and not rejected (live since submission). Rejected, superseded and retired versions are not.
 */
const LIVE = `(status in ('approved', 'published') or (queue = 'sample' and status = 'pending'))`;

/** The newest live version of every subject. */
export async function loadLive(db: Queryable): Promise<Array<{ kind: string; subjectId: string } & LiveVersion>> {
  const r = await db.query<Row>(`select distinct on (kind, subject_id) ${COLS} from approval_versions
    where ${LIVE} order by kind, subject_id, version desc`);
  return r.rows.map((row) => ({ kind: row.kind, subjectId: row.subject_id, ...liveOf(toItem(row)) }));
}

/** The newest live version of one subject, with its document (the fallback when a sampled version is rejected). */
export async function newestLive(db: Queryable, kind: string, subjectId: string): Promise<(ApprovalItem & { document: unknown }) | undefined> {
  const r = await db.query<Row>(`select ${COLS}, document from approval_versions where kind = $1 and subject_id = $2 and ${LIVE} order by version desc limit 1`, [kind, subjectId]);
  const row = r.rows[0];
  return row && { ...toItem(row), document: row.document };
}

/**
 * A deleted subject: its live versions become `retired` (never restored as a fallback, no longer
 * in the review sample) and versions still held are superseded (the deletion came after them).
 */
export async function retire(db: Queryable, kind: string, subjectId: string): Promise<{ retired: number; superseded: number }> {
  const a = await db.query(`update approval_versions set status = 'retired' where kind = $1 and subject_id = $2 and ${LIVE}`, [kind, subjectId]);
  const b = await db.query(`update approval_versions set status = 'superseded' where kind = $1 and subject_id = $2 and status = 'pending' and queue = 'approval'`, [kind, subjectId]);
  return { retired: a.affectedRows, superseded: b.affectedRows };
}

/** Overrides set through the API, and who set them last; undefined when never set. */
export async function loadSettings(db: Queryable): Promise<{ overrides: unknown; updatedAt: string; updatedBy: { id: string; name: string } } | undefined> {
  const r = await db.query<{ overrides: unknown; updated_at: Date; updated_by: string; updated_by_name: string }>(
    `select overrides, updated_at, updated_by, updated_by_name from governance_settings where id = 1`);
  const row = r.rows[0];
  return row && { overrides: row.overrides, updatedAt: row.updated_at.toISOString(), updatedBy: { id: row.updated_by, name: row.updated_by_name } };
}

/** Locks the settings row for a read-modify-write (two admins saving at once both count). */
export async function lockSettings(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || ':governance_settings'))`);
}

export async function saveSettings(tx: Queryable, overrides: object, at: string, by: { id: string; name: string }): Promise<void> {
  await tx.query(`insert into governance_settings (id, overrides, updated_at, updated_by, updated_by_name) values (1, $1, $2, $3, $4)
    on conflict (id) do update set overrides = excluded.overrides, updated_at = excluded.updated_at, updated_by = excluded.updated_by, updated_by_name = excluded.updated_by_name`,
  [JSON.stringify(overrides), at, by.id, by.name]);
}

export function liveOf(i: ApprovalItem): LiveVersion {
  return { version: i.version, tier: i.tier, approvalId: i.id, approvedBy: i.queue === 'approval' && i.status === 'approved' ? i.decidedBy : null, submittedBy: i.submittedBy };
}
